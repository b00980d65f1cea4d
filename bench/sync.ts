/**
 * Sync benchmark: the engine, the CRM store and the Graph sandbox over real HTTP. The CRM holds
 * 10,000 contacts and 5,000 events of one user; the bench times their initial sync into an empty
 * mailbox, a sync with nothing changed, and a sync of one changed contact, and prints each figure
 * against its target.
 *
 *   npm run bench:sync                       # PGlite; PostgreSQL when DATABASE_URL is set
 *   BENCH_CONTACTS=1000 BENCH_EVENTS=500 npm run bench:sync      # a quick run
 *
 * The sandbox runs in a child process, so the memory and CPU of Outlook's side are not the sync's.
 * Outlook's limits are kept but its clock runs BENCH_TIME_SCALE (10) times faster: the 10,000 requests
 * per 10 minutes become 10,000 per 60 s, and a Graph call of ~200 ms becomes BENCH_LATENCY_MS (20) ms.
 * BENCH_WINDOW_REQUESTS / BENCH_WINDOW_MS override the window; BENCH_SEQUENTIAL=1 syncs contacts,
 * then the calendar, instead of both at once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { toPermissions, type Actor } from '../src/server/auth/permissions';
import { openStore, type Store } from '../src/server/db/store';
import { createOrganisation } from '../src/server/services/org-service';
import { RecordService } from '../src/server/services/record-service';
import { DbCrmPort } from '../src/server/services/sync-crm-port';
import { demoContact, demoEvent, random } from '../src/cli/seed-data';
import { SyncEngine, type SyncReport } from '../src/sync/engine';
import { createGraphClient, type GraphClient } from '../src/sync/graph';
import { createCalendarGraphPort, createContactsGraphPort } from '../src/sync/graph-port';
import { createContactMapper } from '../src/sync/mapping/contact-mapper';
import { createEventMapper } from '../src/sync/mapping/event-mapper';
import type { SyncResource } from '../src/sync/model';
import type { CrmPort, GraphPort } from '../src/sync/ports';

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 10_000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 5_000);
const TIME_SCALE = Number(process.env.BENCH_TIME_SCALE ?? 10);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 20);
const WINDOW_REQUESTS = Number(process.env.BENCH_WINDOW_REQUESTS ?? 10_000);
const WINDOW_MS = Number(process.env.BENCH_WINDOW_MS ?? Math.round(600_000 / TIME_SCALE));
const SEQUENTIAL = process.env.BENCH_SEQUENTIAL === '1';
const CONCURRENCY = 4;
const USER = 'admin@contoso.example';

const graphWait = { ms: 0 };
/** Calls on the wire: time with none in flight, and `$batch` round trips. */
const wire = { inFlight: 0, lastBusy: 0, idleMs: 0, batchMs: 0, batchCalls: 0, batchInner: 0 };
/** What each resource's engine is doing, for telling when memory peaks. */
const phases: Record<string, string> = {};

const TARGET = {
  requestsPerItem: 1.05,
  timeRatio: 1.2,
  rssMb: 300,
  quietRequests: 2,
  quietMs: 300,
  oneChangeRequests: 4,
};

interface MailboxStats {
  requests: number;
  batches: number;
  byRoute: Record<string, number>;
  throttled: number;
  peakConcurrency: number;
}

