/* eslint-disable @typescript-eslint/no-explicit-any -- Graph answers are arbitrary JSON read field by field. */
import type { EventFields } from '../../../src/domain/event';
import { instantToLocal } from '../../../src/domain/time-zones';
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
import { aCrmEventAt, anAllDayCrmEvent } from '../mapping/support/event-fixtures';

/** Calendar sync end to end: series and exceptions both ways, all-day and cross-zone times kept exactly. */

let store: Store;
let sandbox: Awaited<ReturnType<typeof listenSandbox>>;
let graph: GraphClient;
let me: Actor;
const records = () => new RecordService(store.db);
const mapper = createEventMapper();

beforeAll(async () => {
  store = await createTestStore();
  sandbox = await listenSandbox();
  graph = createGraphClient({
    baseUrl: `${sandbox.baseUrl}/graph/v1.0`,
    getToken: async () => sandbox.sandbox.issueToken(ADMIN, 'graph'),
    backoff: { baseMs: 5, maxMs: 50 },
  });
  const tenant = await createTenant(store, await createTestIssuer(), { memberCount: 1 });
  const user = tenant.members[0]!;
  const actor = await findActor(store.db, {
    tenantId: user.tenantId,
    objectId: user.objectId,
    email: user.email,
    name: user.email,
    roles: [],
    scopes: [],
  });
  me = actor!;
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

const series = aCrmEventAt('2027-03-02T10:00:00', 'Europe/Madrid', 60, {
  title: 'Weekly pipeline',
  recurrence: {
    pattern: { type: 'weekly', interval: 1, daysOfWeek: ['tuesday', 'friday'], firstDayOfWeek: 'monday' },
    range: { type: 'numbered', startDate: '2027-03-02', numberOfOccurrences: 6 },
  },
});
// New York springs forward at 02:00 on 14 March 2027: this meeting spans the change.
const acrossDst = aCrmEventAt('2027-03-14T01:30:00', 'America/New_York', 120, { title: 'Night deploy' });
const allDay = anAllDayCrmEvent('2027-03-10', 2, { title: 'Trade fair', timeZone: 'Asia/Tokyo' });

test('events reach Outlook with exact times, all-day dates and the series; a second run finds nothing to do', async () => {
  const svc = records();
  const created: Record<string, string> = {};
  for (const e of [series, acrossDst, allDay] as EventFields[]) {
    created[e.title!] = (await svc.create(me, 'events', { fields: { ...e }, origin: 'ui' })).id;
  }
  const report = await engine().activate();
  expect(report).toMatchObject({ outcome: 'done', applied: { createGraph: 3 } });

  const links = new Map((await crm().loadLinks()).map((l) => [l.crmId, l.graphId]));
  const read = (id: string) =>
    graph.request<any>('GET', `/me/events/${links.get(id)}`, {
      headers: { Prefer: 'outlook.body-content-type="text"' },
    });
  const night = await read(created['Night deploy']!);
  expect(night.start).toEqual({ dateTime: '2027-03-14T06:30:00.0000000', timeZone: 'UTC' });
  // Two real hours, although the wall clock jumps from 01:30 to 04:30.
  expect(night.end).toEqual({ dateTime: '2027-03-14T08:30:00.0000000', timeZone: 'UTC' });
  const fair = await read(created['Trade fair']!);
  expect(fair.isAllDay).toBe(true);
  expect(fair.start.dateTime.slice(0, 10)).toBe('2027-03-10');
  expect(fair.end.dateTime.slice(0, 10)).toBe('2027-03-12');
  const master = await read(created['Weekly pipeline']!);
  expect(master.type).toBe('seriesMaster');
  expect(master.attendees ?? []).toEqual([]);

  // Reading everything back (series from master and instances) gives the same content: no writes.
  expect((await engine().sync()).applied).toEqual({});
});

test('an occurrence cancelled and one retitled in Outlook become CRM exceptions; CRM exceptions reach Outlook', async () => {
  const svc = records();
  const link = (await crm().loadLinks()).find((l) => l.snapshot.recurrence)!;
  expect(link).toBeDefined();
  const instances = (
    await graph.request<any>('GET', `/me/events/${link.graphId}/instances`, {
      query: { startDateTime: '2027-03-01T00:00:00Z', endDateTime: '2027-04-01T00:00:00Z' },
    })
  ).value as any[];
  expect(instances).toHaveLength(6);
  const onDate = (date: string) =>
    instances.find((i) =>
      instantToLocal(`${i.start.dateTime.slice(0, 19)}Z`, 'Europe/Madrid').startsWith(date),
    );
  await graph.request('DELETE', `/me/events/${onDate('2027-03-05').id}`);
  await graph.request('PATCH', `/me/events/${onDate('2027-03-09').id}`, {
    body: { subject: 'Pipeline with finance' },
  });

  expect((await engine().sync()).applied).toEqual({ update: 1 });
  const record = await svc.get(me, 'events', link.crmId);
  expect(record.exceptions).toEqual([
    { originalStartDate: '2027-03-05', cancelled: true },
    { originalStartDate: '2027-03-09', title: 'Pipeline with finance' },
  ]);

  // The CRM cancels another date: Outlook loses that occurrence, and keeps the earlier edits.
  await svc.update(me, 'events', link.crmId, {
    exceptions: [...(record.exceptions as unknown[]), { originalStartDate: '2027-03-12', cancelled: true }],
  });
  expect((await engine().sync()).applied).toEqual({ update: 1 });
  const after = (
    await graph.request<any>('GET', `/me/events/${link.graphId}/instances`, {
      query: { startDateTime: '2027-03-01T00:00:00Z', endDateTime: '2027-04-01T00:00:00Z' },
    })
  ).value as any[];
  expect(after).toHaveLength(4);
  expect(after.map((i) => i.subject)).toContain('Pipeline with finance');
  expect((await engine().sync()).applied).toEqual({});
});

test('an event made in Outlook in Europe/Madrid comes back in Europe/Madrid, and stays there', async () => {
  const state = await crm().loadState();
  if (!state.enabled) await engine().activate();
  const calendar = (await crm().loadState()).containerId!;
  const made = await graph.request<any>('POST', `/me/calendars/${calendar}/events`, {
    body: {
      subject: 'Madrid kick-off',
      start: { dateTime: '2027-04-06T09:00:00', timeZone: 'Europe/Madrid' },
      end: { dateTime: '2027-04-06T10:00:00', timeZone: 'Europe/Madrid' },
    },
  });
  expect(await engine().sync()).toMatchObject({ outcome: 'done', applied: { createCrm: 1 } });
  const page = await records().list(me, 'events', { limit: 50, owner: 'me', deleted: false });
  const kickOff = page.items.find((e) => e.title === 'Madrid kick-off')!;
  expect(kickOff).toMatchObject({ timeZone: 'Europe/Madrid', start: '2027-04-06T07:00:00.000Z' });
  // Nothing echoes back as a zone change, and Outlook keeps the zone it was given.
  expect(await engine().sync()).toMatchObject({ outcome: 'done', applied: {} });
  const read = await graph.request<any>('GET', `/me/events/${made.id}`);
  expect(read.originalStartTimeZone).toBe('Europe/Madrid');
});
