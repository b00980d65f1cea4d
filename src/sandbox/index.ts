export {
  createGraphSandbox,
  GraphSandbox,
  GRAPH_SCOPES,
  CRM_SCOPES,
  SANDBOX_CLIENT_ID,
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
