/**
 * Sync benchmark: the engine, the CRM store and the Graph sandbox over real HTTP. The CRM holds
 * 10,000 contacts and 5,000 events of one user; the bench times their initial sync into an empty
 * mailbox, a sync with nothing changed, and a sync of one changed contact, and prints each figure
 * against its target.
 *
 *   npm run bench:sync                       # PGlite; PostgreSQL when DATABASE_URL is set
 *   BENCH_CONTACTS=1000 BENCH_EVENTS=500 npm run bench:sync      # a quick run
 *
 * The sandbox runs in a child process, so the memory and CPU of Outlook's side are not the sync's; so
 * does the CRM server with its store (bench/crm-server.ts), and the engine reaches it the way the add-in
 * and `tandem sync --crm-url` do, through `HttpCrmPort`. BENCH_CRM=db runs the engine over the store in
 * this process instead (the server-side runner's `DbCrmPort`), the store's memory then counted too.
 * Outlook's limits are kept but its clock runs BENCH_TIME_SCALE (10) times faster: the 10,000 requests
 * per 10 minutes become 10,000 per 60 s, and a Graph call of ~200 ms becomes BENCH_LATENCY_MS (20) ms.
 * BENCH_WINDOW_REQUESTS / BENCH_WINDOW_MS override the window; BENCH_SEQUENTIAL=1 syncs contacts,
 * then the calendar, instead of both at once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { SyncEngine, type SyncReport } from '../src/sync/engine';
import { HttpCrmPort } from '../src/sync/http-crm-port';
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
const CRM_MODE = process.env.BENCH_CRM === 'db' ? 'db' : 'http';
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
  const crmSide = CRM_MODE === 'db' ? await inProcessCrm() : await crmServer();
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
        `of one user; ${crmSide.describe}; Graph sandbox over HTTP in a child process`,
    );
    console.log(
      `  limits: ${limits.requestsPerWindow.toLocaleString('en')} requests per ${seconds(limits.windowMs)}, ` +
        `${limits.maxConcurrent} at once, ${limits.latencyMs} ms per request — Outlook's 10,000 per 10 min ` +
        `and 4 at once with its clock ${TIME_SCALE}× faster (a ~${LATENCY_MS * TIME_SCALE} ms Graph call ` +
        `takes ${LATENCY_MS} ms); the client is given the same budget`,
    );
    console.log(`  machine: ${availableParallelism()} cores, shared with other work\n`);

    console.log(crmSide.seeded + '\n');
    const engines = (resource: SyncResource) => engineFor(crmSide, graph, resource);

    // ---- initial sync -----------------------------------------------------------------------------
    const items = CONTACTS + EVENTS;
    const rss = sampleRss();
    const before = await stats();
    const cpu0 = { ours: process.cpuUsage(), sandbox: sandbox.cpuMs(), crm: crmSide.child?.cpuMs() ?? 0 };
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
    const crmCpuMs = (crmSide.child?.cpuMs() ?? 0) - cpu0.crm;
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
      `${mb(peakRss.peak)} (${mb(peakRss.start)} before the sync${CRM_MODE === 'db' ? ': the store and the seeding' : ''}; ` +
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
      `${seconds((cpu.user + cpu.system) / 1000)} by this process (engine, clients` +
        `${crmSide.child ? `), ${seconds(crmCpuMs)} by the CRM server` : ', store)'}, ` +
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
    await crmSide.changeOneContact({ title: 'Head of Benchmarks' });
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
        `Peak RSS of the sandbox process: ${sandbox.peakRss()} (Outlook's side, not counted)` +
        (crmSide.child
          ? `; of the CRM server process: ${crmSide.child.peakRss()} (the store's side, not counted).`
          : '.'),
    );
    if (misses > 0) process.exitCode = 1;
  } finally {
    await crmSide.close();
    await sandbox.stop();
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

function engineFor(crmSide: CrmSide, graph: GraphClient, resource: SyncResource) {
  if (resource === 'calendar') {
    const mapper = createEventMapper();
    return {
      crm: crmSide.port(resource, mapper),
      port: createCalendarGraphPort({ client: graph, mapper: createEventMapper() }),
    };
  }
  const mapper = createContactMapper();
  return {
    crm: crmSide.port(resource, mapper),
    port: createContactsGraphPort({ client: graph, mapper: createContactMapper() }),
  };
}

/** Where the CRM records live and how the engine reaches them. */
interface CrmSide {
  describe: string;
  seeded: string;
  port(
    resource: SyncResource,
    mapper: ReturnType<typeof createContactMapper | typeof createEventMapper>,
  ): CrmPort;
  changeOneContact(fields: Record<string, unknown>): Promise<void>;
  child?: { peakRss(): string; cpuMs(): number };
  close(): Promise<void>;
}

