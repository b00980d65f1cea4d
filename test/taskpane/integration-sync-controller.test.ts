/* eslint-disable @typescript-eslint/no-explicit-any -- Graph answers are arbitrary JSON read field by field. */
import type { AddressInfo } from 'node:net';
import { createGraphClient, type GraphClient } from '../../src/sync/graph';
import { CONTAINER_NAME } from '../../src/sync/ports';
import {
  createSyncController,
  isSyncRunError,
  type SyncController,
  type SyncProgressView,
} from '../../src/taskpane/sync-controller';
import { ADMIN, BRUNO, CARMEN, listenSandbox } from '../sandbox/support/sandbox-harness';
import { createTestApp, type TestApp } from '../support/app';
import { createTenant, type TestUser } from '../support/fixtures';

/**
 * What the "Microsoft integration" page learns from the taskpane's sync, over the real server and the
 * Graph sandbox: Outlook being retried (why, and when next), a run that fails recorded as failed with
 * its trouble, a conflict settled with the value the user keeps, and imported records made to sync.
 */

let t: TestApp;
let sandbox: Awaited<ReturnType<typeof listenSandbox>>;
let origin: string;
let users: TestUser[];

beforeAll(async () => {
  [t, sandbox] = await Promise.all([createTestApp(), listenSandbox()]);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  origin = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  users = (await createTenant(t.store, t.issuer, { memberCount: 4 })).members;
});
afterAll(async () => {
  await sandbox?.close();
  await t?.close();
});

const graphBase = () => `${sandbox.baseUrl}/graph/v1.0`;
const DAVID = 'david.esteban@contoso.example';
const NOW = Date.parse('2026-12-05T10:00:00.000Z');

/** The controller as the add-in builds it (its own Graph client), waiting no time between retries. */
function controllerFor(user: TestUser, mailbox: string, waits: number[] = []): SyncController {
  return createSyncController({
    origin,
    graphBaseUrl: graphBase(),
    accounts: {
      getToken: async (audience) =>
        audience === 'crm' ? user.token : sandbox.sandbox.issueToken(mailbox, 'graph'),
    },
    sleep: async (ms) => {
      waits.push(ms);
    },
    now: () => NOW,
  });
}

