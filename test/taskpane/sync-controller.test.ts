/* eslint-disable @typescript-eslint/no-explicit-any -- Graph answers are arbitrary JSON read field by field. */
import type { AddressInfo } from 'node:net';
import { ApiError } from '../../src/taskpane/api-client';
import { SyncBusyError } from '../../src/sync/engine';
import {
  createSyncController,
  type SyncController,
  type SyncProgress,
} from '../../src/taskpane/sync-controller';
import { createGraphClient, type GraphClient } from '../../src/sync/graph';
import { HttpCrmPort } from '../../src/sync/http-crm-port';
import { CONTAINER_NAME } from '../../src/sync/ports';
import { ADMIN, BRUNO, CARMEN, listenSandbox } from '../sandbox/support/sandbox-harness';
import { createTestApp, type TestApp } from '../support/app';
import { createTenant, type TestUser } from '../support/fixtures';

/**
 * The taskpane's sync, as the add-in runs it: the controller and the runner over the real server
 * (test store, HTTP) and the Graph sandbox's mailbox (HTTP), each with the user's own token.
 */

let t: TestApp;
let sandbox: Awaited<ReturnType<typeof listenSandbox>>;
let origin: string;
let users: TestUser[];

beforeAll(async () => {
  [t, sandbox] = await Promise.all([createTestApp(), listenSandbox()]);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  origin = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  users = (await createTenant(t.store, t.issuer, { memberCount: 5 })).members;
});
afterAll(async () => {
  await sandbox?.close();
  await t?.close();
});

const graphBase = () => `${sandbox.baseUrl}/graph/v1.0`;

function graphAs(mailbox: string): GraphClient {
  return createGraphClient({
    baseUrl: graphBase(),
    getToken: async () => sandbox.sandbox.issueToken(mailbox, 'graph'),
    backoff: { baseMs: 5, maxMs: 50 },
  });
}

function controllerFor(user: TestUser, mailbox: string): SyncController {
  return createSyncController({
    origin,
    graphBaseUrl: graphBase(),
    accounts: {
      getToken: async (audience) =>
        audience === 'crm' ? user.token : sandbox.sandbox.issueToken(mailbox, 'graph'),
    },
    graphClient: (getToken) =>
      createGraphClient({ baseUrl: graphBase(), getToken, backoff: { baseMs: 5, maxMs: 50 } }),
  });
}

