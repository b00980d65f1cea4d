/* eslint-disable @typescript-eslint/no-explicit-any -- Graph answers are arbitrary JSON read field by field. */
import type { Actor } from '../../../src/server/auth/permissions';
import type { Store } from '../../../src/server/db/store';
import { findActor } from '../../../src/server/plugins/auth';
import { RecordService } from '../../../src/server/services/record-service';
import { DbCrmPort } from '../../../src/server/services/sync-crm-port';
import { syncEngineFor } from '../../../src/server/services/sync-runner';
import { DEFAULT_CONTACT_FIELD_MAPPING } from '../../../src/domain/contact-field-mapping';
import { INITIAL_LIMITS, SyncEngine } from '../../../src/sync/engine';
import { createGraphClient, type GraphClient } from '../../../src/sync/graph';
import { createCalendarGraphPort, createContactsGraphPort } from '../../../src/sync/graph-port';
import { createContactMapper } from '../../../src/sync/mapping/contact-mapper';
import { createEventMapper } from '../../../src/sync/mapping/event-mapper';
import {
  CONTAINER_PROPERTY,
  containerProperty,
  crmIdOf,
  expandContainerProperty,
  expandTandemProperties,
  readExtendedProperty,
} from '../../../src/sync/mapping/extended-properties';
import type { SyncResource } from '../../../src/sync/model';
import { CONTAINER_NAME } from '../../../src/sync/ports';
import { createTestIssuer } from '../../support/auth';
import { createTenant, type TestUser } from '../../support/fixtures';
import { createTestStore } from '../../support/store';
import { ADMIN, listenSandbox } from '../../sandbox/support/sandbox-harness';

/**
 * The rules of DESIGN §1, end to end: the engine, the CRM store (PGlite/PostgreSQL) and the Graph
 * sandbox over real HTTP through the Graph client.
 */

let store: Store;
let sandbox: Awaited<ReturnType<typeof listenSandbox>>;
let graph: GraphClient;
let users: TestUser[];
let nextUser = 0;
const records = () => new RecordService(store.db);

beforeAll(async () => {
  store = await createTestStore();
  sandbox = await listenSandbox();
  graph = createGraphClient({
    baseUrl: `${sandbox.baseUrl}/graph/v1.0`,
    getToken: async () => sandbox.sandbox.issueToken(ADMIN, 'graph'),
    backoff: { baseMs: 5, maxMs: 50 },
  });
  const tenant = await createTenant(store, await createTestIssuer(), { memberCount: 14 });
  users = tenant.members;
});
beforeEach(() => sandbox.sandbox.reset());
afterAll(async () => {
  await sandbox.close();
  await store.close();
});

/** A fresh CRM user for each test (the mailbox is reset between tests). */
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

function engineFor(actor: Actor, resource: SyncResource, options: { initialLimit?: number } = {}) {
  const crm =
    resource === 'calendar'
      ? new DbCrmPort(store.db, actor, resource, createEventMapper())
      : new DbCrmPort(store.db, actor, resource, createContactMapper());
  const make = () => {
    const port =
      resource === 'calendar'
        ? createCalendarGraphPort({ client: graph, mapper: createEventMapper() })
        : createContactsGraphPort({ client: graph, mapper: createContactMapper() });
    return new SyncEngine({ resource, graph: port, crm, ...options });
  };
  return { crm, make };
}

/** The calendars or contact folders of the mailbox, with our container marker when they carry it. */
async function containers(kind: 'calendars' | 'contactFolders'): Promise<any[]> {
  const out: any[] = [];
  for await (const c of graph.list<any>(`/me/${kind}`, { query: { $expand: expandContainerProperty() } }))
    out.push(c);
  return out;
}

const isOurs = (c: any) =>
  readExtendedProperty(c.singleValueExtendedProperties, CONTAINER_PROPERTY) !== undefined;

async function folderContacts(): Promise<any[]> {
  const folder = (await containers('contactFolders')).find(isOurs);
  if (!folder) return [];
  const out: any[] = [];
  for await (const c of graph.list<any>(`/me/contactFolders/${folder.id}/contacts`, {
    query: { $expand: expandTandemProperties() },
  })) {
    out.push(c);
  }
  return out;
}