function graphAs(mailbox: string): GraphClient {
  return createGraphClient({
    baseUrl: graphBase(),
    getToken: async () => sandbox.sandbox.issueToken(mailbox, 'graph'),
    backoff: { baseMs: 5, maxMs: 50 },
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

async function folderContacts(graph: GraphClient): Promise<any[]> {
  const folders = (await graph.request<any>('GET', '/me/contactFolders')).value as any[];
  const folder = folders.find((f) => f.displayName === CONTAINER_NAME);
  if (!folder) return [];
  return (await graph.request<any>('GET', `/me/contactFolders/${folder.id}/contacts`)).value as any[];
}

test('Outlook answering 503: the page hears of each retry and when, then the run is recorded as failed', async () => {
  const user = users[0]!;
  await crm(user, 'POST', '/api/contacts', { firstName: 'Lucía' });
  const controller = controllerFor(user, ADMIN);
  await controller.activate('contacts');

  sandbox.sandbox.setFaults(ADMIN, {
    rules: [{ kind: 'unavailable', route: 'delta', every: 1, retryAfterSeconds: 2 }],
  });
  const seen: SyncProgressView[] = [];
  try {
    const failed = controller.sync('contacts', (p) => seen.push(p));
    await expect(failed).rejects.toMatchObject({ name: 'SyncRunError', reason: 'unavailable' });
    const error = await failed.catch((e: unknown) => e);
    expect(isSyncRunError(error)).toBe(true);
    expect((error as Error).message).toMatch(/503/);
  } finally {
    sandbox.sandbox.setFaults(ADMIN, {});
  }

  const retries = seen.flatMap((p) => (p.retry ? [p.retry] : []));
  expect(retries.length).toBeGreaterThanOrEqual(3);
  expect(retries[0]).toEqual({
    reason: 'unavailable',
    status: 503,
    attempt: 2,
    at: new Date(NOW + 2000).toISOString(),
  });
  expect(retries.map((r) => r.attempt)).toEqual(retries.map((_, i) => i + 2));
  expect(seen.find((p) => p.retry)?.phase).toBe('collect');

  const { lastRun } = (await controller.overview()).contacts;
  expect(lastRun).toMatchObject({
    outcome: 'failed',
    error: { reason: 'unavailable', message: expect.stringContaining('503') },
  });

  // Outlook back: the next run clears the failure.
  expect(await controller.sync('contacts')).toMatchObject({ outcome: 'done' });
  expect((await controller.overview()).contacts.lastRun?.outcome).toBe('done');
  await controller.deactivate('contacts');
});

test('a retry that succeeds clears the notice, and the run completes', async () => {
  const user = users[1]!;
  const controller = controllerFor(user, BRUNO);
  await controller.activate('contacts');
  sandbox.sandbox.setFaults(BRUNO, {
    rules: [{ kind: 'gatewayTimeout', route: 'delta', next: 2 }],
  });
  const seen: SyncProgressView[] = [];
  try {
    expect(await controller.sync('contacts', (p) => seen.push(p))).toMatchObject({ outcome: 'done' });
  } finally {
    sandbox.sandbox.setFaults(BRUNO, {});
  }
  const first = seen.findIndex((p) => p.retry);
  expect(seen[first]?.retry).toMatchObject({ reason: 'timeout', status: 504, attempt: 2 });
  expect(seen.slice(first).some((p) => !p.retry)).toBe(true);
  expect(seen.at(-1)?.retry).toBeUndefined();
  await controller.deactivate('contacts');
});

test('keeping the Outlook value of a conflict: the next run carries it to Outlook and both sides agree', async () => {
  const user = users[2]!;
  const graph = graphAs(CARMEN);
  const controller = controllerFor(user, CARMEN);
  const contact = await crm(user, 'POST', '/api/contacts', {
    firstName: 'Pau',
    mobilePhone: '+34 600 000 001',
  });
  await controller.activate('contacts');
  const [item] = await folderContacts(graph);
  await crm(user, 'PATCH', `/api/contacts/${contact.id}`, { mobilePhone: '+34 600 000 002' });
  await graph.request('PATCH', `/me/contacts/${item.id}`, { body: { mobilePhone: '+34 699 999 999' } });
  await controller.sync('contacts');
  const [conflict] = (await controller.conflicts('contacts')).items;
  expect(conflict).toMatchObject({ winner: 'crm', graphValue: '+34 699 999 999' });
  expect((await folderContacts(graph))[0]?.mobilePhone).toBe('+34 600 000 002');

  await controller.resolveConflict('contacts', conflict!.id, 'graph');
  expect((await controller.conflicts('contacts')).items).toEqual([]);
  expect((await crm(user, 'GET', `/api/contacts/${contact.id}`)).mobilePhone).toBe('+34 699 999 999');
  expect(await controller.sync('contacts')).toMatchObject({ outcome: 'done', applied: { update: 1 } });
  expect((await folderContacts(graph))[0]?.mobilePhone).toBe('+34 699 999 999');
  // Settled: the run after finds nothing to do.
  expect(await controller.sync('contacts')).toMatchObject({ applied: {}, conflicts: 0 });
  await controller.deactivate('contacts');
});

test('imported contacts do not sync until the page makes them eligible; then the next run takes them', async () => {
  const user = users[3]!;
  const graph = graphAs(DAVID);
  const controller = controllerFor(user, DAVID);
  await crm(user, 'POST', '/api/contacts/import', {
    records: [{ firstName: 'Iker' }, { firstName: 'Maite' }, { firstName: 'Nerea' }],
  });
  await crm(user, 'POST', '/api/contacts', { firstName: 'Typed' });
  await controller.activate('contacts');
  expect((await folderContacts(graph)).map((c) => c.givenName)).toEqual(['Typed']);
  expect((await controller.overview()).contacts.importedNotSynced).toBe(3);

  expect(await controller.includeImported('contacts')).toBe(3);
  expect((await controller.overview()).contacts.importedNotSynced).toBe(0);
  expect(await controller.sync('contacts')).toMatchObject({ applied: { createGraph: 3 } });
  expect((await folderContacts(graph)).map((c) => c.givenName).sort()).toEqual([
    'Iker',
    'Maite',
    'Nerea',
    'Typed',
  ]);
  expect(await controller.includeImported('contacts')).toBe(0);
  await controller.deactivate('contacts');
});