async function crm<T = any>(user: TestUser, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${origin}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${user.token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

async function container(graph: GraphClient, kind: 'calendar' | 'contacts'): Promise<string | null> {
  const path = kind === 'calendar' ? '/me/calendars' : '/me/contactFolders';
  const items = (await graph.request<any>('GET', path)).value as any[];
  const found = items.find((c) => (c.name ?? c.displayName) === CONTAINER_NAME);
  return found?.id ?? null;
}

async function containerItems(graph: GraphClient, kind: 'calendar' | 'contacts'): Promise<any[]> {
  const id = await container(graph, kind);
  if (!id) return [];
  const path = kind === 'calendar' ? `/me/calendars/${id}/events` : `/me/contactFolders/${id}/contacts`;
  const out: any[] = [];
  for await (const item of graph.list<any>(path)) out.push(item);
  return out;
}

const inAnHour = () => {
  const start = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 3_600_000);
  return { start: start.toISOString(), end: new Date(start.getTime() + 3_600_000).toISOString() };
};

test('a contact and an event made in Tandem reach the Tandem folder and calendar; turning off keeps the CRM', async () => {
  const user = users[0]!;
  const graph = graphAs(ADMIN);
  const controller = controllerFor(user, ADMIN);
  const contact = await crm(user, 'POST', '/api/contacts', {
    firstName: 'Lucía',
    lastName: 'Ferrer',
    email: 'lucia.ferrer@example.org',
  });
  const event = await crm(user, 'POST', '/api/events', {
    title: 'Quarterly review',
    timeZone: 'Europe/Madrid',
    ...inAnHour(),
  });

  expect(await controller.overview()).toMatchObject({
    calendar: { enabled: false, lastRun: null },
    contacts: { enabled: false, lastRun: null },
  });

  const progress: SyncProgress[] = [];
  const contactsRun = await controller.activate('contacts', (p) => progress.push({ ...p }));
  expect(contactsRun).toMatchObject({ mode: 'initial', outcome: 'done', applied: { createGraph: 1 } });
  expect(progress.map((p) => p.phase)).toEqual(
    expect.arrayContaining(['lease', 'container', 'apply', 'done']),
  );
  expect(progress.every((p) => p.resource === 'contacts' && p.done <= Math.max(p.total, p.done))).toBe(true);
  const calendarRun = await controller.activate('calendar');
  expect(calendarRun).toMatchObject({ outcome: 'done', applied: { createGraph: 1 } });

  const contacts = await containerItems(graph, 'contacts');
  expect(contacts.map((c) => [c.givenName, c.surname])).toEqual([['Lucía', 'Ferrer']]);
  const events = await containerItems(graph, 'calendar');
  expect(events.map((e) => e.subject)).toEqual(['Quarterly review']);

  // The runs are the server's record of the last sync.
  const overview = await controller.overview();
  expect(overview.contacts).toMatchObject({ enabled: true, initialDone: true, running: false });
  expect(overview.contacts.lastRun).toMatchObject({
    outcome: 'done',
    applied: { createGraph: 1 },
    failureCount: 0,
  });
  expect(overview.calendar.lastRun?.startedAt).toEqual(expect.any(String));

  // "Sync now" carries a later change of either side.
  await crm(user, 'POST', '/api/contacts', { firstName: 'Marc', lastName: 'Soler' });
  const results = await controller.syncNow();
  expect(results.map((r) => r.resource)).toEqual(['calendar', 'contacts']);
  expect(results[1]).toMatchObject({ run: { mode: 'incremental', applied: { createGraph: 1 } } });
  expect((await containerItems(graph, 'contacts')).map((c) => c.givenName).sort()).toEqual(['Lucía', 'Marc']);

  await controller.deactivate('contacts');
  await controller.deactivate('calendar');
  expect(await container(graph, 'contacts')).toBeNull();
  expect(await container(graph, 'calendar')).toBeNull();
  expect(await controller.overview()).toMatchObject({
    calendar: { enabled: false },
    contacts: { enabled: false },
  });
  expect(await crm(user, 'GET', `/api/contacts/${contact.id}`)).toMatchObject({ firstName: 'Lucía' });
  expect(await crm(user, 'GET', `/api/events/${event.id}`)).toMatchObject({ title: 'Quarterly review' });
});

test('another runner holding the lease is a SyncBusyError; mapping and conflicts go through the server', async () => {
  const user = users[1]!;
  const controller = controllerFor(user, BRUNO);
  const other = new HttpCrmPort({ baseUrl: origin, resource: 'calendar', token: async () => user.token });
  expect(await other.acquireLease('the-server', 60_000)).toBe(true);
  await expect(controller.activate('calendar')).rejects.toBeInstanceOf(SyncBusyError);
  expect((await controller.overview()).calendar).toMatchObject({ enabled: false, running: true });
  await other.releaseLease('the-server');

  const view = await controller.contactMapping();
  expect(view.isDefault).toBe(true);
  expect(view.targets.email).toContain(view.mapping.email);
  const bad = controller.saveContactMapping({ ...view.mapping, description: 'birthday' });
  await expect(bad).rejects.toBeInstanceOf(ApiError);
  await expect(bad).rejects.toMatchObject({
    status: 400,
    code: 'invalid_mapping',
    message: expect.stringContaining('description'),
  });

  const { title: _dropped, ...withoutJobTitle } = view.mapping;
  expect(_dropped).toBe('jobTitle');
  const saved = await controller.saveContactMapping(withoutJobTitle);
  expect(saved).toMatchObject({ isDefault: false });
  expect(saved.mapping.title).toBeUndefined();
  expect(saved.targets.title).toContain('jobTitle');
  expect((await controller.resetContactMapping()).isDefault).toBe(true);

  expect(await controller.conflicts('contacts')).toEqual({ items: [], next: null });
  await expect(
    controller.dismissConflict('contacts', '00000000-0000-4000-8000-000000000000'),
  ).rejects.toMatchObject({ status: 404 });
});

test('a field changed on both sides is a conflict the page lists with both values, and dismisses', async () => {
  const user = users[2]!;
  const graph = graphAs(BRUNO);
  const controller = controllerFor(user, BRUNO);
  const contact = await crm(user, 'POST', '/api/contacts', {
    firstName: 'Pau',
    mobilePhone: '+34 600 000 001',
  });
  await controller.activate('contacts');
  const [item] = await containerItems(graph, 'contacts');
  expect(item?.mobilePhone).toBe('+34 600 000 001');

  await crm(user, 'PATCH', `/api/contacts/${contact.id}`, { mobilePhone: '+34 600 000 002' });
  await graph.request('PATCH', `/me/contacts/${item.id}`, { body: { mobilePhone: '+34 699 999 999' } });
  const [result] = await controller.syncNow();
  expect(result).toMatchObject({ resource: 'contacts', run: { conflicts: 1 } });

  const page = await controller.conflicts('contacts');
  expect(page.items).toEqual([
    expect.objectContaining({
      crmId: contact.id,
      record: { label: 'Pau', deleted: false },
      field: 'mobilePhone',
      crmValue: '+34 600 000 002',
      graphValue: '+34 699 999 999',
      winner: 'crm',
      losingValue: '+34 699 999 999',
    }),
  ]);
  expect((await controller.overview()).contacts.openConflicts).toBe(1);
  // The CRM won, and Outlook now holds its value.
  expect((await containerItems(graph, 'contacts'))[0]?.mobilePhone).toBe('+34 600 000 002');

  await controller.dismissConflict('contacts', page.items[0]!.id);
  expect((await controller.conflicts('contacts')).items).toEqual([]);
  await controller.deactivate('contacts');
});

test('the user’s own field mapping is what the taskpane’s run writes to Outlook', async () => {
  const user = users[3]!;
  const graph = graphAs(CARMEN);
  const controller = controllerFor(user, CARMEN);
  await crm(user, 'POST', '/api/contacts', { firstName: 'Rosa', title: 'Buyer', department: 'Purchasing' });
  const { mapping } = await controller.contactMapping();
  // Job title goes to Outlook's department field; Tandem's department is not synced.
  const { department: _department, ...rest } = mapping;
  await controller.saveContactMapping({ ...rest, title: 'department' });
  await controller.activate('contacts');
  const [rosa] = await containerItems(graph, 'contacts');
  expect(rosa).toMatchObject({ givenName: 'Rosa', department: 'Buyer' });
  expect(rosa.jobTitle ?? null).toBeNull();
  await controller.deactivate('contacts');
  await controller.resetContactMapping();
});

test('a run the mass-delete guard stopped goes ahead once the user confirms it; the next runs are guarded again', async () => {
  const user = users[4]!;
  const graph = graphAs(CARMEN);
  const controller = controllerFor(user, CARMEN);
  for (let i = 1; i <= 12; i++) {
    await crm(user, 'POST', '/api/contacts', { firstName: `Client ${i}`, lastName: 'Vidal' });
  }
  expect(await controller.activate('contacts')).toMatchObject({
    outcome: 'done',
    applied: { createGraph: 12 },
  });
  const items = await containerItems(graph, 'contacts');
  expect(items).toHaveLength(12);

  // Seven of the twelve deleted in Outlook: more than half, so the guard stops the run and changes nothing.
  const gone = items.slice(0, 7);
  for (const item of gone) await graph.request('DELETE', `/me/contacts/${item.id}`);
  const refused = await controller.sync('contacts');
  expect(refused).toMatchObject({
    outcome: 'refused',
    refused: { reason: 'massDelete', deletions: { crm: 7, graph: 0 }, linked: 12 },
  });
  expect((await crm(user, 'GET', '/api/contacts?deleted=true')).items).toEqual([]);
  expect((await controller.overview()).contacts.lastRun).toMatchObject({ outcome: 'refused' });

  // A confirmation of fewer deletions than the run would now make does not cover it: stopped again.
  const stale = { reason: 'massDelete' as const, deletions: { crm: 6, graph: 0 }, linked: 12 };
  expect(await controller.sync('contacts', undefined, { confirmedDeletions: stale })).toMatchObject({
    outcome: 'refused',
    refused: { deletions: { crm: 7, graph: 0 } },
  });
  expect((await crm(user, 'GET', '/api/contacts?deleted=true')).items).toEqual([]);

  // Confirmed: the seven go to the recycle bin, and the run is recorded like any other.
  const progress: SyncProgress[] = [];
  const confirmed = await controller.sync('contacts', (p) => progress.push({ ...p }), {
    confirmedDeletions: refused.refused!,
  });
  expect(confirmed).toMatchObject({ outcome: 'done', applied: { deleteCrm: 7 }, refused: null });
  expect(progress.map((p) => p.phase)).toContain('apply');
  expect((await controller.overview()).contacts.lastRun).toMatchObject({
    outcome: 'done',
    applied: { deleteCrm: 7 },
  });
  const bin = (await crm(user, 'GET', '/api/contacts?deleted=true')).items as any[];
  expect(bin.map((c) => c.firstName).sort()).toEqual(gone.map((item) => item.givenName).sort());
  expect((await crm(user, 'GET', '/api/contacts')).items).toHaveLength(5);
  expect(await containerItems(graph, 'contacts')).toHaveLength(5);

  // Restorable: back from the recycle bin, back in Outlook; twelve synced again.
  for (const record of bin) await crm(user, 'POST', `/api/contacts/${record.id}/restore`);
  expect(await controller.sync('contacts')).toMatchObject({ outcome: 'done' });
  const again = await containerItems(graph, 'contacts');
  expect(again).toHaveLength(12);

  // The next ordinary run, as "Sync now" and the ribbon make it, is guarded again.
  for (const item of again.slice(0, 7)) await graph.request('DELETE', `/me/contacts/${item.id}`);
  const [next] = await controller.syncNow();
  expect(next).toMatchObject({
    resource: 'contacts',
    run: { outcome: 'refused', refused: { deletions: { crm: 7, graph: 0 }, linked: 12 } },
  });
  expect((await crm(user, 'GET', '/api/contacts?deleted=true')).items).toEqual([]);
  await controller.deactivate('contacts');
});