async function calendarEvents(): Promise<any[]> {
  const calendar = (await containers('calendars')).find(isOurs);
  if (!calendar) return [];
  const out: any[] = [];
  for await (const e of graph.list<any>(`/me/calendars/${calendar.id}/events`)) out.push(e);
  return out;
}

const day = 86_400_000;
const hourAt = (offsetDays: number) =>
  new Date(Math.round((Date.now() + offsetDays * day) / 3_600_000) * 3_600_000);
const eventFields = (title: string, offsetDays: number) => {
  const start = hourAt(offsetDays);
  return {
    title,
    start: start.toISOString(),
    end: new Date(start.getTime() + 3_600_000).toISOString(),
    timeZone: 'Europe/Madrid',
  };
};

test('the caps are the product’s: 5,000 events and 10,000 contacts', () => {
  expect(INITIAL_LIMITS).toEqual({ calendar: 5000, contacts: 10000 });
});

test('calendar: the initial push takes future events soonest first, then the most recently ended, up to the cap', async () => {
  const me = await freshActor();
  const svc = records();
  for (const [title, offset] of [
    ['past -40', -40],
    ['future +20', 20],
    ['past -3', -3],
    ['future +2', 2],
    ['past -12', -12],
    ['future +7', 7],
  ] as const) {
    await svc.create(me, 'events', { fields: eventFields(title, offset), origin: 'ui' });
  }
  const { make } = engineFor(me, 'calendar', { initialLimit: 4 });
  const report = await make().activate();
  expect(report).toMatchObject({ outcome: 'done', applied: { createGraph: 4 } });
  const subjects = (await calendarEvents()).map((e) => e.subject).sort();
  expect(subjects).toEqual(['future +2', 'future +20', 'future +7', 'past -3']);
});

test('contacts: only my own records; imports and migrations only once mass-updated', async () => {
  const me = await freshActor();
  const someoneElse = await freshActor();
  const svc = records();
  await svc.create(me, 'contacts', { fields: { firstName: 'Created', lastName: 'Singly' }, origin: 'ui' });
  await svc.create(someoneElse, 'contacts', { fields: { firstName: 'Not', lastName: 'Mine' }, origin: 'ui' });
  const imported = await svc.createMany(me, 'contacts', [
    { fields: { firstName: 'Imported', lastName: 'Left out' }, origin: 'import' },
    { fields: { firstName: 'Imported', lastName: 'Mass-updated' }, origin: 'import' },
  ]);
  await svc.createMany(me, 'contacts', [
    { fields: { firstName: 'Migrated', lastName: 'Left out' }, origin: 'migration' },
  ]);
  await svc.massUpdate(me, 'contacts', [imported[1]!.id], { title: 'Customer' });

  const { make } = engineFor(me, 'contacts');
  const report = await make().activate();
  expect(report.outcome).toBe('done');
  const contacts = await folderContacts();
  expect(contacts.map((c) => `${c.givenName} ${c.surname}`).sort()).toEqual([
    'Created Singly',
    'Imported Mass-updated',
  ]);
  expect(contacts.find((c) => c.surname === 'Mass-updated')?.jobTitle).toBe('Customer');
});

