import type { FastifyInstance } from 'fastify';
import {
  createGraphSandbox,
  graphSandboxPlugin,
  listenSandboxTls,
  SANDBOX_CLIENT_ID,
  SANDBOX_CLIENT_SECRET,
  type GraphSandbox,
  type SandboxTlsServer,
} from '../sandbox';
import { deliverExternalMail } from '../sandbox/mail-api';
import { SandboxFiles } from '../sandbox/sandbox-files';
import { loadConfig, type ServerConfig } from '../server/config';
import { registerWebApp } from '../server/plugins/web-app';
import type { MailTransport } from '../server/mail/mail-transport';
import { startServer, type RunningServer } from '../server/server';
import { startBackgroundSync, type BackgroundSync } from '../server/worker/background-sync';
import { LateBackgroundSyncHooks } from '../server/worker/sync-activation';
import { buildAddInIfMissing, clientConfigFor, DIST_DIR } from './add-in';

/** `tandem serve`: the server, and on the demo tenant the Graph sandbox beside it. */
export async function serve(): Promise<void> {
  const loaded = loadConfig();
  const clientConfig = clientConfigFor(loaded);
  // Started first, the build runs while the store opens.
  buildAddInIfMissing((line) => console.log(line), { demo: loaded.sandbox });
  const sandbox = loaded.sandbox ? await openSandbox(loaded) : undefined;
  const tls = sandbox ? await listenSandboxTls(sandbox.instance) : undefined;
  const config = tls ? withSandboxAuthority(loaded, tls) : loaded;
  // Started once the store is open; stopped before it closes.
  const background: { sync?: BackgroundSync } = {};
  const hooks = new LateBackgroundSyncHooks();
  const server = await startServer(config, {
    background: hooks,
    mount: async (app) => {
      if (sandbox) await mountSandbox(app, sandbox.instance);
      await registerWebApp(app, { distDir: DIST_DIR, clientConfig });
    },
    onClose: async () => {
      await background.sync?.stop();
      await tls?.close();
      await sandbox?.save();
    },
    // Without SMTP, the demo's mails land in the sandbox mailboxes (GET /sandbox/mailboxes/<address>/messages).
    mailTransport: sandbox ? sandboxMailTransport(sandbox.instance) : undefined,
  });
  // Runs are queued whether or not this process takes them (TANDEM_WORKER=off leaves that to `tandem worker`).
  background.sync = await startBackgroundSync({
    store: server.store,
    config,
    runWorker: config.backgroundSync.worker,
    log: server.app.log,
  });
  hooks.target = background.sync.hooks;
  printBanner(config, server);
  stopOnSignals(server);
}

/**
 * The demo mailboxes live in memory and on disk in the data directory: every Graph write is journalled
 * before it is answered, so even a killed server keeps what it acknowledged.
 */
async function openSandbox(config: ServerConfig) {
  const instance = createGraphSandbox({ crmAudience: config.auth.audience, publicUrl: config.publicUrl });
  const files = await SandboxFiles.open(instance, config.dataDir, (message) => console.warn(message));
  return { instance, save: () => files.close() };
}

/**
 * The demo tenant's identity provider for the server's own tokens: the sandbox's token endpoint over
 * HTTPS (MSAL refuses http:// authorities), with its generated certificate trusted, and the sandbox
 * app's client id and secret. MSAL then runs exactly as against Entra ID.
 */
export function withSandboxAuthority(config: ServerConfig, tls: SandboxTlsServer): ServerConfig {
  return {
    ...config,
    backgroundSync: {
      ...config.backgroundSync,
      authority: `${tls.origin}/sandbox/{tenantid}`,
      authorityCa: tls.ca,
      clientId: SANDBOX_CLIENT_ID,
      clientSecret: SANDBOX_CLIENT_SECRET,
    },
  };
}

/** Tandem's outbox delivering into the Graph sandbox's mailboxes. */
export function sandboxMailTransport(sandbox: GraphSandbox): MailTransport {
  return {
    send: async (mail) => {
      deliverExternalMail(sandbox, {
        from: mail.from,
        to: [{ address: mail.to }],
        subject: mail.subject,
        text: mail.text,
      });
      await sandbox.flush();
    },
  };
}

async function mountSandbox(app: FastifyInstance, sandbox: GraphSandbox): Promise<void> {
  await app.register(graphSandboxPlugin, { sandbox });
}

function printBanner(config: ServerConfig, server: RunningServer): void {
  const base = config.port === 0 ? server.url : config.publicUrl;
  const where = server.store.kind === 'pglite' ? `PGlite in ${config.dataDir}` : 'PostgreSQL';
  console.log(`Tandem is running (store: ${where})`);
  console.log(`  Add-in:       ${base}/taskpane.html (also the web app)`);
  if (config.sandbox)
    console.log(`  Outlook view: ${base}/sandbox/outlook.html (the demo mailboxes as Graph holds them)`);
  console.log(`  API:          ${base}/api/health`);
  if (config.sandbox) {
    console.log(
      `  Graph sandbox: ${base}/graph/v1.0 (demo tenant Contoso; admin@contoso.example is its administrator)`,
    );
    console.log(
      `  Sandbox token: POST ${base}/sandbox/token {"user":"admin@contoso.example","audience":"crm"}`,
    );
  }
  console.log(
    `  Background sync: ${config.backgroundSync.worker ? `runs here (backstop every ${config.backgroundSync.pollMinutes} min)` : 'queued for `tandem worker` (TANDEM_WORKER=off)'}`,
  );
  if (config.mail.smtpUrl) console.log('  Mail:          sent through the SMTP server of TANDEM_SMTP_URL');
  else if (config.sandbox) console.log(`  Mail:          ${base}/sandbox/mailboxes/<address>/messages`);
  else console.log('  Mail:          no SMTP server configured (TANDEM_SMTP_URL): mail waits in the outbox');
}

function stopOnSignals(server: RunningServer): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal} received: finishing requests in flight and closing the store…`);
    server.close().then(
      () => {
        console.log('Tandem stopped.');
        process.exit(0);
      },
      (error: unknown) => {
        console.error('Tandem did not stop cleanly:', error instanceof Error ? error.message : error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
