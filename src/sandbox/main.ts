import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import Fastify from 'fastify';
import { CONTOSO_TENANT_ID, createGraphSandbox, graphSandboxPlugin, listenSandboxTls } from './index';
import { SandboxFiles } from './sandbox-files';

/**
 * Runs the Graph sandbox on its own: `npm run sandbox -- --port 4000 [--data-dir DIR]
 * [--tls-port 4443 --tls-ca sandbox-ca.pem]` (the HTTPS port serves the same sandbox for MSAL). With a
 * data directory every write is journalled there before it is answered; without one the state lives in
 * memory.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: process.env.PORT ?? '4000' },
      host: { type: 'string', default: '127.0.0.1' },
      'crm-audience': { type: 'string', default: process.env.TANDEM_AUTH_AUDIENCE ?? 'api://tandem' },
      'data-dir': { type: 'string' },
      'tls-port': { type: 'string' },
      'tls-ca': { type: 'string' },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be a port number, got ${values.port}`);
  const sandbox = createGraphSandbox({ crmAudience: values['crm-audience']! });
  const dataDir = values['data-dir'];
  const files = dataDir ? await SandboxFiles.open(sandbox, dataDir) : undefined;

  const app = Fastify({ logger: false });
  await app.register(graphSandboxPlugin, { sandbox });
  const address = await app.listen({ port, host: values.host! });
  const base = address.replace('127.0.0.1', 'localhost');
  let tls: Awaited<ReturnType<typeof listenSandboxTls>> | undefined;
  if (values['tls-port'] !== undefined) {
    const tlsPort = Number(values['tls-port']);
    if (!Number.isInteger(tlsPort) || tlsPort < 0 || tlsPort > 65535)
      throw new Error(`--tls-port must be a port number, got ${values['tls-port']}`);
    tls = await listenSandboxTls(sandbox, { port: tlsPort, host: values.host! });
    if (values['tls-ca']) writeFileSync(values['tls-ca'], tls.ca);
  }
  console.log(`Graph sandbox listening on ${base}`);
  console.log(`  Graph v1.0        ${base}/graph/v1.0`);
  console.log(
    `  Token             POST ${base}/sandbox/token {"user":"admin@contoso.example","audience":"graph"}`,
  );
  console.log(
    `  OpenID config     ${base}/sandbox/${CONTOSO_TENANT_ID}/v2.0/.well-known/openid-configuration`,
  );
  console.log(`  JWKS              ${base}/sandbox/discovery/v2.0/keys`);
  console.log(`  Admin             ${base}/sandbox/admin/stats | limits | faults | users | tenants`);
  console.log(`  Mailboxes         ${base}/sandbox/mailboxes/<upn>/messages`);
  if (tls) {
    console.log(`  Entra authority   ${tls.origin}/sandbox/${CONTOSO_TENANT_ID} (HTTPS)`);
    if (values['tls-ca']) console.log(`  Its certificate   ${values['tls-ca']}`);
  }

  const stop = async () => {
    await tls?.close();
    await app.close();
    await files?.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