test('contacts already in our Outlook folder are pulled into the CRM; edits flow both ways', async () => {
  const me = await freshActor();
  const svc = records();
  const ada = await svc.create(me, 'contacts', {
    fields: { firstName: 'Ada', email: 'ada@example.com' },
    origin: 'ui',
  });
  // Our folder, left in Outlook by an earlier install: it carries our marker.
  const folder = await graph.request<any>('POST', '/me/contactFolders', {
    body: { displayName: CONTAINER_NAME, singleValueExtendedProperties: [containerProperty('contacts')] },
  });
  await graph.request('POST', `/me/contactFolders/${folder.id}/contacts`, {
    body: { givenName: 'Grace', surname: 'Hopper', emailAddresses: [{ address: 'grace@example.com' }] },
  });
  const { crm, make } = engineFor(me, 'contacts');
  expect((await make().activate()).applied).toEqual({ createGraph: 1, createCrm: 1 });
  const page = await svc.list(me, 'contacts', { limit: 10, owner: 'me', deleted: false });
  expect(page.items.find((r) => r.lastName === 'Hopper')).toMatchObject({
    firstName: 'Grace',
    email: 'grace@example.com',
    origin: 'sync',
  });
  // The pulled contact now carries its CRM id in Outlook.
  const grace = (await folderContacts()).find((c) => c.surname === 'Hopper');
  expect(crmIdOf(grace)).toBe(page.items.find((r) => r.lastName === 'Hopper')!.id);

  await svc.update(me, 'contacts', ada.id, { title: 'Analyst' });
  await graph.request('PATCH', `/me/contacts/${grace.id}`, { body: { jobTitle: 'Rear Admiral' } });
  expect((await make().sync()).applied).toEqual({ update: 2 });
  expect((await folderContacts()).find((c) => c.givenName === 'Ada')?.jobTitle).toBe('Analyst');
  expect((await svc.get(me, 'contacts', crmIdOf(grace)!)).title).toBe('Rear Admiral');
  // Nothing changed: the next run is one delta read and no write.
  const before = sandbox.sandbox.stats(ADMIN).requests;
  expect((await make().sync()).applied).toEqual({});
  expect(sandbox.sandbox.stats(ADMIN).requests - before).toBeLessThanOrEqual(2);
  expect((await crm.loadLinks()).length).toBe(2);
});

test('deactivation deletes the Outlook calendar and keeps every CRM event', async () => {
  const me = await freshActor();
  const svc = records();
  await svc.create(me, 'events', { fields: eventFields('Kept', 3), origin: 'ui' });
  const { crm, make } = engineFor(me, 'calendar');
  await make().activate();
  expect((await calendarEvents()).map((e) => e.subject)).toEqual(['Kept']);
  await make().deactivate();
  const calendars = (await graph.request<any>('GET', '/me/calendars')).value;
  expect(calendars.map((c: any) => c.name)).not.toContain(CONTAINER_NAME);
  const page = await svc.list(me, 'events', { limit: 10, owner: 'me', deleted: false });
  expect(page.items.map((e) => e.title)).toEqual(['Kept']);
  expect(await crm.loadLinks()).toEqual([]);
  expect((await crm.loadState()).enabled).toBe(false);
});

test('deleting the contact folder in Outlook deactivates the sync; the CRM keeps every contact', async () => {
  const me = await freshActor();
  const svc = records();
  await svc.create(me, 'contacts', { fields: { firstName: 'Stays', lastName: 'Here' }, origin: 'ui' });
  const { crm, make } = engineFor(me, 'contacts');
  await make().activate();
  const state = await crm.loadState();
  await graph.request('DELETE', `/me/contactFolders/${state.containerId}`);
  expect((await make().sync()).outcome).toBe('deactivated');
  expect((await crm.loadState()).enabled).toBe(false);
  const page = await svc.list(me, 'contacts', { limit: 10, owner: 'me', deleted: false });
  expect(page.items.map((c) => c.firstName)).toEqual(['Stays']);
});

test('creates whose answers are lost are not duplicated: the next run re-links them by CRM id', async () => {
  const me = await freshActor();
  const svc = records();
  for (let i = 0; i < 30; i++) {
    await svc.create(me, 'contacts', { fields: { firstName: `Person ${i}` }, origin: 'ui' });
  }
  // The folder create and the first batch of creates both lose their answers.
  sandbox.sandbox.setFaults(ADMIN, { seed: 7, rules: [{ kind: 'lostAnswer', next: 2, method: 'POST' }] });
  const { crm, make } = engineFor(me, 'contacts');
  const first = await make().activate();
  sandbox.sandbox.setFaults(ADMIN, {});
  expect(first.outcome).toBe('partial');
  expect(first.failures.length).toBeGreaterThan(0);
  const second = await make().sync();
  expect(second.outcome).toBe('done');
  const contacts = await folderContacts();
  expect(contacts).toHaveLength(30);
  expect(new Set(contacts.map((c) => crmIdOf(c))).size).toBe(30);
  expect(await crm.loadLinks()).toHaveLength(30);
});

