/**
 * Graph client benchmark: event creates through the client into a sandbox mailbox served over HTTP,
 * with a latency per request and Outlook's limits scaled down so the request rate binds. Prints the time
 * achieved against the lower bound the limits allow.
 *
 *   npm run bench:graph
 *   BENCH_CREATES=2000 BENCH_LATENCY_MS=20 BENCH_WINDOW_REQUESTS=200 BENCH_WINDOW_MS=5000 BENCH_MODE=batch npm run bench:graph
 *
 * BENCH_MODE=batch sends the creates through `$batch` (20 per call), BENCH_MODE=single one call each.
 */
import Fastify from 'fastify';
import { createGraphSandbox, graphSandboxPlugin } from '../src/sandbox';
import { createGraphClient, type BatchRequest } from '../src/sync/graph';

const CREATES = Number(process.env.BENCH_CREATES ?? 2000);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 20);
const WINDOW_REQUESTS = Number(process.env.BENCH_WINDOW_REQUESTS ?? 200);
const WINDOW_MS = Number(process.env.BENCH_WINDOW_MS ?? 5000);
const MODE = process.env.BENCH_MODE === 'single' ? 'single' : 'batch';
const CONCURRENCY = 4;
const TARGET_RATIO = 1.15;
const USER = 'admin@contoso.example';

async function main(): Promise<void> {
  const sandbox = createGraphSandbox({ crmAudience: 'api://tandem' });
  const app = Fastify({ logger: false });
  await app.register(graphSandboxPlugin, { sandbox });
  const origin = await app.listen({ port: 0, host: '127.0.0.1' });
  try {
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
    const creates: BatchRequest[] = Array.from({ length: CREATES }, (_, i) => {
      const start = Date.UTC(2027, 0, 4, 8) + i * 30 * 60_000;
      const iso = (t: number) => new Date(t).toISOString().slice(0, 19);
      return {
        method: 'POST',
        path: '/me/calendar/events',
        body: {
          subject: `Benchmark event ${i}`,
          start: { dateTime: iso(start), timeZone: 'UTC' },
          end: { dateTime: iso(start + 30 * 60_000), timeZone: 'UTC' },
          transactionId: `bench-${i}`,
        },
      };
    });

    console.log(
      `Graph client benchmark: ${CREATES.toLocaleString('en')} event creates (${MODE}), ` +
        `${LATENCY_MS} ms per request, limits ${WINDOW_REQUESTS} requests per ${WINDOW_MS / 1000} s and ${CONCURRENCY} at once\n`,
    );
    const started = performance.now();
    let failed: number;
    if (MODE === 'batch') {
      const results = await graph.batch(creates);
      failed = results.filter((r) => r.status !== 201).length;
    } else {
      const outcomes = await Promise.allSettled(
        creates.map((c) => graph.request('POST', c.path, { body: c.body })),
      );
      failed = outcomes.filter((o) => o.status === 'rejected').length;
    }
    const elapsedMs = performance.now() - started;

    const stored = Object.keys(sandbox.mailboxOf(sandbox.requireUser(USER)).events).length;
    if (failed > 0 || stored !== CREATES) {
      throw new Error(`${failed} creates failed; the mailbox holds ${stored} events, expected ${CREATES}`);
    }
    const stats = sandbox.stats(USER);
    const client = graph.stats();
    const rateBoundMs = CREATES / (WINDOW_REQUESTS / WINDOW_MS);
    const latencyBoundMs = (CREATES * LATENCY_MS) / CONCURRENCY;
    const boundMs = Math.max(rateBoundMs, latencyBoundMs);
    const ratio = elapsedMs / boundMs;
    const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    console.log(`achieved:                      ${seconds(elapsedMs)}`);
    console.log(
      `lower bound:                   ${seconds(boundMs)}  (max of ${seconds(rateBoundMs)} by rate, ${seconds(latencyBoundMs)} by latency ÷ ${CONCURRENCY})`,
    );
    console.log(
      `ratio:                         ${ratio.toFixed(3)}  (target ≤ ${TARGET_RATIO}) ${ratio <= TARGET_RATIO ? 'met' : 'MISSED'}`,
    );
    console.log(
      `peak concurrency:              ${stats.peakConcurrency} in the mailbox, ${client.peakInFlight} in the client (must be ≤ ${CONCURRENCY})`,
    );
    console.log(`429s met:                      ${stats.throttled}`);
    console.log(
      `requests:                      ${stats.requests} in ${stats.batches} $batch calls; ${stored} events stored`,
    );
    if (stats.peakConcurrency > CONCURRENCY || ratio > TARGET_RATIO) process.exitCode = 1;
  } finally {
    await app.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
