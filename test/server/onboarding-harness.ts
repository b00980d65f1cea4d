import { randomUUID } from 'node:crypto';
import { createLocalJWKSet, type JSONWebKeySet } from 'jose';
import type { FastifyInstance } from 'fastify';
import { sandboxMailTransport } from '../../src/cli/serve';
import { createGraphSandbox, type GraphSandbox, type MessageRecord } from '../../src/sandbox';
import type { IssueTokenExtra } from '../../src/sandbox/graph-sandbox';
import { buildApp } from '../../src/server/app';
import type { Store } from '../../src/server/db/store';
import type { MailTransport } from '../../src/server/mail/mail-transport';
import { OutboxSender } from '../../src/server/mail/outbox-sender';
import { TERMS_VERSION, type OnboardingSettings } from '../../src/server/services/onboarding-settings';
import { as } from '../support/fixtures';
import { openIsolatedStore } from './isolated-store';

export const ORIGIN = 'https://tandem.test';
export const AUDIENCE = 'api://tandem';
export const TERMS = { acceptTerms: true, termsVersion: TERMS_VERSION } as const;

export interface SandboxTenant {
  id: string;
  domain: string;
  /** Global Administrator of the tenant. */
  admin: string;
  /** Ordinary Microsoft 365 users. */
  users: string[];
}

export interface OnboardingHarness {
  app: FastifyInstance;
  store: Store;
  sandbox: GraphSandbox;
  sender: OutboxSender;
  /** A fresh Microsoft 365 tenant in the sandbox: one admin and `userCount` users. */
  tenant(userCount?: number): SandboxTenant;
  /** `app.inject` with a sandbox-issued CRM token of that user. */
  as(upn: string): ReturnType<typeof as>;
  /** The same with claims the user's tenant chose, e.g. another `email`, or `xms_edov` false. */
  asWith(upn: string, claims: Pick<IssueTokenExtra, 'email' | 'emailVerified'>): ReturnType<typeof as>;
  /** Delivers the outbox, then answers the mails the address received. */
  mailsTo(address: string): Promise<MessageRecord[]>;
  close(): Promise<void>;
}

/** The real server over a test store, trusting the Graph sandbox's identity provider, mailing into its mailboxes. */
export async function startOnboarding(
  options: { settings?: Partial<OnboardingSettings>; transport?: MailTransport } = {},
): Promise<OnboardingHarness> {
  const sandbox = createGraphSandbox({ crmAudience: AUDIENCE, publicUrl: ORIGIN, seedDemo: false });
  const isolated = await openIsolatedStore();
  const { store } = isolated;
  const app = await buildApp({
    store,
    auth: {
      issuer: `${ORIGIN}/sandbox/{tenantid}/v2.0`,
      audience: AUDIENCE,
      keys: createLocalJWKSet(sandbox.jwks() as unknown as JSONWebKeySet),
    },
    onboarding: { publicUrl: ORIGIN, ...options.settings },
  });
  const sender = new OutboxSender({
    db: store.db,
    transport: options.transport ?? sandboxMailTransport(sandbox),
    from: { name: 'Tandem', address: 'no-reply@tandem.test' },
  });
  return {
    app,
    store,
    sandbox,
    sender,
    tenant(userCount = 2) {
      const id = randomUUID();
      const domain = `t${id.slice(0, 8)}.example`;
      sandbox.addTenant({ id, displayName: `Tenant ${domain}`, domain });
      const admin = sandbox.addUser({
        tenant: id,
        userPrincipalName: 'admin',
        givenName: 'Ana',
        surname: 'Admin',
        globalAdmin: true,
      }).userPrincipalName;
      const users = Array.from(
        { length: userCount },
        (_, i) =>
          sandbox.addUser({ tenant: id, userPrincipalName: `user${i + 1}`, displayName: `User ${i + 1}` })
            .userPrincipalName,
      );
      return { id, domain, admin, users };
    },
    as: (upn) => as(app, { token: sandbox.issueToken(upn, 'crm') }),
    asWith: (upn, claims) => as(app, { token: sandbox.issueToken(upn, 'crm', claims) }),
    async mailsTo(address) {
      while ((await sender.runOnce()) > 0);
      return sandbox.mailbox(address);
    },
    close: async () => {
      await app.close();
      await isolated.close();
    },
  };
}

/** The link or code a mail carries. */
export function linkIn(mail: MessageRecord | undefined): string {
  const match = mail && /https?:\/\/\S+/.exec(mail.body.content);
  if (!match) throw new Error(`No link in mail "${mail?.subject}"`);
  return match[0];
}

export function invitationTokenIn(mail: MessageRecord | undefined): string {
  const match = /#\/invite\/([A-Za-z0-9_-]+)/.exec(linkIn(mail));
  if (!match) throw new Error('No invitation link in the mail');
  return match[1]!;
}

export function codeIn(mail: MessageRecord | undefined): string {
  const match = mail && /\b(\d{6})\b/.exec(mail.body.content);
  if (!match) throw new Error('No code in the mail');
  return match[1]!;
}
