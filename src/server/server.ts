import { createRemoteJWKSet } from 'jose';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app';
import type { ServerConfig } from './config';
import { serverLogging } from './logging';
import { openStore, type Store } from './db/store';
import { parseMailbox, type MailTransport } from './mail/mail-transport';
import { OutboxSender } from './mail/outbox-sender';
import type { BackgroundSyncHooks } from './worker/sync-activation';
import { createSmtpTransport } from './mail/smtp-transport';
import type { LateServerSyncAccess } from './services/sync-health';

export interface RunningServer {
  app: FastifyInstance;
  store: Store;
  url: string;
  /** Delivers the mail outbox; absent when no mail transport is configured (mail then waits in the outbox). */
  mailSender: OutboxSender | undefined;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Mounts more plugins before the server listens (the CLI mounts the Graph sandbox this way). */
  mount?: (app: FastifyInstance) => Promise<void>;
  /** Runs after the server stopped taking requests, before the store closes. */
  onClose?: () => Promise<void>;
  /** Where mail goes when no SMTP server is configured (the CLI passes the sandbox mailboxes). */
  mailTransport?: MailTransport;
  /** Background sync's answer to syncs turned on and off and to Graph's notifications. */
  background?: BackgroundSyncHooks;
  /** Background sync's queue and tokens for "Sync now" and reconnecting (set once it has started). */
  serverSync?: LateServerSyncAccess;
}

/** Opens the store, builds the app and listens; `close` stops taking requests, finishes those in flight, then closes the store. */
export async function startServer(config: ServerConfig, options: StartOptions = {}): Promise<RunningServer> {
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const smtp = config.mail.smtpUrl ? createSmtpTransport(config.mail.smtpUrl) : undefined;
  const transport = smtp ?? options.mailTransport;
  let mailSender: OutboxSender | undefined;
  let app: FastifyInstance;
  try {
    app = await buildApp({
      store,
      auth: {
        issuer: config.auth.issuer,
        audience: config.auth.audience,
        keys: createRemoteJWKSet(new URL(config.auth.jwksUrl)),
      },
      // JSON lines in production; readable lines in the demo's terminal. Tokens and cookies are redacted.
      ...serverLogging(config),
      onboarding: {
        publicUrl: config.publicUrl,
        newOrgEdition: config.newOrgEdition,
        mailQueued: () => mailSender?.wake(),
      },
      ...(options.background ? { background: options.background } : {}),
      ...(options.serverSync ? { serverSync: options.serverSync } : {}),
    });
    await options.mount?.(app);
    await app.listen({ port: config.port, host: config.host });
    if (transport) {
      mailSender = new OutboxSender({
        db: store.db,
        transport,
        from: parseMailbox(config.mail.from),
        log: app.log,
      });
      mailSender.start();
    } else {
      app.log.warn('No mail transport is configured (TANDEM_SMTP_URL): mail waits in the outbox.');
    }
  } catch (error) {
    smtp?.close();
    await store.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  let closing: Promise<void> | undefined;
  return {
    app,
    store,
    url: `http://localhost:${port}`,
    mailSender,
    close: () =>
      (closing ??= (async () => {
        await app.close();
        // A mail being handed over finishes; the rest stays queued for the next start.
        await mailSender?.stop();
        smtp?.close();
        await options.onClose?.();
        await store.close();
      })()),
  };
}
