/**
 * Store benchmark: change-feed latency with 100,000 contacts and 10 changes since the cursor (PGlite
 * and PostgreSQL), and contact-read throughput against PostgreSQL under concurrent load, all through
 * the real HTTP API.
 *
 *   npm run bench:store                 # PGlite, plus PostgreSQL on 127.0.0.1:5432 if it answers
 *   DATABASE_URL=postgres://… npm run bench:store
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { buildApp } from '../src/server/app';
import { openStore, type Store } from '../src/server/db/store';
import { RecordService } from '../src/server/services/record-service';
import { createOrganisation } from '../src/server/services/org-service';
import { toPermissions } from '../src/server/auth/permissions';
import { createTestIssuer } from '../test/support/auth';

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 100_000);
const FEED_SAMPLES = 300;
const LOAD_SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONCURRENCY = 32;

async function main(): Promise<void> {
  console.log(`Store benchmark: ${CONTACTS.toLocaleString('en')} contacts\n`);
  await leg('pglite', undefined);
  const url = process.env.DATABASE_URL ?? (await freshLocalDatabase());
  if (url) await leg('postgres', url);
  else console.log('PostgreSQL: not reachable on 127.0.0.1:5432 and DATABASE_URL not set — skipped.');
}

async function leg(kind: string, databaseUrl: string | undefined): Promise<void> {
  const store = await openStore({ databaseUrl, poolSize: 20 });
  const issuer = await createTestIssuer();
  const app = await buildApp({ store, auth: issuer.auth });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  try {
    const { token, ids } = await seed(store, issuer);
    const auth = { authorization: `Bearer ${token}` };

    // Ten changes after a cursor taken once the table is full.
    // A fresh organisation's sequence numbers its records 1..N, so N is the cursor after seeding.
    const cursor = String(CONTACTS);
    const step = Math.floor(ids.length / 10);
    for (let i = 0; i < 10; i++) {
      await fetch(`${base}/api/contacts/${ids[i * step]}`, {
        method: 'PATCH',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ title: `Changed ${i}` }),
      });
    }
    const feedUrl = `${base}/api/changes?resource=contacts&owner=me&cursor=${cursor}`;
    const check = (await (await fetch(feedUrl, { headers: auth })).json()) as { changes: unknown[] };
    if (check.changes.length !== 10) throw new Error(`expected 10 changes, got ${check.changes.length}`);
    const feed = await sample(FEED_SAMPLES, async () => {
      const res = await fetch(feedUrl, { headers: auth });
      await res.arrayBuffer();
    });
    console.log(`${kind}: change feed, 10 changes since cursor, ${CONTACTS.toLocaleString('en')} contacts`);
    console.log(
      `  median ${fmt(percentile(feed, 50))} ms   p99 ${fmt(percentile(feed, 99))} ms   (target: median ≤ 10 ms)`,
    );

    if (kind === 'postgres') {
      const result = await load(LOAD_SECONDS * 1000, CONCURRENCY, async (n) => {
        const res = await fetch(`${base}/api/contacts/${ids[(n * 7919) % ids.length]}`, { headers: auth });
        if (res.status !== 200) throw new Error(`read answered ${res.status}`);
        await res.arrayBuffer();
      });
      console.log(`${kind}: contact reads by id, ${CONCURRENCY} concurrent clients for ${LOAD_SECONDS} s`);
      console.log(
        `  ${Math.round(result.count / (result.elapsedMs / 1000)).toLocaleString('en')} req/s   median ${fmt(percentile(result.latencies, 50))} ms   p99 ${fmt(percentile(result.latencies, 99))} ms   errors ${result.errors}`,
      );
    }
    console.log('');
  } finally {
    await app.close();
    await store.close();
  }
}

async function seed(store: Store, issuer: Awaited<ReturnType<typeof createTestIssuer>>) {
  const tenantId = randomUUID();
  const objectId = randomUUID();
  const email = `bench-${tenantId.slice(0, 8)}@bench.example`;
  const org = await createOrganisation(store.db, {
    tenantId,
    name: 'Bench',
    edition: 'paid',
    admin: { email, displayName: 'Bench', msTenantId: tenantId, msObjectId: objectId },
  });
  const actor = {
    userId: org.adminUserId,
    orgId: org.orgId,
    email,
    isSuperAdmin: true,
    permissions: toPermissions([]),
  };
  const service = new RecordService(store.db);
  const ids: string[] = [];
  const started = Date.now();
  for (let i = 0; i < CONTACTS; i += 1000) {
    const batch = Array.from({ length: Math.min(1000, CONTACTS - i) }, (_, j) => ({
      fields: {
        firstName: `First${i + j}`,
        lastName: `Last${i + j}`,
        email: `c${i + j}@example.com`,
        accountName: `Company ${(i + j) % 500}`,
      },
      origin: 'import' as const,
    }));
    ids.push(...(await service.createMany(actor, 'contacts', batch)).map((r) => r.id));
    if ((i / 1000) % 20 === 19) process.stdout.write(`  seeded ${(i + 1000).toLocaleString('en')}\r`);
  }
  console.log(
    `  seeded ${ids.length.toLocaleString('en')} contacts in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return { token: await issuer.sign({ tenantId, objectId, email }), ids };
}

async function sample(n: number, fn: () => Promise<void>): Promise<number[]> {
  for (let i = 0; i < 20; i++) await fn(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return times;
}

async function load(durationMs: number, concurrency: number, fn: (n: number) => Promise<void>) {
  const latencies: number[] = [];
  let count = 0;
  let errors = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        try {
          await fn(count++);
          latencies.push(performance.now() - t0);
        } catch {
          errors++;
        }
      }
    }),
  );
  return { latencies, count: latencies.length, errors, elapsedMs: performance.now() - started };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

const fmt = (ms: number) => ms.toFixed(2);

async function freshLocalDatabase(): Promise<string | undefined> {
  const admin = new pg.Client({
    connectionString: 'postgres://postgres@127.0.0.1:5432/postgres',
    connectionTimeoutMillis: 2000,
  });
  try {
    await admin.connect();
    const name = `tandem_bench_${Date.now()}`;
    await admin.query(`create database ${name}`);
    return `postgres://postgres@127.0.0.1:5432/${name}`;
  } catch {
    return undefined;
  } finally {
    await admin.end().catch(() => undefined);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
