/**
 * Background sync benchmark: N users with contact sync on and the server holding their access; random
 * changes on both sides (CRM edits through the record service, Outlook edits through Graph) for a
 * while; how long each change takes to reach the other side, how many Graph requests the worker makes,
 * and what the worker costs while nothing changes.
 *
 *   npm run bench:background                          # 200 users, 2 minutes, PGlite
 *   BENCH_USERS=10 BENCH_SECONDS=30 npm run bench:background
 *   DATABASE_URL=postgres://… BENCH_WORKERS=2 npm run bench:background
 *
 * The Graph sandbox answers in process with BENCH_LATENCY_MS (20) per request. Each worker is a
 * replica with its own queue connection on the one database (BENCH_WORKERS, default 1), all in this
 * process. Outlook-side changes reach the worker by Graph change notifications (delivered after
 * BENCH_NOTIFY_DELAY_MS, 1 s) once the server subscribes to them; until then only the backstop poll
 * (BENCH_BACKSTOP_MINUTES, default 15) finds them, and the bench says so. CRM-side changes are queued
 * by the committed write itself.
 */
import { randomBytes } from 'node:crypto';
import Fastify from 'fastify';
import { sql } from 'kysely';
import { demoContact, random } from '../src/cli/seed-data';
import { createGraphSandbox, graphSandboxPlugin } from '../src/sandbox';
import type { Actor } from '../src/server/auth/permissions';
import { openStore } from '../src/server/db/store';
import { addMember, createOrganisation } from '../src/server/services/org-service';
import { RecordService } from '../src/server/services/record-service';
import { SyncCredentialVault } from '../src/server/services/sync-credentials';
import { actorForEmail, syncEngineFor } from '../src/server/services/sync-runner';
import { SyncQueue } from '../src/server/worker/sync-queue';
import { runSyncOnRecordWrites } from '../src/server/worker/sync-triggers';
import { SyncWorker } from '../src/server/worker/sync-worker';
import {
  SignInRequiredError,
  type GraphTokenProvider,
  type SyncUser,
} from '../src/server/worker/token-provider';
import { createGraphClient, type FetchLike } from '../src/sync/graph';

const USERS = Number(process.env.BENCH_USERS ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 120);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 1);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 20);
const BACKSTOP_MINUTES = Number(process.env.BENCH_BACKSTOP_MINUTES ?? 15);
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 20);
const CHANGES_PER_SECOND = Number(process.env.BENCH_CHANGES_PER_SECOND ?? 2);
const CONTACTS = 50;
const ORIGIN = 'http://tandem.bench';
const GRAPH = `${ORIGIN}/graph/v1.0`;

