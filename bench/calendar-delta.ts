/**
 * Calendar delta benchmark: the Graph sandbox alone, in process, answering calendarView delta rounds
 * for a mailbox like the sync benchmark's (5,000 events made by `demoEvent`: 1 in 15 a weekly series,
 * 1 in 10 all-day) over the sync's window (a year back, two years ahead). Times a quiet round (nothing
 * changed), a round after one single event changed and one after an occurrence of a series was moved.
 *
 *   npx tsx bench/calendar-delta.ts
 *   BENCH_EVENTS=1000 BENCH_ROUNDS=5 npx tsx bench/calendar-delta.ts
 *   BENCH_OPEN_SERIES=1 npx tsx bench/calendar-delta.ts   # series without an end: ~150 dates each
 */
import { randomUUID } from 'node:crypto';
import { demoEvent, random } from '../src/cli/seed-data';
import { createGraphSandbox, type GraphSandbox } from '../src/sandbox';
import type { GraphResponse } from '../src/sandbox/graph-request';
import { createEventMapper } from '../src/sync/mapping/event-mapper';
import { completeSnapshot } from '../src/sync/snapshot';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 5_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const OPEN_SERIES = process.env.BENCH_OPEN_SERIES === '1';
const USER = 'admin@contoso.example';
const DAY_MS = 86_400_000;
const ORIGIN = 'http://localhost';
const PREFER = 'IdType="ImmutableId", outlook.body-content-type="text", odata.maxpagesize=500';

type Body = Record<string, unknown>;

function client(sandbox: GraphSandbox) {
  const token = sandbox.issueToken(USER, 'graph', { origin: ORIGIN });
  return async (method: string, target: string, body?: unknown): Promise<Body> => {
    const url = new URL(target, `${ORIGIN}/graph/v1.0/`);
    const response: GraphResponse = await sandbox.handle({
      method,
      path: url.pathname.replace(/^\/graph\/v1\.0/, ''),
      query: url.searchParams,
      headers: { authorization: `Bearer ${token}`, prefer: PREFER, 'content-type': 'application/json' },
      body,
      origin: ORIGIN,
      requestId: randomUUID(),
    });
    if (response.status >= 400) throw new Error(`${method} ${target}: ${JSON.stringify(response.body)}`);
    return (response.body ?? {}) as Body;
  };
}

/** Every page of a round; the items and the next round's link. */
async function round(call: ReturnType<typeof client>, start: string) {
  const items: Body[] = [];
  let link: string | undefined = start;
  for (;;) {
    const page: Body = await call('GET', link);
    items.push(...(page.value as Body[]));
    if (typeof page['@odata.nextLink'] === 'string') link = page['@odata.nextLink'];
    else return { items, deltaLink: page['@odata.deltaLink'] as string };
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function main(): Promise<void> {
  const sandbox = createGraphSandbox({ crmAudience: 'api://tandem' });
  const call = client(sandbox);
  const calendar = (await call('POST', '/graph/v1.0/me/calendars', { name: 'Tandem' })).id as string;
  const mapper = createEventMapper();
  const next = random(42);
  const today = new Date().toISOString().slice(0, 10);
  const ids: string[] = [];
  const seriesIds: string[] = [];
  for (let i = 0; i < EVENTS; i++) {
    const fields = demoEvent(next, i, today);
    if (OPEN_SERIES && fields.recurrence) {
      fields.recurrence.range = { type: 'noEnd', startDate: fields.recurrence.range.startDate };
    }
    const body = mapper.toGraph(completeSnapshot(mapper.fromCrm(fields), mapper.fields));
    const created = await call('POST', `/graph/v1.0/me/calendars/${calendar}/events`, body);
    (fields.recurrence ? seriesIds : ids).push(created.id as string);
  }
  const now = Date.now();
  const iso = (t: number) => new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const start =
    `/graph/v1.0/me/calendars/${calendar}/calendarView/delta` +
    `?startDateTime=${iso(now - 365 * DAY_MS)}&endDateTime=${iso(now + 730 * DAY_MS)}`;

  let t0 = performance.now();
  let current = await round(call, start);
  const initialMs = performance.now() - t0;
  console.log(
    `Calendar delta in process: ${EVENTS.toLocaleString('en')} events (${seriesIds.length} series), ` +
      `${current.items.length.toLocaleString('en')} items in the window`,
  );
  console.log(`  initial round (every page)       ${initialMs.toFixed(0)} ms`);

  /** Times `rounds` rounds, each after `change(i)`, and checks how many items each sent. */
  const timed = async (label: string, sent: number, change: (i: number) => Promise<unknown>) => {
    const ms: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      await change(i);
      t0 = performance.now();
      current = await round(call, current.deltaLink);
      ms.push(performance.now() - t0);
      if (current.items.length !== sent) throw new Error(`${label}: ${current.items.length} items sent.`);
    }
    console.log(
      `  ${label.padEnd(32)} median ${median(ms).toFixed(1)} ms, min ${Math.min(...ms).toFixed(1)} ms ` +
        `over ${ROUNDS}`,
    );
  };
  await timed('quiet round', 0, async () => {});
  await timed('one single event changed', 1, (i) =>
    call('PATCH', `/graph/v1.0/me/events/${ids[i % ids.length]}`, { subject: `Changed ${i}` }),
  );
  const window = `startDateTime=${iso(now - 365 * DAY_MS)}&endDateTime=${iso(now + 730 * DAY_MS)}`;
  await timed('one occurrence edited', 1, async (i) => {
    const master = seriesIds[i % seriesIds.length];
    const instances = await call('GET', `/graph/v1.0/me/events/${master}/instances?${window}`);
    const occurrence = (instances.value as Body[])[1]!;
    await call('PATCH', `/graph/v1.0/me/events/${occurrence.id as string}`, { subject: `Edited ${i}` });
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
