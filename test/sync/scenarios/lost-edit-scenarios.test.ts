/* eslint-disable @typescript-eslint/no-explicit-any -- Graph answers are arbitrary JSON read field by field. */
import type { Actor } from '../../../src/server/auth/permissions';
import type { Store } from '../../../src/server/db/store';
import { findActor } from '../../../src/server/plugins/auth';
import { RecordService } from '../../../src/server/services/record-service';
import { DbCrmPort } from '../../../src/server/services/sync-crm-port';
import { SyncEngine } from '../../../src/sync/engine';
import { createGraphClient, type GraphClient } from '../../../src/sync/graph';
import { createCalendarGraphPort, createContactsGraphPort } from '../../../src/sync/graph-port';
import { createContactMapper } from '../../../src/sync/mapping/contact-mapper';
import { createEventMapper } from '../../../src/sync/mapping/event-mapper';
import type { SyncResource } from '../../../src/sync/model';
import { createTestIssuer } from '../../support/auth';
import { createTenant, type TestUser } from '../../support/fixtures';
import { createTestStore } from '../../support/store';
import { ADMIN, listenSandbox } from '../../sandbox/support/sandbox-harness';
import { aCrmEventAt } from '../mapping/support/event-fixtures';

/**
 * An Outlook edit landing between the sync's read of an item and its PATCH is not written over: the
 * PATCH names the version the merge saw in If-Match, the service refuses it (412, or 409), the run
 * leaves the item to the next one, and that run merges both edits field by field. The engine, the
 * store (PGlite/PostgreSQL) and the sandbox over real HTTP.
 */

let store: Store;
let sandbox: Awaited<ReturnType<typeof listenSandbox>>;
/** The sync's client: its `$batch` calls pass through `beforePatch`. */
let graph: GraphClient;
/** The user, editing in Outlook through a client of their own. */
let outlook: GraphClient;
let users: TestUser[];
let nextUser = 0;
const records = () => new RecordService(store.db);

/** Runs once, before the first `$batch` that PATCHes this path goes out. */
let beforePatch: { path: string; edit: () => Promise<void> } | null = null;
/** `If-Match` of each PATCH the sync sent, by path. */
const sentIfMatch: { path: string; ifMatch: string | undefined }[] = [];

beforeAll(async () => {
  store = await createTestStore();
  sandbox = await listenSandbox();
  const base = {
    baseUrl: `${sandbox.baseUrl}/graph/v1.0`,
    getToken: async () => sandbox.sandbox.issueToken(ADMIN, 'graph'),
    backoff: { baseMs: 5, maxMs: 50 },
  };
  outlook = createGraphClient(base);
  graph = createGraphClient({
    ...base,
    fetch: async (input, init) => {
      if (input.endsWith('/$batch') && typeof init.body === 'string') {
        const requests = JSON.parse(init.body).requests as any[];
        for (const r of requests.filter((r) => r.method === 'PATCH')) {
          sentIfMatch.push({ path: r.url.split('?')[0], ifMatch: r.headers?.['If-Match'] });
        }
        const hook = beforePatch;
        if (hook && requests.some((r) => r.method === 'PATCH' && r.url.split('?')[0] === hook.path)) {
          beforePatch = null;
          await hook.edit();
        }
      }
      return fetch(input, init);
    },
  });
  const tenant = await createTenant(store, await createTestIssuer(), { memberCount: 5 });
  users = tenant.members;
});
beforeEach(() => {
  sandbox.sandbox.reset();
  sentIfMatch.length = 0;
  beforePatch = null;
});
afterAll(async () => {
  await sandbox.close();
  await store.close();
});

async function freshActor(): Promise<Actor> {
  const user = users[nextUser++]!;
  const actor = await findActor(store.db, {
    tenantId: user.tenantId,
    objectId: user.objectId,
    email: user.email,
    name: user.email,
    roles: [],
    scopes: [],
  });
  if (!actor) throw new Error('no actor');
  return actor;
}

