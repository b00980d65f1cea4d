import type { AddressInfo } from 'node:net';
import type { Actor } from '../../src/server/auth/permissions';
import { findActor } from '../../src/server/plugins/auth';
import { RecordService } from '../../src/server/services/record-service';
import { openUserCrmPort } from '../../src/server/services/sync-settings-port';
import { SyncBusyError, SyncEngine } from '../../src/sync/engine';
import { CRM_HTTP_LIMITS, HttpCrmPort } from '../../src/sync/http-crm-port';
import { kindOfStatus } from '../../src/sync/port-errors';
import type { SyncResource } from '../../src/sync/model';
import { PortError, type CrmCommit, type CrmPort } from '../../src/sync/ports';
import { createTestApp, type TestApp } from '../support/app';
import { createTenant, type TestTenant, type TestUser } from '../support/fixtures';
import { FakeGraph } from './support/fake-ports';

/**
 * The CRM port's behaviours, checked on both implementations: over the database (what the CLI and a
 * server worker use) and over HTTP against the real server (what the taskpane uses). Both carry the
 * user's real mappers, built by the server from the resource and the stored field mapping.
 */

let t: TestApp;
let baseUrl: string;
const records = () => new RecordService(t.store.db);

beforeAll(async () => {
  t = await createTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
});
afterAll(() => t.close());

