export {
  createGraphSandbox,
  GraphSandbox,
  GRAPH_SCOPES,
  CRM_SCOPES,
  SANDBOX_CLIENT_ID,
  SANDBOX_CLIENT_SECRET,
  issuerFor,
} from './graph-sandbox';
export type {
  SandboxOptions,
  SandboxBehaviour,
  TokenAudience,
  IssueTokenExtra,
  TokenResponse,
  NewTenant,
  NewUser,
} from './graph-sandbox';
export { graphSandboxPlugin } from './sandbox-plugin';
export { OUTLOOK_LIMITS } from './mailbox-guard';
export type { SandboxLimits, SandboxFaults, FaultRule, FaultKind, MailboxStats } from './mailbox-guard';
export type { MessageRecord, UserRecord, TenantRecord } from './sandbox-state';
export { CONTOSO_TENANT_ID, FABRIKAM_TENANT_ID, GLOBAL_ADMINISTRATOR_ROLE } from './demo-tenants';
export { listenSandboxTls, generateSandboxCertificate } from './sandbox-tls';
export type { SandboxTlsServer, SandboxTlsCertificate } from './sandbox-tls';
export { JWT_BEARER_GRANT } from './entra-token-endpoint';
export type { IdentitySettings, ConfidentialClient } from './entra-token-endpoint';
export { MAX_SUBSCRIPTION_MINUTES, LIFECYCLE_EVENTS } from './notification-delivery';
export type { NotificationSettings, SubscriptionRecord, LifecycleEvent } from './notification-delivery';