function engineFor(actor: Actor, resource: SyncResource) {
  const crm =
    resource === 'calendar'
      ? new DbCrmPort(store.db, actor, resource, createEventMapper())
      : new DbCrmPort(store.db, actor, resource, createContactMapper());
  const make = () =>
    new SyncEngine({
      resource,
      crm,
      graph:
        resource === 'calendar'
          ? createCalendarGraphPort({ client: graph, mapper: createEventMapper() })
          : createContactsGraphPort({ client: graph, mapper: createContactMapper() }),
    });
  return { crm, make };
}

async function conflictsOf(actor: Actor) {
  return store.db
    .selectFrom('conflicts')
    .select(['crm_id', 'field', 'crm_value', 'graph_value', 'winner'])
    .where('org_id', '=', actor.orgId)
    .where('user_id', '=', actor.userId)
    .execute();
}

test('contacts: an Outlook edit made while the sync writes a CRM edit survives, and both edits end on both sides', async () => {
  const me = await freshActor();
  const svc = records();
  const ada = await svc.create(me, 'contacts', {
    fields: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' },
    origin: 'ui',
  });
  const { crm, make } = engineFor(me, 'contacts');
  expect(await make().activate()).toMatchObject({ outcome: 'done', applied: { createGraph: 1 } });
  const [link] = await crm.loadLinks();
  const path = `/me/contacts/${link!.graphId}`;

  // A CRM edit the delta knows nothing about: the run reads the contact just before its PATCH, and
  // the user's edit lands after that read.
  await svc.update(me, 'contacts', ada.id, { title: 'Analyst' });
  beforePatch = {
    path,
    edit: async () => {
      await outlook.request('PATCH', path, { body: { department: 'Research' } });
    },
  };
  const first = await make().sync();
  expect(beforePatch).toBeNull();
  expect(first.outcome).toBe('partial');
  expect(first.failures).toEqual([
    { action: 'update', id: ada.id, kind: 'conflict', message: expect.stringMatching(/changed in Outlook/) },
  ]);
  expect(first.applied).toEqual({});
  expect(sentIfMatch).toEqual([{ path, ifMatch: `W/"${link!.changeKey}"` }]);
  // Nothing was written over: Outlook keeps the user's edit, the CRM its own, no conflict recorded.
  expect(await outlook.request<any>('GET', path)).toMatchObject({ department: 'Research', jobTitle: null });
  const kept = await svc.get(me, 'contacts', ada.id);
  expect(kept.title).toBe('Analyst');
  expect(kept.department ?? null).toBeNull();
  expect(await conflictsOf(me)).toEqual([]);

  const second = await make().sync();
  expect(second).toMatchObject({ outcome: 'done', applied: { update: 1 }, conflicts: 0, failures: [] });
  expect(await outlook.request<any>('GET', path)).toMatchObject({
    department: 'Research',
    jobTitle: 'Analyst',
  });
  expect(await svc.get(me, 'contacts', ada.id)).toMatchObject({ title: 'Analyst', department: 'Research' });
  expect((await make().sync()).applied).toEqual({});
});

test('contacts: the same field edited on both sides while the sync writes becomes a recorded conflict, not a silent loss', async () => {
  const me = await freshActor();
  const svc = records();
  const grace = await svc.create(me, 'contacts', {
    fields: { firstName: 'Grace', lastName: 'Hopper', title: 'Captain' },
    origin: 'ui',
  });
  const { crm, make } = engineFor(me, 'contacts');
  await make().activate();
  const [link] = await crm.loadLinks();
  const path = `/me/contacts/${link!.graphId}`;

  // Both sides changed before the run (the delta brings Outlook's), then the user edits the field
  // the CRM changed while the run is writing.
  await outlook.request('PATCH', path, { body: { mobilePhone: '+1 555 0100' } });
  const seen = await outlook.request<any>('GET', path);
  await svc.update(me, 'contacts', grace.id, { title: 'Commodore' });
  beforePatch = {
    path,
    edit: async () => {
      await outlook.request('PATCH', path, { body: { jobTitle: 'Rear Admiral' } });
    },
  };
  const first = await make().sync();
  expect(first).toMatchObject({ outcome: 'partial', applied: {}, conflicts: 0 });
  expect(first.failures).toEqual([
    expect.objectContaining({ action: 'update', id: grace.id, kind: 'conflict' }),
  ]);
  // The PATCH named the version the delta brought.
  expect(sentIfMatch).toEqual([{ path, ifMatch: `W/"${seen.changeKey}"` }]);
  expect(await outlook.request<any>('GET', path)).toMatchObject({ jobTitle: 'Rear Admiral' });
  expect(await conflictsOf(me)).toEqual([]);

  // The next run merges against the last synced snapshot: the phone is Outlook's alone, the title
  // a conflict the CRM wins by default, with Outlook's value kept.
  const second = await make().sync();
  expect(second).toMatchObject({ outcome: 'done', applied: { update: 1 }, conflicts: 1 });
  expect(await svc.get(me, 'contacts', grace.id)).toMatchObject({
    title: 'Commodore',
    mobilePhone: '+1 555 0100',
  });
  expect(await outlook.request<any>('GET', path)).toMatchObject({
    jobTitle: 'Commodore',
    mobilePhone: '+1 555 0100',
  });
  expect(await conflictsOf(me)).toEqual([
    {
      crm_id: grace.id,
      field: 'title',
      crm_value: 'Commodore',
      graph_value: 'Rear Admiral',
      winner: 'crm',
    },
  ]);
});

