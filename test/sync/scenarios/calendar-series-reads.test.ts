/* eslint-disable @typescript-eslint/no-explicit-any -- Graph answers are arbitrary JSON read field by field. */
import type { Actor } from '../../../src/server/auth/permissions';
import type { Store } from '../../../src/server/db/store';
import { findActor } from '../../../src/server/plugins/auth';
import { RecordService } from '../../../src/server/services/record-service';
import { DbCrmPort } from '../../../src/server/services/sync-crm-port';
import { SyncEngine } from '../../../src/sync/engine';
import { createGraphClient, type GraphClient } from '../../../src/sync/graph';
import { createCalendarGraphPort } from '../../../src/sync/graph-port';
import { createEventMapper } from '../../../src/sync/mapping/event-mapper';
import { createTestIssuer } from '../../support/auth';
import { createTenant } from '../../support/fixtures';
import { createTestStore } from '../../support/store';
import { ADMIN, listenSandbox } from '../../sandbox/support/sandbox-harness';
import { aCrmEventAt } from '../mapping/support/event-fixtures';

/**
 * What reading series costs: our own series echoing in the next delta are not read again, a series
 * changed in Outlook is, and the instances of many series are read in batched rounds.
 */

let store: Store;
let sandbox: Awaited<ReturnType<typeof listenSandbox>>;
let graph: GraphClient;
let me: Actor;
/** Paths the client called directly, outside `$batch`. */
const direct: string[] = [];
const mapper = createEventMapper();

beforeAll(async () => {
  store = await createTestStore();
  sandbox = await listenSandbox();
  graph = createGraphClient({
    baseUrl: `${sandbox.baseUrl}/graph/v1.0`,
    getToken: async () => sandbox.sandbox.issueToken(ADMIN, 'graph'),
    backoff: { baseMs: 5, maxMs: 50 },
    fetch: (input, init) => {
      direct.push(`${init.method ?? 'GET'} ${new URL(input).pathname}`);
      return fetch(input, init);
    },
  });
  const tenant = await createTenant(store, await createTestIssuer(), { memberCount: 1 });
  const user = tenant.members[0]!;
  me = (await findActor(store.db, {
    tenantId: user.tenantId,
    objectId: user.objectId,
    email: user.email,
    name: user.email,
    roles: [],
    scopes: [],
  }))!;
});
afterAll(async () => {
  await sandbox.close();
  await store.close();
});

const crm = () => new DbCrmPort(store.db, me, 'calendar', mapper);
const engine = () =>
  new SyncEngine({
    resource: 'calendar',
    graph: createCalendarGraphPort({ client: graph, mapper }),
    crm: crm(),
  });
const instanceReads = () => sandbox.sandbox.stats(ADMIN).byRoute['GET /me/events/{id}/instances'] ?? 0;

const weekly = (title: string, date: string) =>
  aCrmEventAt(`${date}T10:00:00`, 'Europe/Madrid', 60, {
    title,
    recurrence: {
      pattern: { type: 'weekly', interval: 1, daysOfWeek: ['tuesday'], firstDayOfWeek: 'monday' },
      range: { type: 'numbered', startDate: date, numberOfOccurrences: 4 },
    },
  });

test('our own series echo in the next delta without being read again; series edited in Outlook are read, batched', async () => {
  const svc = records();
  for (const [i, date] of ['2027-04-06', '2027-04-13', '2027-04-20'].entries()) {
    await svc.create(me, 'events', { fields: { ...weekly(`Series ${i}`, date) }, origin: 'ui' });
  }
  await svc.create(me, 'events', {
    fields: { ...aCrmEventAt('2027-04-07T09:00:00', 'Europe/Madrid', 30, { title: 'Single' }) },
    origin: 'ui',
  });

  sandbox.sandbox.resetStats();
  expect(await engine().activate()).toMatchObject({ outcome: 'done', applied: { createGraph: 4 } });
  // The run read its writes back (12 occurrence stubs) and the cursor moved past them, with no series read.
  expect(instanceReads()).toBe(0);
  expect(sandbox.sandbox.stats(ADMIN).byRoute['GET /me/events/{id}'] ?? 0).toBe(0);
  sandbox.sandbox.resetStats();
  expect((await engine().sync()).applied).toEqual({});
  expect(sandbox.sandbox.stats(ADMIN).requests).toBe(1);

  // Every master retitled in Outlook: each series is read again, its instances in one batched round.
  const links = (await crm().loadLinks()).filter((l) => l.snapshot.recurrence);
  expect(links).toHaveLength(3);
  for (const l of links) {
    await graph.request('PATCH', `/me/events/${l.graphId}`, { body: { subject: `Renamed ${l.crmId}` } });
  }
  sandbox.sandbox.resetStats();
  direct.length = 0;
  expect((await engine().sync()).applied).toEqual({ update: 3 });
  expect(instanceReads()).toBe(3);
  expect(direct.filter((d) => d.endsWith('/instances'))).toEqual([]);
  for (const l of links) expect((await svc.get(me, 'events', l.crmId)).title).toBe(`Renamed ${l.crmId}`);

  // A changed occurrence (an exception) still has its series read, with the edit reaching the CRM.
  const [first] = links;
  const instances = (
    await graph.request<any>('GET', `/me/events/${first!.graphId}/instances`, {
      query: { startDateTime: '2027-04-01T00:00:00Z', endDateTime: '2027-06-01T00:00:00Z' },
    })
  ).value as any[];
  await graph.request('PATCH', `/me/events/${instances[1].id}`, { body: { subject: 'Moved agenda' } });
  sandbox.sandbox.resetStats();
  expect((await engine().sync()).applied).toEqual({ update: 1 });
  expect(instanceReads()).toBe(1);
  const exceptions = (await svc.get(me, 'events', first!.crmId)).exceptions as any[];
  expect(exceptions).toEqual([expect.objectContaining({ title: 'Moved agenda' })]);
  expect((await engine().sync()).applied).toEqual({});
});

test('after an expired delta token the full read reports every series, changed or not', async () => {
  const linked = (await crm().loadLinks()).filter((l) => l.snapshot.recurrence).length;
  expect(linked).toBe(3);
  await fetch(`${sandbox.baseUrl}/sandbox/admin/delta-tokens/expire`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: ADMIN }),
  });
  sandbox.sandbox.resetStats();
  const report = await engine().sync();
  expect(report).toMatchObject({ mode: 'reconcile', outcome: 'done', applied: {} });
  expect(instanceReads()).toBe(3);
});

function records(): RecordService {
  return new RecordService(store.db);
}