const ms = (n: number) => `${Math.round(n)} ms`;
const line = (label: string, value: string) => console.log(`  ${label.padEnd(44)}${value}`);
const sleep = (n: number) => new Promise((r) => setTimeout(r, n));

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function main(): Promise<void> {
  const store = await openStore({ databaseUrl: process.env.DATABASE_URL, poolSize: 8 });
  const sandbox = createGraphSandbox({ crmAudience: 'api://tandem', publicUrl: ORIGIN });
  sandbox.setDefaultLimits({ latencyMs: LATENCY_MS });
  const app = Fastify({ logger: false });
  await app.register(graphSandboxPlugin, { sandbox });
  await app.ready();
  const counted = { worker: 0 };
  const inject: FetchLike = async (input, init) => {
    const url = new URL(input);
    const res = await app.inject({
      method: (init.method ?? 'GET') as 'GET',
      url: url.pathname + url.search,
      headers: { ...(init.headers as Record<string, string>), host: url.host },
      ...(typeof init.body === 'string' ? { payload: init.body } : {}),
    });
    const headers = new Headers();
    for (const [name, value] of Object.entries(res.headers))
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : String(value));
    const empty = res.statusCode === 204 || res.rawPayload.length === 0;
    return new Response(empty ? null : new Uint8Array(res.rawPayload), { status: res.statusCode, headers });
  };
  const workerFetch: FetchLike = (input, init) => {
    counted.worker++;
    return inject(input, init);
  };
  const token = (upn: string) => sandbox.issueToken(upn, 'graph', { origin: ORIGIN });

  console.log(`Background sync: ${USERS} users × ${CONTACTS} contacts, ${WORKERS} worker(s), ${store.kind}`);
  const contoso = sandbox.tenants().find((t) => /contoso/i.test(t.displayName))!;
  const upns: string[] = [];
  for (let i = 0; i < USERS; i++)
    upns.push(sandbox.addUser({ tenant: contoso.id, userPrincipalName: `bench${i}` }).userPrincipalName);
  const objectId = (upn: string) => sandbox.requireUser(upn).id;
  const org = await createOrganisation(store.db, {
    tenantId: contoso.id,
    name: 'Bench',
    edition: 'paid',
    admin: {
      email: upns[0]!,
      displayName: 'Bench 0',
      msTenantId: contoso.id,
      msObjectId: objectId(upns[0]!),
    },
  });
  for (const upn of upns.slice(1))
    await addMember(store.db, org.orgId, {
      email: upn,
      displayName: upn,
      msTenantId: contoso.id,
      msObjectId: objectId(upn),
    });

  // The server's access: the sandbox's tokens for each user, a credential row per user (the backstop reads it).
  const vault = new SyncCredentialVault(store.db, randomBytes(32));
  const tokens: GraphTokenProvider = {
    connect: async (user: SyncUser, upn: string) => vault.save(user, upn),
    holds: (user) => vault.has(user),
    graphToken: async (user) => {
      const upn = await vault.load(user);
      if (!upn) throw new SignInRequiredError('No access held.');
      return token(upn);
    },
    disconnect: (user) => vault.remove(user),
  };

  const records = new RecordService(store.db);
  const next = random(7);
  const actors: Actor[] = [];
  const setupStarted = performance.now();
  for (const upn of upns) {
    const actor = await actorForEmail(store.db, upn);
    actors.push(actor);
    await records.createMany(
      actor,
      'contacts',
      Array.from({ length: CONTACTS }, (_, j) => ({
        fields: { ...demoContact(next, j) },
        origin: 'api' as const,
      })),
    );
    const graph = createGraphClient({ baseUrl: GRAPH, getToken: async () => token(upn), fetch: inject });
    const engine = await syncEngineFor({ db: store.db, actor, resource: 'contacts', graph, holder: 'bench' });
    await engine.activate();
    await tokens.connect(
      { orgId: actor.orgId, userId: actor.userId, tenantId: contoso.id, objectId: objectId(upn) },
      upn,
    );
  }
  line('setup (seed + initial syncs)', ms(performance.now() - setupStarted));

  const queues: SyncQueue[] = [];
  const workers: SyncWorker[] = [];
  for (let w = 0; w < WORKERS; w++) {
    const queue = await SyncQueue.open(
      { pglite: store.pglite, databaseUrl: process.env.DATABASE_URL },
      { debounceSeconds: 0.5 },
    );
    queues.push(queue);
    const worker = new SyncWorker({
      db: store.db,
      queue,
      tokens,
      graphUrl: GRAPH,
      fetch: workerFetch,
      pollMinutes: w === 0 ? BACKSTOP_MINUTES : 0,
      pollingIntervalSeconds: 0.5,
    });
    await worker.start();
    workers.push(worker);
  }
  const unsubscribe = runSyncOnRecordWrites(store.db, queues[0]!);

  // Changes: each a unique job title, on a random user's random synced contact, on a random side.
  const pending = new Map<
    string,
    { side: 'crm' | 'graph'; at: number; user: number; crmId: string; graphId: string }
  >();
  const latency = { crmToGraph: [] as number[], graphToCrm: [] as number[] };
  const links = await store.db
    .selectFrom('sync_links')
    .select(['user_id', 'crm_id', 'graph_id'])
    .where('resource', '=', 'contacts')
    .execute();
  const linksOf = actors.map((a) => links.filter((l) => l.user_id === a.userId));
  const busy = new Set<string>();
  const requestsBefore = counted.worker;
  let changes = 0;
  const until = Date.now() + SECONDS * 1000;
  const checker = setInterval(() => void check(), 250);
  let checking = false;
  async function check() {
    if (checking) return;
    checking = true;
    try {
      for (const [marker, change] of pending) {
        let arrived = false;
        if (change.side === 'crm') {
          const res = await inject(`${GRAPH}/me/contacts/${change.graphId}?$select=jobTitle`, {
            headers: { authorization: `Bearer ${token(upns[change.user]!)}` },
          });
          arrived = res.ok && ((await res.json()) as { jobTitle?: string }).jobTitle === marker;
        } else {
          const { rows } = await sql<{ title: string | null }>`
            select data->>'title' as title from contacts where id = ${change.crmId}`.execute(store.db);
          arrived = rows[0]?.title === marker;
        }
        if (arrived) {
          (change.side === 'crm' ? latency.crmToGraph : latency.graphToCrm).push(Date.now() - change.at);
          pending.delete(marker);
          busy.delete(change.crmId);
        }
      }
    } finally {
      checking = false;
    }
  }
  while (Date.now() < until) {
    const user = Math.floor(Math.random() * USERS);
    const link = linksOf[user]![Math.floor(Math.random() * linksOf[user]!.length)];
    if (link && !busy.has(link.crm_id)) {
      busy.add(link.crm_id);
      const side = Math.random() < 0.5 ? 'crm' : 'graph';
      const marker = `t-${changes++}-${side}`;
      const change = { side, at: Date.now(), user, crmId: link.crm_id, graphId: link.graph_id } as const;
      pending.set(marker, change);
      if (side === 'crm') await records.update(actors[user]!, 'contacts', link.crm_id, { title: marker });
      else
        await inject(`${GRAPH}/me/contacts/${link.graph_id}`, {
          method: 'PATCH',
          headers: { authorization: `Bearer ${token(upns[user]!)}`, 'content-type': 'application/json' },
          body: JSON.stringify({ jobTitle: marker }),
        });
    }
    await sleep(1000 / CHANGES_PER_SECOND);
  }
  // Let what is in flight land (the CRM side within seconds; the Outlook side waits for its trigger).
  const drainUntil = Date.now() + 15_000;
  while (pending.size > 0 && Date.now() < drainUntil) await sleep(250);
  clearInterval(checker);
  const changeRequests = counted.worker - requestsBefore;

  // Idle: nothing changes; what does the worker do?
  const idleRequests = counted.worker;
  const cpu = process.cpuUsage();
  const idleStarted = performance.now();
  await sleep(IDLE_SECONDS * 1000);
  const idleMs = performance.now() - idleStarted;
  const cpuUsed = process.cpuUsage(cpu);
  const idleCount = counted.worker - idleRequests;

  console.log(`\nChanges: ${changes} over ${SECONDS} s (${pending.size} not arrived within 15 s after)`);
  for (const [label, values] of [
    ['CRM → Outlook', latency.crmToGraph],
    ['Outlook → CRM', latency.graphToCrm],
  ] as const) {
    const p95 = percentile(values, 95);
    line(
      `${label} latency p50 / p95 / max (${values.length})`,
      `${ms(percentile(values, 50))} / ${ms(p95)} / ${ms(Math.max(...values, 0))}  ${p95 <= 10_000 ? 'PASS' : 'MISS'} (p95 ≤ 10 s)`,
    );
  }
  line('Graph requests per change (worker)', (changeRequests / Math.max(1, changes)).toFixed(2));
  const perBackstop = (idleCount / USERS) * ((BACKSTOP_MINUTES * 60_000) / idleMs);
  line(
    `idle Graph requests / user / ${BACKSTOP_MINUTES} min`,
    `${perBackstop.toFixed(2)}  ${perBackstop <= 1 ? 'PASS' : 'MISS'} (≤ 1; measured over ${IDLE_SECONDS} s)`,
  );
  const cpuPct = ((cpuUsed.user + cpuUsed.system) / 1000 / idleMs) * 100;
  line('worker CPU while idle', `${cpuPct.toFixed(1)} %  ${cpuPct <= 5 ? 'PASS' : 'MISS'} (≤ 5 %)`);
  line('RSS', `${Math.round(process.memoryUsage().rss / 1024 / 1024)} MB`);
  if (latency.graphToCrm.length < latency.crmToGraph.length / 2)
    console.log(
      '\n  Outlook-side changes wait for the backstop poll until Graph change notifications are wired.',
    );

  unsubscribe();
  for (const worker of workers) await worker.stop();
  for (const queue of queues) await queue.stop();
  await app.close();
  await store.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