test('the user’s edited field mapping takes effect; an invalid one stops the sync before it starts', async () => {
  const me = await freshActor();
  const svc = records();
  await svc.create(me, 'contacts', {
    fields: { firstName: 'Mapped', department: 'Sales', description: 'Not for Outlook' },
    origin: 'ui',
  });
  // Notes stay in the CRM; the department goes to Outlook's office location.
  const mapping: Record<string, string> = { ...DEFAULT_CONTACT_FIELD_MAPPING, department: 'officeLocation' };
  delete mapping.description;
  await store.db
    .insertInto('field_mappings')
    .values({ org_id: me.orgId, user_id: me.userId, resource: 'contacts', mapping: JSON.stringify(mapping) })
    .execute();
  const engine = await syncEngineFor({ db: store.db, actor: me, resource: 'contacts', graph });
  expect((await engine.activate()).applied).toEqual({ createGraph: 1 });
  const [contact] = await folderContacts();
  expect(contact).toMatchObject({ givenName: 'Mapped', officeLocation: 'Sales' });
  expect(contact.department ?? null).toBeNull();
  expect(contact.personalNotes ?? null).toBeNull();

  await store.db
    .updateTable('field_mappings')
    .set({ mapping: JSON.stringify({ ...mapping, title: 'officeLocation' }) })
    .where('org_id', '=', me.orgId)
    .where('user_id', '=', me.userId)
    .execute();
  await expect(syncEngineFor({ db: store.db, actor: me, resource: 'contacts', graph })).rejects.toMatchObject(
    {
      statusCode: 400,
    },
  );
});

describe('our containers are told apart by their marker, not their name', () => {
  test('a user’s own Tandem calendar and contact folder are never adopted, read or deleted', async () => {
    const me = await freshActor();
    const svc = records();
    await svc.create(me, 'events', { fields: eventFields('From the CRM', 2), origin: 'ui' });
    await svc.create(me, 'contacts', { fields: { firstName: 'Crm', lastName: 'Contact' }, origin: 'ui' });
    const theirCalendar = await graph.request<any>('POST', '/me/calendars', {
      body: { name: CONTAINER_NAME },
    });
    const at = (d: Date) => ({ dateTime: d.toISOString().slice(0, 19), timeZone: 'UTC' });
    await graph.request('POST', `/me/calendars/${theirCalendar.id}/events`, {
      body: { subject: 'Private dentist', start: at(hourAt(3)), end: at(hourAt(3.5)) },
    });
    const theirFolder = await graph.request<any>('POST', '/me/contactFolders', {
      body: { displayName: CONTAINER_NAME },
    });
    await graph.request('POST', `/me/contactFolders/${theirFolder.id}/contacts`, {
      body: { givenName: 'Private', surname: 'Friend' },
    });

    const calendar = engineFor(me, 'calendar');
    const contacts = engineFor(me, 'contacts');
    expect((await calendar.make().activate()).applied).toEqual({ createGraph: 1 });
    expect((await contacts.make().activate()).applied).toEqual({ createGraph: 1 });

    // Ours sits next to theirs under the next free name, and carries our marker.
    const calendars = await containers('calendars');
    expect(calendars.find(isOurs)).toMatchObject({
      id: (await calendar.crm.loadState()).containerId,
      name: 'Tandem (2)',
    });
    expect(calendars.find((c) => c.id === theirCalendar.id)).toBeDefined();
    expect(isOurs(calendars.find((c) => c.id === theirCalendar.id))).toBe(false);
    const folders = await containers('contactFolders');
    expect(folders.find(isOurs)).toMatchObject({
      id: (await contacts.crm.loadState()).containerId,
      displayName: 'Tandem (2)',
    });
    expect((await calendarEvents()).map((e) => e.subject)).toEqual(['From the CRM']);
    expect((await folderContacts()).map((c) => c.givenName)).toEqual(['Crm']);

    // Nothing of theirs reached the CRM.
    const events = await svc.list(me, 'events', { limit: 10, owner: 'me', deleted: false });
    expect(events.items.map((e) => e.title)).toEqual(['From the CRM']);
    const people = await svc.list(me, 'contacts', { limit: 10, owner: 'me', deleted: false });
    expect(people.items.map((c) => c.firstName)).toEqual(['Crm']);

    await calendar.make().deactivate();
    await contacts.make().deactivate();
    expect((await containers('calendars')).map((c) => c.name)).toEqual(['Calendar', CONTAINER_NAME]);
    expect((await containers('contactFolders')).map((c) => c.displayName)).toEqual([CONTAINER_NAME]);
    const theirEvents = (await graph.request<any>('GET', `/me/calendars/${theirCalendar.id}/events`)).value;
    expect(theirEvents.map((e: any) => e.subject)).toEqual(['Private dentist']);
    const theirContacts = (await graph.request<any>('GET', `/me/contactFolders/${theirFolder.id}/contacts`))
      .value;
    expect(theirContacts.map((c: any) => c.givenName)).toEqual(['Private']);
  });

  test('after a reinstall our marked calendar is re-found though renamed, with no duplicate', async () => {
    const me = await freshActor();
    const svc = records();
    await svc.create(me, 'events', { fields: eventFields('Kept once', 4), origin: 'ui' });
    const first = engineFor(me, 'calendar');
    await first.make().activate();
    const ourId = (await first.crm.loadState()).containerId;
    await graph.request('PATCH', `/me/calendars/${ourId}`, { body: { name: 'Work (CRM)' } });
    // The user also makes a calendar with our old name: still not ours.
    await graph.request('POST', '/me/calendars', { body: { name: CONTAINER_NAME } });

    await first.crm.forget();
    const again = engineFor(me, 'calendar');
    const report = await again.make().activate();
    expect(report.outcome).toBe('done');
    expect(report.applied.createGraph ?? 0).toBe(0);
    expect((await again.crm.loadState()).containerId).toBe(ourId);
    expect((await containers('calendars')).map((c) => c.name).sort()).toEqual([
      'Calendar',
      CONTAINER_NAME,
      'Work (CRM)',
    ]);
    expect((await calendarEvents()).map((e) => e.subject)).toEqual(['Kept once']);
    const page = await svc.list(me, 'events', { limit: 10, owner: 'me', deleted: false });
    expect(page.items.map((e) => e.title)).toEqual(['Kept once']);
    expect((await again.crm.loadLinks()).length).toBe(1);
  });

  test('a stored container id without our marker (from an earlier version) is not deleted on deactivation', async () => {
    const me = await freshActor();
    const unmarked = await graph.request<any>('POST', '/me/contactFolders', {
      body: { displayName: CONTAINER_NAME },
    });
    const { crm, make } = engineFor(me, 'contacts');
    await crm.saveState({ enabled: true, containerId: unmarked.id, initialDone: true });
    await make().deactivate();
    expect((await containers('contactFolders')).map((c) => c.id)).toEqual([unmarked.id]);
    expect((await crm.loadState()).enabled).toBe(false);
  });
});