async function actorOf(user: TestUser): Promise<Actor> {
  const actor = await findActor(t.store.db, {
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

function httpPort(user: TestUser, resource: SyncResource, fetchImpl?: typeof fetch): HttpCrmPort {
  return new HttpCrmPort({
    baseUrl,
    resource,
    token: async () => user.token,
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  });
}

type PortKind = 'database' | 'HTTP';
const openPort = async (kind: PortKind, user: TestUser, resource: SyncResource): Promise<CrmPort> =>
  kind === 'HTTP' ? httpPort(user, resource) : openUserCrmPort(t.store.db, await actorOf(user), resource);

const outlookValues = (graph: FakeGraph, field = 'firstName') =>
  [...graph.items.values()].map((i) => i.snapshot[field]).sort();

describe.each<PortKind>(['database', 'HTTP'])('CrmPort over %s with the engine', (kind) => {
  let tenant: TestTenant;
  let other: TestTenant;
  beforeAll(async () => {
    tenant = await createTenant(t.store, t.issuer, { memberCount: 3 });
    other = await createTenant(t.store, t.issuer, { memberCount: 1 });
  });

  async function setup(user: TestUser, resource: SyncResource = 'contacts') {
    const graph = new FakeGraph();
    const crm = await openPort(kind, user, resource);
    const engine = (initialLimit?: number) =>
      new SyncEngine({ resource, graph, crm, ...(initialLimit ? { initialLimit } : {}) });
    return { graph, crm, engine };
  }

  test('the initial sync takes only my records, leaves imports out unless mass-updated', async () => {
    const me = await actorOf(tenant.members[0]!);
    const admin = await actorOf(tenant.admin);
    const svc = records();
    await svc.create(me, 'contacts', { fields: { firstName: 'Mine' }, origin: 'ui' });
    await svc.create(me, 'contacts', { fields: { firstName: 'Via API' }, origin: 'api' });
    await svc.create(admin, 'contacts', { fields: { firstName: 'Admin’s' }, origin: 'ui' });
    const [imported, massUpdated] = await svc.createMany(me, 'contacts', [
      { fields: { firstName: 'Imported' }, origin: 'import' },
      { fields: { firstName: 'Imported, mass-updated' }, origin: 'import' },
    ]);
    await svc.createMany(me, 'contacts', [{ fields: { firstName: 'Migrated' }, origin: 'migration' }]);
    await svc.massUpdate(me, 'contacts', [massUpdated!.id], { lastName: 'Updated' });

    const { graph, engine } = await setup(tenant.members[0]!);
    const report = await engine().activate();
    expect(report).toMatchObject({ outcome: 'done', applied: { createGraph: 3 } });
    expect(outlookValues(graph)).toEqual(['Imported, mass-updated', 'Mine', 'Via API']);

    await svc.update(me, 'contacts', imported!.id, { lastName: 'Edited' });
    expect((await engine().sync()).applied).toEqual({});
  });

  test('calendar cap: events not yet ended soonest first, then the most recently ended', async () => {
    const me = await actorOf(tenant.members[1]!);
    const svc = records();
    const day = 86_400_000;
    const at = (offsetDays: number) => new Date(Date.now() + offsetDays * day).toISOString();
    for (const [title, offset] of [
      ['past -30', -30],
      ['future +10', 10],
      ['past -2', -2],
      ['future +1', 1],
      ['past -10', -10],
      ['future +5', 5],
    ] as const) {
      await svc.create(me, 'events', {
        fields: { title, start: at(offset), end: at(offset + 0.05), timeZone: 'Europe/Madrid' },
        origin: 'ui',
      });
    }
    const { crm } = await setup(tenant.members[1]!, 'calendar');
    const eligible = await crm.eligibleRecords(5);
    expect(eligible.records.map((r) => r.snapshot.title)).toEqual([
      'future +1',
      'future +5',
      'future +10',
      'past -2',
      'past -10',
    ]);
    expect(eligible.cursor).toMatch(/^\d+$/);
    const { graph, engine } = await setup(tenant.members[1]!, 'calendar');
    await engine(4).activate();
    expect(outlookValues(graph, 'title')).toEqual(['future +1', 'future +10', 'future +5', 'past -2']);
  });

  test('edits, deletions and restores flow both ways through the store; conflicts are kept', async () => {
    const user = tenant.members[2]!;
    const me = await actorOf(user);
    const svc = records();
    const ada = await svc.create(me, 'contacts', {
      fields: { firstName: 'Ada', email: 'ada@x.example' },
      origin: 'ui',
    });
    const bob = await svc.create(me, 'contacts', { fields: { firstName: 'Bob' }, origin: 'ui' });
    const { graph, crm, engine } = await setup(user);
    await engine().activate();
    const links = new Map((await crm.loadLinks()).map((l) => [l.crmId, l.graphId]));
    expect(links.size).toBe(2);

    graph.userEdit(links.get(ada.id)!, { lastName: 'Lovelace' });
    expect((await engine().sync()).applied).toEqual({ update: 1 });
    expect(await svc.get(me, 'contacts', ada.id)).toMatchObject({
      lastName: 'Lovelace',
      origin: 'ui',
      version: 2,
    });

    await svc.update(me, 'contacts', bob.id, { lastName: 'Builder' });
    expect((await engine().sync()).applied).toEqual({ update: 1 });
    expect(graph.items.get(links.get(bob.id)!)?.snapshot).toEqual({ firstName: 'Bob', lastName: 'Builder' });

    await svc.update(me, 'contacts', ada.id, { email: 'ada@crm.example' });
    graph.userEdit(links.get(ada.id)!, { email: 'ada@outlook.example' });
    expect((await engine().sync()).conflicts).toBe(1);
    const conflicts = await t.store.db
      .selectFrom('conflicts')
      .selectAll()
      .where('org_id', '=', me.orgId)
      .where('user_id', '=', me.userId)
      .execute();
    expect(conflicts).toEqual([
      expect.objectContaining({
        crm_id: ada.id,
        field: 'email',
        crm_value: 'ada@crm.example',
        graph_value: 'ada@outlook.example',
        winner: 'crm',
        resource: 'contacts',
      }),
    ]);
    expect(graph.items.get(links.get(ada.id)!)?.snapshot.email).toBe('ada@crm.example');

    graph.userDelete(links.get(bob.id)!);
    expect((await engine().sync()).applied).toEqual({ deleteCrm: 1 });
    expect((await svc.get(me, 'contacts', bob.id)).deletedAt).not.toBeNull();
    const row = await t.store.db
      .selectFrom('contacts')
      .select('deleted_by_sync')
      .where('org_id', '=', me.orgId)
      .where('id', '=', bob.id)
      .executeTakeFirstOrThrow();
    expect(row.deleted_by_sync).toBe(true);

    await svc.restore(me, 'contacts', bob.id);
    expect((await engine().sync()).applied).toEqual({ createGraph: 1 });
    expect(outlookValues(graph)).toEqual(['Ada', 'Bob']);

    const bobGraph = (await crm.loadLinks()).find((l) => l.crmId === bob.id)!.graphId;
    await svc.remove(me, 'contacts', bob.id);
    graph.userEdit(bobGraph, { lastName: 'Kept' });
    expect((await engine().sync()).applied).toEqual({ update: 1 });
    expect(await svc.get(me, 'contacts', bob.id)).toMatchObject({ deletedAt: null, lastName: 'Kept' });

    graph.userCreate({ firstName: 'Zoe' });
    expect((await engine().sync()).applied).toEqual({ createCrm: 1 });
    const page = await svc.list(me, 'contacts', { limit: 50, owner: 'me', deleted: false });
    expect(page.items.find((r) => r.firstName === 'Zoe')).toMatchObject({
      origin: 'sync',
      ownerId: me.userId,
    });
    // getRecords answers deleted records as deletions and leaves out what is not mine.
    const stranger = await svc.create(await actorOf(tenant.admin), 'contacts', {
      fields: { firstName: 'Not mine' },
      origin: 'ui',
    });
    await svc.remove(me, 'contacts', ada.id);
    expect(await crm.getRecords([ada.id, stranger.id])).toEqual([
      // A soft-deleted record comes with its last content, which a restore would bring back whole.
      {
        crmId: ada.id,
        deleted: true,
        snapshot: { email: 'ada@crm.example', firstName: 'Ada', lastName: 'Lovelace' },
      },
    ]);
  });

  test('a record the CRM rejects fails alone: no link is stored for it, the rest goes through', async () => {
    const { graph, crm, engine } = await setup(other.members[0]!);
    await engine().activate();
    graph.userCreate({ firstName: 'Fine' });
    // A contact needs a name, email or company: this one has none.
    graph.userCreate({ firstName: null, email: null });
    const report = await engine().sync();
    expect(report.failures).toEqual([expect.objectContaining({ action: 'createCrm', kind: 'invalid' })]);
    expect(report.applied).toEqual({ createCrm: 1 });
    expect(await crm.loadLinks()).toHaveLength(1);
  });

  test('lease: a second runner is refused while the first holds it, and gets it once it expires', async () => {
    const { crm } = await setup(tenant.admin, 'calendar');
    expect(await crm.acquireLease('runner-a', 60_000)).toBe(true);
    expect(await crm.acquireLease('runner-b', 60_000)).toBe(false);
    await expect(
      new SyncEngine({ resource: 'calendar', graph: new FakeGraph(), crm }).activate(),
    ).rejects.toBeInstanceOf(SyncBusyError);
    expect(await crm.acquireLease('runner-a', 1)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await crm.acquireLease('runner-b', 60_000)).toBe(true);
    await crm.releaseLease('runner-b');
    expect(await crm.acquireLease('runner-a', 60_000)).toBe(true);
    await crm.releaseLease('runner-a');
  });

  test('deactivation forgets links, pending creates and cursors of this user only; CRM records stay', async () => {
    const me = await actorOf(other.admin);
    const svc = records();
    await svc.create(me, 'contacts', { fields: { firstName: 'Stays' }, origin: 'ui' });
    const { graph, crm, engine } = await setup(other.admin);
    await engine().activate();
    await crm.addPending([
      { crmId: '00000000-0000-7000-8000-000000000001', kind: 'create', transactionId: 't' },
    ]);
    expect(await crm.loadPending()).toEqual([
      { crmId: '00000000-0000-7000-8000-000000000001', kind: 'create', transactionId: 't' },
    ]);
    const neighbour = await openPort(kind, other.members[0]!, 'contacts');
    const neighbourLinks = (await neighbour.loadLinks()).length;
    expect(neighbourLinks).toBeGreaterThan(0);

    await engine().deactivate();
    expect(graph.container).toBeNull();
    expect(await crm.loadLinks()).toEqual([]);
    expect(await crm.loadPending()).toEqual([]);
    expect(await crm.loadState()).toEqual({
      enabled: false,
      containerId: null,
      graphCursor: null,
      crmCursor: null,
      initialDone: false,
    });
    expect((await neighbour.loadLinks()).length).toBe(neighbourLinks);
    const page = await svc.list(me, 'contacts', { limit: 50, owner: 'me', deleted: false });
    expect(page.items.map((r) => r.firstName)).toEqual(['Stays']);
  });

  test('state round trip and pending add/drop', async () => {
    const user = tenant.members[0]!;
    const crm = await openPort(kind, user, 'calendar');
    await crm.saveState({ enabled: true, containerId: 'cal-1', graphCursor: 'https://graph/delta?t=1' });
    await crm.saveState({ crmCursor: '42' });
    expect(await crm.loadState()).toEqual({
      enabled: true,
      containerId: 'cal-1',
      graphCursor: 'https://graph/delta?t=1',
      crmCursor: '42',
      initialDone: false,
    });
    const ids = ['00000000-0000-7000-8000-00000000000a', '00000000-0000-7000-8000-00000000000b'];
    await crm.addPending([
      { crmId: ids[0]!, kind: 'create', transactionId: `tx-${ids[0]}` },
      { crmId: ids[1]!, kind: 'delete', graphId: 'AAMk-item=' },
    ]);
    await crm.dropPending([ids[0]!]);
    expect(await crm.loadPending()).toEqual([{ crmId: ids[1], kind: 'delete', graphId: 'AAMk-item=' }]);
    await crm.forget();
  });

  test('links of what changed: found by record or by Outlook id, with the total of all links', async () => {
    const user = (await createTenant(t.store, t.issuer, { memberCount: 1 })).members[0]!;
    const { graph, crm, engine } = await setup(user);
    const svc = records();
    const me = await actorOf(user);
    const made = [];
    for (const firstName of ['Ann', 'Ben', 'Cid', 'Dee']) {
      made.push(await svc.create(me, 'contacts', { fields: { firstName }, origin: 'ui' }));
    }
    await engine().activate();
    const all = await crm.loadLinks();
    expect(all).toHaveLength(4);
    const byCrm = new Map(all.map((l) => [l.crmId, l]));
    const ben = byCrm.get(made[1]!.id)!;
    const dee = byCrm.get(made[3]!.id)!;
    const found = await crm.findLinks({
      // A marker that is no record id, and an unknown item, find nothing and break nothing.
      crmIds: [made[1]!.id, made[1]!.id, 'written by another program'],
      graphIds: [dee.graphId, 'AAMk-unknown='],
    });
    expect(found.total).toBe(4);
    expect(found.links.sort((a, b) => a.crmId.localeCompare(b.crmId))).toEqual(
      [ben, dee].sort((a, b) => a.crmId.localeCompare(b.crmId)),
    );
    expect(await crm.findLinks({ crmIds: [], graphIds: [] })).toEqual({ links: [], total: 4 });
    // Another user's links stay theirs.
    const outsider = (await createTenant(t.store, t.issuer, { memberCount: 1 })).members[0]!;
    const stranger = await openPort(kind, outsider, 'contacts');
    expect(await stranger.findLinks({ crmIds: [ben.crmId], graphIds: [dee.graphId] })).toEqual({
      links: [],
      total: 0,
    });
    expect(graph.items.size).toBe(4);
    await crm.forget();
  });
});

describe('HttpCrmPort over HTTP', () => {
  let tenant: TestTenant;
  beforeAll(async () => {
    tenant = await createTenant(t.store, t.issuer, { memberCount: 2 });
  });

  function counting(): { fetch: typeof fetch; calls: string[] } {
    const calls: string[] = [];
    return {
      calls,
      fetch: (input, init) => {
        calls.push(`${init?.method ?? 'GET'} ${String(input).replace(baseUrl, '')}`);
        return fetch(input, init);
      },
    };
  }

  test('commits go in as few calls as the limits allow, one outcome each, in order', async () => {
    const user = tenant.members[0]!;
    const spy = counting();
    const crm = httpPort(user, 'contacts', spy.fetch);
    const n = CRM_HTTP_LIMITS.commits + 3;
    const commits: CrmCommit[] = Array.from({ length: n }, (_, i) => ({
      record: { op: 'create', snapshot: { firstName: `P${i}` } },
      link: { op: 'save', graphId: `g-${i}`, snapshot: { firstName: `P${i}` }, changeKey: null },
    }));
    // One invalid in the middle: it fails alone.
    commits[7] = {
      record: { op: 'create', snapshot: {} },
      link: { op: 'save', graphId: 'g-x', snapshot: {}, changeKey: null },
    };
    const outcomes = await crm.commit(commits);
    expect(spy.calls).toEqual(['POST /api/sync/contacts/commits', 'POST /api/sync/contacts/commits']);
    expect(outcomes).toHaveLength(n);
    expect(outcomes[7]).toMatchObject({ ok: false, error: { kind: 'invalid' } });
    expect(outcomes.filter((o) => o.ok)).toHaveLength(n - 1);
    const links = await crm.loadLinks();
    expect(links).toHaveLength(n - 1);
    const first = outcomes[0]!;
    expect(first.ok && links.find((l) => l.crmId === first.value.crmId)?.graphId).toBe('g-0');
  });

  test('a call of commits the server refuses whole (one commit breaks its rules) is split: only that commit fails', async () => {
    const user = tenant.members[1]!;
    const spy = counting();
    // A server whose validation refuses the whole body for one bad value, as schema checks do.
    const refusing: typeof fetch = (input, init) =>
      String(init?.body).includes('Refused')
        ? Promise.resolve(
            Response.json({ error: { message: 'commits: a name is refused' } }, { status: 400 }),
          )
        : spy.fetch(input, init);
    const crm = httpPort(user, 'contacts', refusing);
    const names = ['Ann', 'Ben', 'Refused', 'Cy', 'Di'];
    const commits: CrmCommit[] = names.map((firstName, i) => ({
      record: { op: 'create', snapshot: { firstName } },
      link: { op: 'save', graphId: `split-${i}`, snapshot: { firstName }, changeKey: null },
    }));
    const outcomes = await crm.commit(commits);
    expect(outcomes.map((o) => o.ok)).toEqual([true, true, false, true, true]);
    expect(outcomes[2]).toMatchObject({
      ok: false,
      error: { kind: 'invalid', message: expect.stringContaining('refused') },
    });
    expect((await crm.loadLinks()).map((l) => l.graphId).sort()).toEqual([
      'split-0',
      'split-1',
      'split-3',
      'split-4',
    ]);
    // Only the parts without the refused commit reached the server, each once.
    expect(spy.calls.filter((c) => c.endsWith('/commits'))).toHaveLength(2);
  });

  test('a whole initial sync costs a handful of round trips, whatever the number of records', async () => {
    const user = tenant.members[1]!;
    const me = await actorOf(user);
    await records().createMany(
      me,
      'contacts',
      Array.from({ length: 250 }, (_, i) => ({ fields: { firstName: `C${i}` }, origin: 'ui' as const })),
    );
    const spy = counting();
    const graph = new FakeGraph();
    const crm = httpPort(user, 'contacts', spy.fetch);
    const startedAt = new Date();
    const report = await new SyncEngine({ resource: 'contacts', graph, crm }).activate();
    expect(report).toMatchObject({ outcome: 'done', applied: { createGraph: 250 } });
    // One lease call: renewals while it has most of its time left cost nothing. One commit call per
    // engine group, and a fixed handful of state, links and pending calls around them.
    expect(spy.calls.filter((c) => c === 'POST /api/sync/contacts/lease')).toHaveLength(1);
    expect(spy.calls.filter((c) => c === 'POST /api/sync/contacts/commits')).toHaveLength(3);
    expect(spy.calls.length).toBeLessThanOrEqual(17);
    expect(graph.items.size).toBe(250);

    // The runner files its report for the settings page.
    await crm.recordRun(report, startedAt);
    const status = await fetch(`${baseUrl}/api/sync`, { headers: { authorization: `Bearer ${user.token}` } });
    expect((await status.json()).contacts).toMatchObject({
      enabled: true,
      initialDone: true,
      running: false,
      lastRun: {
        mode: 'initial',
        outcome: 'done',
        applied: { createGraph: 250 },
        startedAt: startedAt.toISOString(),
      },
    });
  });

  test('failures map to the engine’s kinds: bad token → auth, no server → temporary', async () => {
    const forged = new HttpCrmPort({ baseUrl, resource: 'contacts', token: async () => 'not-a-token' });
    await expect(forged.loadState()).rejects.toMatchObject({ name: 'PortError', kind: 'auth' });
    const nowhere = new HttpCrmPort({
      baseUrl: 'http://127.0.0.1:9',
      resource: 'contacts',
      token: async () => tenant.admin.token,
    });
    await expect(nowhere.loadLinks()).rejects.toMatchObject({ kind: 'temporary' });
    // The server's own message travels, never the token.
    const error = await forged.loadState().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortError);
    expect((error as PortError).message).not.toContain('not-a-token');
  });

  test('a lease renewal goes to the server once a quarter of its time has passed, or for another holder', async () => {
    const spy = counting();
    let clock = 0;
    const crm = new HttpCrmPort({
      baseUrl,
      resource: 'calendar',
      token: async () => tenant.members[1]!.token,
      fetch: spy.fetch,
      now: () => clock,
    });
    const leaseCalls = () => spy.calls.filter((c) => c.endsWith('/lease')).length;
    expect(await crm.acquireLease('a', 60_000)).toBe(true);
    clock += 14_999;
    expect(await crm.acquireLease('a', 60_000)).toBe(true);
    expect(leaseCalls()).toBe(1);
    clock += 1;
    expect(await crm.acquireLease('a', 60_000)).toBe(true);
    expect(leaseCalls()).toBe(2);
    // A different length (shortening it, say) always asks the server.
    expect(await crm.acquireLease('a', 30_000)).toBe(true);
    expect(leaseCalls()).toBe(3);
    expect(await crm.acquireLease('b', 60_000)).toBe(false);
    expect(leaseCalls()).toBe(4);
    await crm.releaseLease('a');
  });

  test('a run that failed everywhere files a small report with the full count', async () => {
    const user = tenant.members[0]!;
    const bodies: number[] = [];
    const measuring: typeof fetch = (input, init) => {
      bodies.push(String(init?.body ?? '').length);
      return fetch(input, init);
    };
    const failures = Array.from({ length: 5000 }, (_, i) => ({
      action: 'createGraph' as const,
      id: `crm-${i}`,
      kind: 'permanent' as const,
      message: 'x'.repeat(1000),
    }));
    await httpPort(user, 'calendar', measuring).recordRun({
      resource: 'calendar',
      mode: 'initial',
      outcome: 'partial',
      applied: {},
      conflicts: 0,
      failures,
      refused: null,
    });
    expect(bodies[0]).toBeLessThan(200_000);
    const status = await fetch(`${baseUrl}/api/sync`, { headers: { authorization: `Bearer ${user.token}` } });
    const lastRun = (await status.json()).calendar.lastRun;
    expect(lastRun.failureCount).toBe(5000);
    expect(lastRun.failures).toHaveLength(20);
  });

  test('every status has its kind: temporary ones are retryable, rules of the CRM are not', () => {
    const table = Object.fromEntries(
      [400, 401, 403, 404, 408, 409, 412, 413, 418, 429, 500, 502, 503, 504].map((s) => [s, kindOfStatus(s)]),
    );
    expect(table).toEqual({
      400: 'invalid',
      401: 'auth',
      403: 'auth',
      404: 'notFound',
      408: 'temporary',
      409: 'conflict',
      412: 'conflict',
      413: 'invalid',
      418: 'permanent',
      429: 'temporary',
      500: 'temporary',
      502: 'temporary',
      503: 'temporary',
      504: 'temporary',
    });
  });

  test('a server that does not answer in time is a temporary failure', async () => {
    const silent: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      });
    const crm = new HttpCrmPort({
      baseUrl,
      resource: 'contacts',
      token: async () => tenant.admin.token,
      fetch: silent,
      timeoutMs: 30,
    });
    await expect(crm.loadState()).rejects.toMatchObject({
      kind: 'temporary',
      message: 'GET /state: timed out',
    });
  });

  test('429 is retried after Retry-After; a 503 on a commit is not (it may have taken effect)', async () => {
    const user = tenant.admin;
    let refusals = 1;
    const busy: typeof fetch = async (input, init) => {
      if (refusals-- > 0) {
        return new Response(JSON.stringify({ error: { code: 'too_many_requests', message: 'slow down' } }), {
          status: 429,
          headers: { 'retry-after': '0' },
        });
      }
      return fetch(input, init);
    };
    expect(await httpPort(user, 'calendar', busy).loadState()).toMatchObject({ enabled: false });

    let calls = 0;
    const unavailable: typeof fetch = async () => {
      calls++;
      return new Response('upstream down', { status: 503, statusText: 'Service Unavailable' });
    };
    const crm = new HttpCrmPort({
      baseUrl,
      resource: 'calendar',
      token: async () => user.token,
      fetch: unavailable,
      maxRetryDelayMs: 1,
    });
    await expect(crm.commit([{ link: { op: 'remove', crmId: tenant.admin.userId } }])).rejects.toMatchObject({
      kind: 'temporary',
    });
    expect(calls).toBe(1);
    calls = 0;
    await expect(crm.loadLinks()).rejects.toMatchObject({ kind: 'temporary' });
    expect(calls).toBe(3);
  });
});
