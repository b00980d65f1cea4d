import type { BatchRequest, GraphClient } from '../../../src/sync/graph';
import { ADMIN, listenSandbox } from '../../sandbox/support/sandbox-harness';
import { clientFor, eventAt, fastClock, type Created, type ListeningSandbox } from './support/client-harness';

let h: ListeningSandbox;
let graph: GraphClient;
let calendar: string;
let folder: string;
beforeAll(async () => {
  h = await listenSandbox();
});
beforeEach(async () => {
  h.sandbox.reset();
  h.sandbox.setLimits(ADMIN, { latencyMs: 5 });
  // Retry-After values are real seconds; the client's clock runs 20 times faster so the test does not wait them out.
  graph = clientFor(h, fastClock(20)).graph;
  calendar = (await graph.request<Created>('POST', '/me/calendars', { body: { name: 'Tandem' } })).id;
  folder = (await graph.request<Created>('POST', '/me/contactFolders', { body: { displayName: 'Tandem' } }))
    .id;
});
afterAll(() => h.close());

function storedEvents(): string[] {
  return Object.values(h.sandbox.mailboxOf(h.sandbox.requireUser(ADMIN)).events)
    .filter((e) => e.calendarId === calendar)
    .map((e) => String(e.data.subject));
}

function storedContacts(): string[] {
  return Object.values(h.sandbox.mailboxOf(h.sandbox.requireUser(ADMIN)).contacts)
    .filter((c) => c.folderId === folder)
    .map((c) => String(c.data.givenName));
}

const sorted = (values: string[]) => [...values].sort();
const range = (n: number, name: (i: number) => string) => Array.from({ length: n }, (_, i) => name(i));

function createEvents(from: number, count: number): BatchRequest[] {
  return range(count, (i) => String(from + i)).map((n) => ({
    method: 'POST',
    path: `/me/calendars/${calendar}/events`,
    body: eventAt(Number(n), `Event ${n}`, { transactionId: `tandem-${n}` }),
  }));
}

test('with 20% injected 429/503, every create, update and delete lands exactly once', async () => {
  h.sandbox.setFaults(ADMIN, {
    seed: 7,
    rules: [
      { kind: 'throttle', rate: 0.1, retryAfterSeconds: 1 },
      { kind: 'unavailable', rate: 0.1 / 0.9 },
    ],
  });

  // Creates: events through $batch and one by one at once, contacts (no transactionId) likewise.
  const batched = graph.batch<Created>(createEvents(0, 100));
  const singles = createEvents(100, 30).map((r) => graph.request<Created>('POST', r.path, { body: r.body }));
  const contacts = graph.batch<Created>(
    range(40, (i) => `Contact ${i}`).map((givenName) => ({
      method: 'POST',
      path: `/me/contactFolders/${folder}/contacts`,
      body: { givenName },
    })),
  );
  const singleContacts = range(15, (i) => `Contact ${40 + i}`).map((givenName) =>
    graph.request<Created>('POST', `/me/contactFolders/${folder}/contacts`, { body: { givenName } }),
  );
  const [events, , contactResults] = await Promise.all([
    batched,
    Promise.all(singles),
    contacts,
    Promise.all(singleContacts),
  ]);
  expect(events.filter((r) => r.status !== 201)).toEqual([]);
  expect(contactResults.filter((r) => r.status !== 201)).toEqual([]);

  // Updates and deletes under the same faults.
  const updates = await graph.batch(
    events.slice(0, 30).map((r, i) => ({
      method: 'PATCH',
      path: `/me/events/${r.body!.id}`,
      body: { subject: `Event ${i} v2` },
    })),
  );
  expect(updates.map((r) => r.status)).toEqual(Array(30).fill(200));
  await Promise.all(events.slice(90, 100).map((r) => graph.request('DELETE', `/me/events/${r.body!.id}`)));

  const stats = h.sandbox.stats(ADMIN);
  expect(stats.faultsByKind.throttle).toBeGreaterThanOrEqual(10);
  expect(stats.faultsByKind.unavailable).toBeGreaterThanOrEqual(10);
  expect(stats.faultsInjected / stats.requests).toBeGreaterThan(0.12);
  expect(graph.stats().retries).toBeGreaterThanOrEqual(stats.faultsInjected);

  // Read back through the client, faults still on.
  const listed: string[] = [];
  for await (const e of graph.list<Created>(`/me/calendars/${calendar}/events`, { query: { $top: 25 } })) {
    listed.push(e.subject!);
  }
  const expected = [
    ...range(30, (i) => `Event ${i} v2`),
    ...range(60, (i) => `Event ${30 + i}`),
    ...range(30, (i) => `Event ${100 + i}`),
  ];
  expect(sorted(listed)).toEqual(sorted(expected));
  expect(sorted(storedEvents())).toEqual(sorted(expected));
  expect(sorted(storedContacts())).toEqual(sorted(range(55, (i) => `Contact ${i}`)));
});

test('answers lost after the write, timeouts and dropped connections: transactionId creates land exactly once; other creates are never sent twice', async () => {
  h.sandbox.setFaults(ADMIN, {
    seed: 11,
    rules: [
      { kind: 'lostAnswer', rate: 0.1, method: 'POST' },
      { kind: 'timeout', rate: 0.05, hangMs: 50 },
      { kind: 'drop', rate: 0.05 },
    ],
  });
  const [events, singles] = await Promise.all([
    graph.batch<Created>(createEvents(0, 60)),
    Promise.all(createEvents(60, 20).map((r) => graph.request<Created>('POST', r.path, { body: r.body }))),
  ]);
  expect(events.map((r) => r.status)).toEqual(Array(60).fill(201));
  expect(singles).toHaveLength(20);
  expect(sorted(storedEvents())).toEqual(sorted(range(80, (i) => `Event ${i}`)));
  const ids = [...events.map((r) => r.body!.id), ...singles.map((e) => e.id)];
  expect(new Set(ids).size).toBe(80);

  // Without a transactionId, a create whose fate is unknown is reported, not resent.
  const outcomes = await Promise.allSettled(
    range(40, (i) => `Contact ${i}`).map((givenName) =>
      graph.request<Created>('POST', `/me/contactFolders/${folder}/contacts`, { body: { givenName } }),
    ),
  );
  const failed = outcomes.filter((o) => o.status === 'rejected');
  expect(failed.length).toBeGreaterThan(0);
  for (const f of failed) expect((f as PromiseRejectedResult).reason).toMatchObject({ kind: 'temporary' });
  const stored = storedContacts();
  expect(new Set(stored).size).toBe(stored.length);
  const succeeded = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value.givenName!] : []));
  expect(stored).toEqual(expect.arrayContaining(succeeded));
  expect(h.sandbox.stats(ADMIN).faultsByKind.lostAnswer).toBeGreaterThan(0);
});
