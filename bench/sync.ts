/**
 * Sync benchmark: the initial sync of 10,000 contacts and 5,000 events from the CRM store into an
 * empty sandbox mailbox over HTTP, with a latency per request and Outlook's limits scaled down so the
 * request rate binds; then a no-change incremental sync and a one-contact change.
 *
 *   npm run bench:sync
 *   BENCH_CONTACTS=2000 BENCH_EVENTS=1000 BENCH_LATENCY_MS=20 BENCH_WINDOW_REQUESTS=1000 BENCH_WINDOW_MS=5000 npm run bench:sync
 *
 * The store is the embedded one (in memory) and the sandbox runs in this process, so peak RSS covers
 * the engine, the store and the emulated mailbox together.
 */
import Fastify from 'fastify';
import { CONTOSO_TENANT_ID, createGraphSandbox, graphSandboxPlugin } from '../src/sandbox';
import { openStore } from '../src/server/db/store';
import { createOrganisation } from '../src/server/services/org-service';
import { RecordService, type CreateInput } from '../src/server/services/record-service';
import { actorForEmail, syncEngineFor } from '../src/server/services/sync-runner';
import type { SyncReport } from '../src/sync/engine';
import { createGraphClient } from '../src/sync/graph';
import type { SyncResource } from '../src/sync/model';

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 10_000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 5_000);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 20);
const WINDOW_REQUESTS = Number(process.env.BENCH_WINDOW_REQUESTS ?? 1000);
const WINDOW_MS = Number(process.env.BENCH_WINDOW_MS ?? 5000);
const CONCURRENCY = 4;
const USER = 'admin@contoso.example';
const TARGETS = {
  requestsPerItem: 1.05,
  ratio: 1.2,
  rssMb: 300,
  noChangeRequests: 2,
  noChangeMs: 300,
  oneChange: 4,
};