/** The Tandem server and its store in a child process, reached over HTTP with a member's token. */
async function crmServer(): Promise<CrmSide> {
  const child = await startChild<{ url: string; token: string; seedMs: number }>('bench/crm-server.ts', []);
  const { url, token, seedMs } = child.ready;
  const api = async <T>(method: string, route: string, body?: unknown): Promise<T> =>
    json<T>(`${url}${route}`, method, body, { authorization: `Bearer ${token}` });
  const health = await api<{ store: string }>('GET', '/api/health');
  return {
    describe: `CRM server (store ${health.store}) in a child process, reached over HTTP (HttpCrmPort)`,
    seeded: seededLine(seedMs),
    port: (resource) => new HttpCrmPort({ baseUrl: url, resource, token: async () => token }),
    async changeOneContact(fields) {
      const page = await api<{ items: { id: string; version: number }[] }>(
        'GET',
        '/api/contacts?owner=me&limit=1',
      );
      const first = page.items[0];
      if (!first) throw new Error('no contact to change');
      await api('PATCH', `/api/contacts/${first.id}`, fields);
    },
    child,
    close: async () => child.stop(),
  };
}

/** The store in this process (loaded only then: it weighs on this process's memory). */
async function inProcessCrm(): Promise<CrmSide> {
  const { openInProcessCrm } = await import('./bench-crm');
  const crm = await openInProcessCrm({ contacts: CONTACTS, events: EVENTS });
  return {
    describe: `store ${crm.kind} in this process (DbCrmPort)`,
    seeded: seededLine(crm.seedMs),
    port: crm.port,
    changeOneContact: crm.changeOneContact,
    close: crm.close,
  };
}

function seededLine(ms: number): string {
  return (
    `Seeded ${CONTACTS.toLocaleString('en')} contacts and ${EVENTS.toLocaleString('en')} events ` +
    `(1 in 15 a weekly series, 1 in 10 all-day) in ${seconds(ms)} (not measured)`
  );
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

async function json<T = Record<string, unknown>>(
  url: string,
  method: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url} answered ${res.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** The Graph sandbox on its own port, in a child process. */
async function startSandbox() {
  const child = await startChild('src/sandbox/main.ts', ['--port', '0', '--host', '127.0.0.1'], (out) => {
    const port = /listening on https?:\/\/[^:]+:(\d+)/.exec(out)?.[1];
    return port ? `http://127.0.0.1:${port}` : undefined;
  });
  return { ...child, origin: child.ready };
}

/** The first JSON line a child prints. */
function jsonLine<T>(out: string): T | undefined {
  const end = out.indexOf('\n');
  return end < 0 ? undefined : (JSON.parse(out.slice(0, end)) as T);
}

/** A TypeScript entry point of this repository in a child process; `ready` reads what it announces. */
async function startChild<T>(
  script: string,
  args: string[],
  ready: (out: string) => T | undefined = jsonLine,
) {
  const root = path.resolve(__dirname, '..');
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(root, script), ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const announced = await new Promise<T>((resolve, reject) => {
    let out = '';
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const value = ready(out);
      if (value !== undefined) resolve(value);
    });
  });
  child.removeAllListeners('exit');
  child.stdout!.removeAllListeners('data');
  child.stdout!.resume();
  return {
    ready: announced,
    peakRss(): string {
      try {
        const kb = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1];
        return kb ? mb(Number(kb) * 1024) : 'unknown';
      } catch {
        return 'unknown';
      }
    },
    /** CPU time (user + system) the process has used, from /proc. */
    cpuMs(): number {
      try {
        const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
        return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
      } catch {
        return NaN;
      }
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