let misses = 0;
function verdict(ok: boolean): string {
  if (!ok) misses++;
  return ok ? 'PASS' : 'MISS';
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;
const line = (label: string, value: string) => console.log(`  ${label.padEnd(34)}${value}`);

async function main(): Promise<void> {
  const sandbox = await startSandbox();
  const store = await openStore({ databaseUrl: process.env.DATABASE_URL, poolSize: 4 });
  try {
    const admin = <T>(method: string, route: string, body?: unknown) =>
      json<T>(`${sandbox.origin}/sandbox/admin/${route}`, method, body);
    const limits = await admin<{
      requestsPerWindow: number;
      windowMs: number;
      maxConcurrent: number;
      latencyMs: number;
    }>('PUT', 'limits', {
      user: USER,
      requestsPerWindow: WINDOW_REQUESTS,
      windowMs: WINDOW_MS,
      maxConcurrent: CONCURRENCY,
      latencyMs: LATENCY_MS,
    });
    const stats = () => admin<MailboxStats>('GET', `stats?user=${USER}`);
    let token = '';
    const graph = createGraphClient({
      baseUrl: `${sandbox.origin}/graph/v1.0`,
      getToken: async ({ forceRefresh }) => {
        if (!token || forceRefresh) {
          const answer = await json<{ access_token: string }>(`${sandbox.origin}/sandbox/token`, 'POST', {
            user: USER,
            audience: 'graph',
          });
          token = answer.access_token;
        }
        return token;
      },
      maxConcurrency: CONCURRENCY,
      budget: { requests: WINDOW_REQUESTS, windowMs: WINDOW_MS },
      // Time spent waiting for Graph's answers (the sandbox's work and latency), for the sequential phases.
      fetch: async (input, init) => {
        const t0 = performance.now();
        if (wire.inFlight++ === 0) wire.idleMs += t0 - wire.lastBusy;
        try {
          // Until the headers: the sandbox computes its whole answer before it sends them.
          return await fetch(input, init);
        } finally {
          const t1 = performance.now();
          graphWait.ms += t1 - t0;
          if (--wire.inFlight === 0) wire.lastBusy = t1;
          if (input.endsWith('/$batch') && typeof init.body === 'string') {
            wire.batchMs += t1 - t0;
            wire.batchCalls++;
            wire.batchInner += (JSON.parse(init.body) as { requests: unknown[] }).requests.length;
          }
        }
      },
    });

    console.log(
      `Sync benchmark: ${CONTACTS.toLocaleString('en')} contacts + ${EVENTS.toLocaleString('en')} events ` +
        `of one user, store ${store.kind}, Graph sandbox over HTTP in a child process`,
    );
    console.log(
      `  limits: ${limits.requestsPerWindow.toLocaleString('en')} requests per ${seconds(limits.windowMs)}, ` +
        `${limits.maxConcurrent} at once, ${limits.latencyMs} ms per request — Outlook's 10,000 per 10 min ` +
        `and 4 at once with its clock ${TIME_SCALE}× faster (a ~${LATENCY_MS * TIME_SCALE} ms Graph call ` +
        `takes ${LATENCY_MS} ms); the client is given the same budget`,
    );
    console.log(`  machine: ${availableParallelism()} cores, shared with other work\n`);

    const actor = await seed(store);
    const engines = (resource: SyncResource) => engineFor(store, actor, graph, resource);

    // ---- initial sync -----------------------------------------------------------------------------
    const items = CONTACTS + EVENTS;
    const rss = sampleRss();
    const before = await stats();
    const cpu0 = { ours: process.cpuUsage(), sandbox: sandbox.cpuMs() };
    const started = performance.now();
    Object.assign(wire, { lastBusy: started, idleMs: 0, batchMs: 0, batchCalls: 0, batchInner: 0 });
    const timings = new Timings();
    const run = (resource: SyncResource) => {
      const { crm, port } = engines(resource);
      return new SyncEngine({
        resource,
        graph: timings.wrap(`graph ${resource}`, port),
        crm: timings.wrap(`crm ${resource}`, crm),
        onProgress: (p) => {
          // The last apply step is followed by reading the run's own writes back.
          phases[resource] =
            p.phase === 'apply' && p.total > 0 && p.done === p.total ? 'reading back' : p.phase;
        },
      }).activate();
    };
    const reports: SyncReport[] = SEQUENTIAL
      ? [await run('contacts'), await run('calendar')]
      : await Promise.all([run('contacts'), run('calendar')]);
    const elapsed = performance.now() - started;
    const peakRss = rss.stop();
    const cpu = process.cpuUsage(cpu0.ours);
    const sandboxCpuMs = sandbox.cpuMs() - cpu0.sandbox;
    const initial = diff(await stats(), before);
    for (const r of reports) {
      const created = r.applied.createGraph ?? 0;
      const expected = r.resource === 'contacts' ? CONTACTS : EVENTS;
      if (r.outcome !== 'done' || created !== expected) {
        throw new Error(
          `${r.resource}: outcome ${r.outcome}, ${created} created of ${expected}; ` +
            `failures ${JSON.stringify(r.failures.slice(0, 3))}`,
        );
      }
    }

    const perItem = initial.requests / items;
    const bound = lowerBound(items);
    const boundActual = lowerBound(initial.requests);
    const ratio = elapsed / bound.ms;
    console.log(
      `Initial sync of both resources (${SEQUENTIAL ? 'one after the other' : 'both at once'}) into an empty mailbox`,
    );
    line(
      'Graph requests per synced item',
      `${perItem.toFixed(3)}  (${initial.requests.toLocaleString('en')} requests for ${items.toLocaleString('en')} items, ` +
        `as the sandbox counts them against the limits; ${initial.batches} $batch calls, ` +
        `${((initial.requests + initial.batches) / items).toFixed(3)} per item if each $batch also counted)  ` +
        `target ≤ ${TARGET.requestsPerItem}  ${verdict(perItem <= TARGET.requestsPerItem)}`,
    );
    line(
      'wall time',
      `${seconds(elapsed)} against a lower bound of ${seconds(bound.ms)} = ${ratio.toFixed(2)}×  ` +
        `target ≤ ${TARGET.timeRatio}×  ${verdict(ratio <= TARGET.timeRatio)}`,
    );
    line(
      '',
      `(bound: one request per item; ${bound.why}. For the ${initial.requests.toLocaleString('en')} ` +
        `requests made: ${seconds(boundActual.ms)}, ratio ${(elapsed / boundActual.ms).toFixed(2)}×)`,
    );
    line(
      'peak RSS of this process',
      `${mb(peakRss.peak)} (${mb(peakRss.start)} before the sync: the store and the seeding; ` +
        `JavaScript heap at most ${mb(peakRss.heap)}; peak while ${peakRss.when})  ` +
        `target ≤ ${TARGET.rssMb} MB  ${verdict(peakRss.peak <= TARGET.rssMb * 1024 * 1024)}`,
    );
    const perBatch = wire.batchMs / Math.max(1, wire.batchCalls);
    const idealBatch = ((wire.batchInner / Math.max(1, wire.batchCalls)) * LATENCY_MS) / CONCURRENCY;
    line(
      'where the time went',
      `no Graph call in flight for ${seconds(wire.idleMs)} of ${seconds(elapsed)}; a $batch round trip ` +
        `took ${perBatch.toFixed(0)} ms on average against ${idealBatch.toFixed(0)} ms of latency for its ` +
        `${(wire.batchInner / Math.max(1, wire.batchCalls)).toFixed(1)} requests (4 at once): ` +
        `the rest is HTTP, JSON and the sandbox's own work on this machine`,
    );
    line(
      'CPU used meanwhile',
      `${seconds((cpu.user + cpu.system) / 1000)} by this process (engine, client, store), ` +
        `${seconds(sandboxCpuMs)} by the sandbox, of ${availableParallelism()} cores × ${seconds(elapsed)} ` +
        `(other work shares these cores)`,
    );
    line('429s met, peak concurrency', `${initial.throttled}, ${initial.peakConcurrency} in the mailbox`);
    line('requests by route', formatRoutes(initial.byRoute));
    line('time inside port calls', timings.format());

    // ---- no change --------------------------------------------------------------------------------
    console.log('\nIncremental sync with nothing changed, per resource');
    for (const resource of ['contacts', 'calendar'] as const) {
      const quietTimings = new Timings();
      const { crm, port } = engines(resource);
      const engine = new SyncEngine({
        resource,
        graph: quietTimings.wrap('graph', port),
        crm: quietTimings.wrap('crm', crm),
      });
      const s0 = await stats();
      graphWait.ms = 0;
      const t0 = performance.now();
      const report = await engine.sync();
      const ms = performance.now() - t0;
      const waited = graphWait.ms;
      const d = diff(await stats(), s0);
      // Anything applied here is a change the sync believes it saw: print it, it is a finding.
      const applied = Object.keys(report.applied).length > 0 || report.outcome !== 'done';
      if (applied) {
        line(
          `${resource}: actions applied`,
          `${JSON.stringify(report.applied)}, outcome ${report.outcome}  expected none  ${verdict(false)}`,
        );
      }
      line(
        `${resource}: Graph requests`,
        `${d.requests}  target ≤ ${TARGET.quietRequests}  ${verdict(d.requests <= TARGET.quietRequests)}`,
      );
      line(
        `${resource}: time`,
        `${ms.toFixed(0)} ms  target ≤ ${TARGET.quietMs} ms  ${verdict(ms <= TARGET.quietMs)}   ` +
          `(${waited.toFixed(0)} ms waiting for Graph's answers, ${(ms - waited).toFixed(0)} ms our own; ` +
          `${quietTimings.format()})`,
      );
    }

    // ---- one contact changed ----------------------------------------------------------------------
    console.log('\nOne contact changed in the CRM, synced');
    const records = new RecordService(store.db);
    const page = await records.list(actor, 'contacts', { limit: 1, owner: 'me', deleted: false });
    const changed = page.items[0];
    if (!changed) throw new Error('no contact to change');
    await records.update(actor, 'contacts', changed.id, { title: 'Head of Benchmarks' });
    {
      const { crm, port } = engines('contacts');
      const changeTimings = new Timings();
      const s0 = await stats();
      graphWait.ms = 0;
      const t0 = performance.now();
      const report = await new SyncEngine({
        resource: 'contacts',
        graph: changeTimings.wrap('graph', port),
        crm: changeTimings.wrap('crm', crm),
      }).sync();
      const ms = performance.now() - t0;
      const d = diff(await stats(), s0);
      if (report.outcome !== 'done' || report.applied.update !== 1)
        throw new Error(`one change applied ${JSON.stringify(report.applied)}`);
      line(
        'Graph requests',
        `${d.requests}  target ≤ ${TARGET.oneChangeRequests}  ${verdict(d.requests <= TARGET.oneChangeRequests)}   ` +
          `(${formatRoutes(d.byRoute)}; ${ms.toFixed(0)} ms, ${graphWait.ms.toFixed(0)} ms of it waiting ` +
          `for Graph's answers: ${changeTimings.format()})`,
      );
    }

    console.log(
      `\n${misses === 0 ? 'Every target met.' : `${misses} target${misses > 1 ? 's' : ''} missed.`} ` +
        `Sandbox process peak RSS: ${sandbox.peakRss()} (Outlook's side, not counted).`,
    );
    if (misses > 0) process.exitCode = 1;
  } finally {
    await store.close();
    sandbox.stop();
  }
}

/**
 * The least time the limits allow for `n` requests: `C` at once of `L` ms each, and at most `W` per
 * sliding window of `T`, so request k·W+1 starts no earlier than k·T after the first.
 */
function lowerBound(n: number): { ms: number; why: string } {
  const byLatency = (n * LATENCY_MS) / CONCURRENCY;
  const windows = Math.ceil(n / WINDOW_REQUESTS) - 1;
  const byWindow = windows * WINDOW_MS + ((n - windows * WINDOW_REQUESTS) * LATENCY_MS) / CONCURRENCY;
  return byWindow > byLatency
    ? {
        ms: byWindow,
        why: `${windows} full window${windows === 1 ? '' : 's'} of ${seconds(WINDOW_MS)}, then the rest at ${CONCURRENCY} × ${LATENCY_MS} ms`,
      }
    : { ms: byLatency, why: `${n.toLocaleString('en')} × ${LATENCY_MS} ms ÷ ${CONCURRENCY} at once` };
}

function engineFor(store: Store, actor: Actor, graph: GraphClient, resource: SyncResource) {
  if (resource === 'calendar') {
    return {
      crm: new DbCrmPort(store.db, actor, resource, createEventMapper()),
      port: createCalendarGraphPort({ client: graph, mapper: createEventMapper() }),
    };
  }
  return {
    crm: new DbCrmPort(store.db, actor, resource, createContactMapper()),
    port: createContactsGraphPort({ client: graph, mapper: createContactMapper() }),
  };
}

/** One organisation, its admin owning every record; records created through the record service in bulk. */
async function seed(store: Store): Promise<Actor> {
  const started = performance.now();
  const tenantId = randomUUID();
  const email = `bench-${tenantId.slice(0, 8)}@bench.example`;
  const org = await createOrganisation(store.db, {
    tenantId,
    name: 'Bench',
    edition: 'paid',
    admin: { email, displayName: 'Bench', msTenantId: tenantId, msObjectId: randomUUID() },
  });
  const actor: Actor = {
    userId: org.adminUserId,
    orgId: org.orgId,
    email,
    isSuperAdmin: true,
    permissions: toPermissions([]),
  };
  const service = new RecordService(store.db);
  const next = random(42);
  const today = new Date().toISOString().slice(0, 10);
  // Origin `api`: created one by one as far as eligibility goes (imports would be left out).
  for (let i = 0; i < CONTACTS; i += 1000) {
    const n = Math.min(1000, CONTACTS - i);
    await service.createMany(
      actor,
      'contacts',
      Array.from({ length: n }, (_, j) => ({
        fields: { ...demoContact(next, i + j) },
        origin: 'api' as const,
      })),
    );
  }
  for (let i = 0; i < EVENTS; i += 1000) {
    const n = Math.min(1000, EVENTS - i);
    await service.createMany(
      actor,
      'events',
      Array.from({ length: n }, (_, j) => ({
        fields: { ...demoEvent(next, i + j, today) },
        origin: 'api' as const,
      })),
    );
  }
  console.log(
    `Seeded ${CONTACTS.toLocaleString('en')} contacts and ${EVENTS.toLocaleString('en')} events ` +
      `(1 in 15 a weekly series, 1 in 10 all-day) in ${seconds(performance.now() - started)} (not measured)\n`,
  );
  return actor;
}

/** Total time spent in each port method (calls of both resources overlap when they run at once). */
class Timings {
  private readonly spent = new Map<string, { ms: number; calls: number }>();

  wrap<T extends GraphPort | CrmPort>(label: string, port: T): T {
    return new Proxy(port, {
      get: (target, key, receiver) => {
        const value = Reflect.get(target, key, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          const t0 = performance.now();
          try {
            return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          } finally {
            const name = `${label}.${String(key)}`;
            const entry = this.spent.get(name) ?? { ms: 0, calls: 0 };
            entry.ms += performance.now() - t0;
            entry.calls++;
            this.spent.set(name, entry);
          }
        };
      },
    });
  }

  format(): string {
    return [...this.spent.entries()]
      .filter(([, e]) => e.ms >= 1)
      .sort((a, b) => b[1].ms - a[1].ms)
      .map(([name, e]) => `${name} ${e.ms >= 1000 ? seconds(e.ms) : `${e.ms.toFixed(0)} ms`} (${e.calls}×)`)
      .join(', ');
  }
}

function sampleRss() {
  const start = process.memoryUsage.rss();
  let peak = start;
  let heap = 0;
  let when = 'starting';
  const take = () => {
    const now = process.memoryUsage.rss();
    if (now > peak) {
      peak = now;
      when = Object.entries(phases)
        .map(([resource, phase]) => `${resource} ${phase}`)
        .join(', ');
    }
    heap = Math.max(heap, process.memoryUsage().heapUsed);
  };
  const timer = setInterval(take, 25);
  return {
    stop() {
      clearInterval(timer);
      take();
      return { start, peak, heap, when };
    },
  };
}

function diff(after: MailboxStats, before: MailboxStats): MailboxStats {
  const byRoute: Record<string, number> = {};
  for (const [route, n] of Object.entries(after.byRoute)) {
    const d = n - (before.byRoute[route] ?? 0);
    if (d > 0) byRoute[route] = d;
  }
  return {
    requests: after.requests - before.requests,
    batches: after.batches - before.batches,
    throttled: after.throttled - before.throttled,
    peakConcurrency: after.peakConcurrency,
    byRoute,
  };
}

function formatRoutes(byRoute: Record<string, number>): string {
  return Object.entries(byRoute)
    .sort((a, b) => b[1] - a[1])
    .map(([route, n]) => `${route} ${n}`)
    .join(', ');
}

async function json<T = Record<string, unknown>>(url: string, method: string, body?: unknown): Promise<T> {
  const res = await fetch(url, {
    method,
    ...(body !== undefined
      ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }
      : {}),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url} answered ${res.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** The sandbox on its own port, in a child process. */
async function startSandbox() {
  const root = path.resolve(__dirname, '..');
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'src/sandbox/main.ts'), '--port', '0', '--host', '127.0.0.1'],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const origin = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.once('exit', (code) => reject(new Error(`the sandbox exited with ${code}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const port = /listening on https?:\/\/[^:]+:(\d+)/.exec(out)?.[1];
      if (port) resolve(`http://127.0.0.1:${port}`);
    });
  });
  child.removeAllListeners('exit');
  child.stdout!.resume();
  return {
    origin,
    peakRss(): string {
      try {
        const kb = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1];
        return kb ? mb(Number(kb) * 1024) : 'unknown';
      } catch {
        return 'unknown';
      }
    },
    /** CPU time (user + system) the sandbox process has used, from /proc. */
    cpuMs(): number {
      try {
        const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
        return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
      } catch {
        return NaN;
      }
    },
    stop: () => child.kill('SIGTERM'),
  };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