test('a contact with NUL or a lone surrogate in Outlook does not hold back the others: it arrives with U+FFFD', async () => {
  const me = await freshActor();
  const svc = records();
  await svc.create(me, 'contacts', { fields: { firstName: 'From', lastName: 'Tandem' }, origin: 'ui' });
  const { crm, make } = engineFor(me, 'contacts');
  await make().activate();
  const folder = (await crm.loadState()).containerId!;
  const add = (contact: Record<string, unknown>) =>
    graph.request('POST', `/me/contactFolders/${folder}/contacts`, { body: contact });
  await add({ givenName: 'Ana\u0000Lucía', surname: 'Navarro' });
  await add({ givenName: 'Healthy', surname: 'One' });
  await add({ givenName: 'Broken\uD83D', surname: 'Pair' });
  await add({ givenName: 'Healthy', surname: 'Two' });

  const report = await make().sync();
  expect(report).toMatchObject({ outcome: 'done', applied: { createCrm: 4 }, failures: [] });
  const page = await svc.list(me, 'contacts', { limit: 10, owner: 'me', deleted: false });
  expect(page.items.map((c) => `${c.firstName} ${c.lastName}`).sort()).toEqual([
    'Ana\uFFFDLucía Navarro',
    'Broken\uFFFD Pair',
    'From Tandem',
    'Healthy One',
    'Healthy Two',
  ]);
  // Settled: the next run finds nothing to do.
  expect(await make().sync()).toMatchObject({ outcome: 'done', applied: {}, failures: [] });
});