test('calendar: a series master edited while the sync writes it (stale If-Match answered 409) keeps every edit', async () => {
  sandbox.sandbox.configure({ staleIfMatchStatus: 409 });
  try {
    const me = await freshActor();
    const svc = records();
    const series = await svc.create(me, 'events', {
      fields: {
        ...aCrmEventAt('2027-04-06T10:00:00', 'Europe/Madrid', 60, {
          title: 'Weekly sync',
          description: 'Agenda first.',
          location: 'Sala 2',
          recurrence: {
            pattern: { type: 'weekly', interval: 1, daysOfWeek: ['tuesday'], firstDayOfWeek: 'monday' },
            range: { type: 'numbered', startDate: '2027-04-06', numberOfOccurrences: 4 },
          },
        }),
      },
      origin: 'ui',
    });
    const { crm, make } = engineFor(me, 'calendar');
    expect(await make().activate()).toMatchObject({ outcome: 'done', applied: { createGraph: 1 } });
    const [link] = await crm.loadLinks();
    const path = `/me/events/${link!.graphId}`;

    // Outlook retitles the series (the delta brings it; the series is read from its master), the
    // CRM moves it to another room, and the user rewrites its notes while the run writes the master.
    await outlook.request('PATCH', path, { body: { subject: 'Weekly sync (renamed)' } });
    const master = await outlook.request<any>('GET', path);
    await svc.update(me, 'events', series.id, { location: 'Sala 4' });
    beforePatch = {
      path,
      edit: async () => {
        await outlook.request('PATCH', path, {
          body: { body: { contentType: 'text', content: 'Demo first.' } },
        });
      },
    };
    const first = await make().sync();
    expect(first.outcome).toBe('partial');
    expect(first.failures).toEqual([
      expect.objectContaining({ action: 'update', id: series.id, kind: 'conflict' }),
    ]);
    expect(sentIfMatch).toEqual([{ path, ifMatch: `W/"${master.changeKey}"` }]);
    expect(await outlook.request<any>('GET', path)).toMatchObject({
      subject: 'Weekly sync (renamed)',
      location: { displayName: 'Sala 2' },
    });

    const second = await make().sync();
    expect(second).toMatchObject({ outcome: 'done', applied: { update: 1 }, conflicts: 0 });
    expect(await svc.get(me, 'events', series.id)).toMatchObject({
      title: 'Weekly sync (renamed)',
      description: 'Demo first.',
      location: 'Sala 4',
    });
    const after = await outlook.request<any>('GET', path, {
      headers: { Prefer: 'outlook.body-content-type="text"' },
    });
    expect(after).toMatchObject({ subject: 'Weekly sync (renamed)', location: { displayName: 'Sala 4' } });
    expect(after.body.content).toContain('Demo first.');
    expect((await make().sync()).applied).toEqual({});
  } finally {
    sandbox.sandbox.configure({ staleIfMatchStatus: 412 });
  }
});