async function main(): Promise<void> {
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  const store = await openStore();
  const sandbox = createGraphSandbox({ crmAudience: 'api://tandem' });
  const app = Fastify({ logger: false });
  await app.register(graphSandboxPlugin, { sandbox });
  const origin = await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    await createOrganisation(store.db, {
      tenantId: CONTOSO_TENANT_ID,
      name: 'Contoso',
      edition: 'paid',
      admin: { email: USER, displayName: 'Contoso Admin', msTenantId: CONTOSO_TENANT_ID, msObjectId: null },
    });
    const actor = await actorForEmail(store.db, USER);
    const records = new RecordService(store.db);
    console.log(
      `seeding ${CONTACTS.toLocaleString('en')} contacts and ${EVENTS.toLocaleString('en')} events…`,
    );
    await seed(records, actor, 'contacts', CONTACTS, (i) => ({
      firstName: `Person${i}`,
      lastName: `Benchmark`,
      email: `person${i}@customer.example`,
      accountName: `Customer ${i % 300}`,
      phone: `+34 910 ${String(100000 + i).slice(-6)}`,
    }));
    const first = Date.UTC(2027, 0, 4, 8);
    await seed(records, actor, 'events', EVENTS, (i) => ({
      title: `Customer call ${i}`,
      start: new Date(first + i * 30 * 60_000).toISOString(),
      end: new Date(first + (i + 1) * 30 * 60_000).toISOString(),
      timeZone: 'Europe/Madrid',
      location: `Room ${i % 12}`,
    }));

    sandbox.setLimits(USER, {
      requestsPerWindow: WINDOW_REQUESTS,
      windowMs: WINDOW_MS,
      maxConcurrent: CONCURRENCY,
      latencyMs: LATENCY_MS,
    });
    const token = sandbox.issueToken(USER, 'graph', { origin });
    const graph = createGraphClient({
      baseUrl: `${origin}/graph/v1.0`,
      getToken: async () => token,
      maxConcurrency: CONCURRENCY,
      budget: { requests: WINDOW_REQUESTS, windowMs: WINDOW_MS },
    });
    const engine = (resource: SyncResource) =>
      syncEngineFor({ db: store.db, actor, resource, graph, groupSize: 400 });
    const requests = () => sandbox.stats(USER).requests;
    console.log(
      `initial sync into an empty mailbox: ${LATENCY_MS} ms per request, limits ${WINDOW_REQUESTS} requests per ${
        WINDOW_MS / 1000
      } s and ${CONCURRENCY} at once\n`,
    );

    const started = performance.now();
    const before = requests();
    const reports: SyncReport[] = [];
    for (const resource of ['contacts', 'calendar'] as const)
      reports.push(await (await engine(resource)).activate());
    const elapsedMs = performance.now() - started;
    const used = requests() - before;
    const synced = reports.reduce((n, r) => n + (r.applied.createGraph ?? 0), 0);
    for (const r of reports) {
      if (r.outcome !== 'done')
        throw new Error(`${r.resource}: ${r.outcome} ${JSON.stringify(r.failures.slice(0, 3))}`);
    }
    if (synced !== CONTACTS + EVENTS)
      throw new Error(`${synced} items synced, expected ${CONTACTS + EVENTS}`);
    const rateBoundMs = Math.max(0, Math.ceil(synced / WINDOW_REQUESTS) - 1) * WINDOW_MS;
    const latencyBoundMs = (synced * LATENCY_MS) / CONCURRENCY;
    const boundMs = Math.max(rateBoundMs, latencyBoundMs);

    const line = (label: string, value: string, ok?: boolean) =>
      console.log(`${label.padEnd(34)}${value}${ok === undefined ? '' : ok ? '  met' : '  MISSED'}`);
    const perItem = used / synced;
    line('items synced:', `${synced.toLocaleString('en')} (${CONTACTS} contacts, ${EVENTS} events)`);
    line(
      'Graph requests per synced item:',
      `${perItem.toFixed(3)}  (target ≤ ${TARGETS.requestsPerItem})`,
      perItem <= TARGETS.requestsPerItem,
    );
    line('wall time:', `${(elapsedMs / 1000).toFixed(2)} s`);
    line(
      'lower bound by the limits:',
      `${(boundMs / 1000).toFixed(2)} s (max of ${(rateBoundMs / 1000).toFixed(2)} s by rate, ${(latencyBoundMs / 1000).toFixed(2)} s by latency ÷ ${CONCURRENCY})`,
    );
    const ratio = elapsedMs / boundMs;
    line('ratio:', `${ratio.toFixed(3)}  (target ≤ ${TARGETS.ratio})`, ratio <= TARGETS.ratio);
    line('429s met:', String(sandbox.stats(USER).throttled));

    console.log('\nno-change incremental sync:');
    for (const resource of ['contacts', 'calendar'] as const) {
      const r0 = requests();
      const t0 = performance.now();
      const report = await (await engine(resource)).sync();
      const ms = performance.now() - t0;
      const n = requests() - r0;
      if (Object.keys(report.applied).length > 0)
        throw new Error(`${resource}: changes found ${JSON.stringify(report.applied)}`);
      line(
        `  ${resource} requests:`,
        `${n}  (target ≤ ${TARGETS.noChangeRequests})`,
        n <= TARGETS.noChangeRequests,
      );
      line(
        `  ${resource} time:`,
        `${ms.toFixed(0)} ms  (target ≤ ${TARGETS.noChangeMs}, with ${LATENCY_MS} ms per request)`,
        ms <= TARGETS.noChangeMs,
      );
    }

    console.log('\none contact changed in the CRM:');
    const page = await records.list(actor, 'contacts', { limit: 1, owner: 'me', deleted: false });
    await records.update(actor, 'contacts', page.items[0]!.id, { title: 'Head of purchasing' });
    const r0 = requests();
    const report = await (await engine('contacts')).sync();
    const n = requests() - r0;
    if (report.applied.update !== 1)
      throw new Error(`expected one update, got ${JSON.stringify(report.applied)}`);
    line('  requests:', `${n}  (target ≤ ${TARGETS.oneChange})`, n <= TARGETS.oneChange);

    clearInterval(sampler);
    const rssMb = peakRss / 1024 / 1024;
    line(
      '\npeak RSS:',
      `${rssMb.toFixed(0)} MB  (target ≤ ${TARGETS.rssMb}; store and sandbox in this process)`,
      rssMb <= TARGETS.rssMb,
    );
  } finally {
    clearInterval(sampler);
    await app.close();
    await store.close();
  }
}

async function seed(
  records: RecordService,
  actor: Awaited<ReturnType<typeof actorForEmail>>,
  resource: 'contacts' | 'events',
  count: number,
  fields: (i: number) => Record<string, unknown>,
): Promise<void> {
  for (let i = 0; i < count; i += 1000) {
    const inputs: CreateInput[] = [];
    for (let j = i; j < Math.min(count, i + 1000); j++) inputs.push({ fields: fields(j), origin: 'ui' });
    await records.createMany(actor, resource, inputs);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
