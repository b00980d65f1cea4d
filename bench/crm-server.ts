/**
 * The CRM side of the sync benchmark, in a process of its own: the Tandem server over its store
 * (PGlite in memory, or with DATABASE_URL a fresh PostgreSQL database on that server, dropped at the
 * end), holding BENCH_CONTACTS contacts and BENCH_EVENTS events of one administrator (bench-crm.ts).
 *
 * Prints one JSON line on stdout when it listens: `{"url", "token", "seedMs"}` — the token is a bearer
 * token of the administrator for the CRM API, signed by a sandbox identity provider the server trusts.
 */
import { createLocalJWKSet, decodeJwt, type JSONWebKeySet } from 'jose';
import { createGraphSandbox } from '../src/sandbox';
import { issuerFor } from '../src/sandbox/graph-sandbox';
import { buildApp } from '../src/server/app';
import { openStore } from '../src/server/db/store';
import { freshDatabase } from '../test/support/fresh-database';
import { seedBenchCrm } from './bench-crm';

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 10_000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 5_000);
const USER = 'admin@contoso.example';
const ORIGIN = 'http://crm.bench.example';
const AUDIENCE = 'api://tandem-bench';

async function main(): Promise<void> {
  const identity = createGraphSandbox({ crmAudience: AUDIENCE, publicUrl: ORIGIN });
  const token = identity.issueToken(USER, 'crm', { origin: ORIGIN, expiresInSeconds: 24 * 3600 });
  const claims = decodeJwt(token) as { oid: string; tid: string };
  const database = await freshDatabase();
  const store = await openStore({ databaseUrl: database.url, poolSize: 8 });
  const app = await buildApp({
    store,
    auth: {
      issuer: issuerFor(ORIGIN, '{tenantid}'),
      audience: AUDIENCE,
      keys: createLocalJWKSet(identity.jwks() as unknown as JSONWebKeySet),
    },
  });

  const started = performance.now();
  await seedBenchCrm(store, {
    tenantId: claims.tid,
    email: USER,
    objectId: claims.oid,
    contacts: CONTACTS,
    events: EVENTS,
  });
  const seedMs = performance.now() - started;

  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  process.stdout.write(`${JSON.stringify({ url, token, seedMs })}\n`);

  const stop = () => {
    void app
      .close()
      .then(() => store.close())
      .then(() => database.drop())
      .finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
