import type { Actor } from '../../src/server/auth/permissions';
import type { Store } from '../../src/server/db/store';
import { findActor } from '../../src/server/plugins/auth';
import { RecordService, type Fields } from '../../src/server/services/record-service';
import { DbCrmPort, type CrmSnapshotMapper } from '../../src/server/services/sync-crm-port';
import { SyncBusyError, SyncEngine } from '../../src/sync/engine';
import type { FieldValue, Snapshot, SyncResource } from '../../src/sync/model';
import { createTestIssuer } from '../support/auth';
import { createTenant, type TestTenant, type TestUser } from '../support/fixtures';
import { createTestStore } from '../support/store';
import { FakeGraph } from './support/fake-ports';

/** A plain field-by-field mapper standing in for the real ones: the port's job is storage, not mapping. */
function fieldMapper(fields: readonly string[]): CrmSnapshotMapper {
  return {
    fields,
    fromCrm: (record) => Object.fromEntries(fields.map((f) => [f, (record[f] ?? null) as FieldValue])),
    toCrm: (snapshot: Snapshot, changed?: readonly string[]) =>
      Object.fromEntries((changed ?? fields).map((f) => [f, snapshot[f] ?? null])) as Partial<Fields>,
  };
}
const contactMapper = fieldMapper(['firstName', 'lastName', 'email']);
const eventMapper = fieldMapper(['title', 'start', 'end', 'timeZone']);

let store: Store;
let tenant: TestTenant;
let other: TestTenant;
const records = () => new RecordService(store.db);

async function actorOf(user: TestUser): Promise<Actor> {
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

beforeAll(async () => {
  store = await createTestStore();
  const issuer = await createTestIssuer();
  tenant = await createTenant(store, issuer, { memberCount: 3 });
  other = await createTenant(store, issuer, { memberCount: 1 });
});
afterAll(() => store.close());

function setup(actor: Actor, resource: SyncResource = 'contacts') {
  const graph = new FakeGraph();
  const crm = new DbCrmPort(store.db, actor, resource, resource === 'calendar' ? eventMapper : contactMapper);
  const engine = (initialLimit?: number) =>
    new SyncEngine({ resource, graph, crm, ...(initialLimit ? { initialLimit } : {}) });
  return { graph, crm, engine };
}

const outlookNames = (graph: FakeGraph, field = 'firstName') =>
  [...graph.items.values()].map((i) => i.snapshot[field]).sort();

describe('DbCrmPort with the engine', () => {
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

    const { graph, engine } = setup(me);
    const report = await engine().activate();
    expect(report).toMatchObject({ outcome: 'done', applied: { createGraph: 3 } });
    expect(outlookNames(graph)).toEqual(['Imported, mass-updated', 'Mine', 'Via API']);

    // Editing an import one by one does not make it eligible; the feed skips it too.
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
    const { crm } = setup(me, 'calendar');
    const eligible = await crm.eligibleRecords(5);
    expect(eligible.records.map((r) => r.snapshot.title)).toEqual([
      'future +1',
      'future +5',
      'future +10',
      'past -2',
      'past -10',
    ]);
    const { graph, engine } = setup(me, 'calendar');
    await engine(4).activate();
    expect(outlookNames(graph, 'title')).toEqual(['future +1', 'future +10', 'future +5', 'past -2']);
  });

  test('edits, deletions and restores flow both ways through the store; conflicts are kept', async () => {
    const me = await actorOf(tenant.members[2]!);
    const svc = records();
    const ada = await svc.create(me, 'contacts', {
      fields: { firstName: 'Ada', email: 'ada@x.example' },
      origin: 'ui',
    });
    const bob = await svc.create(me, 'contacts', { fields: { firstName: 'Bob' }, origin: 'ui' });
    const { graph, crm, engine } = setup(me);
    await engine().activate();
    const links = new Map((await crm.loadLinks()).map((l) => [l.crmId, l.graphId]));
    expect(links.size).toBe(2);

    // Outlook → CRM: an edit updates the record and keeps its origin.
    graph.userEdit(links.get(ada.id)!, { lastName: 'Lovelace' });
    expect((await engine().sync()).applied).toEqual({ update: 1 });
    expect(await svc.get(me, 'contacts', ada.id)).toMatchObject({
      lastName: 'Lovelace',
      origin: 'ui',
      version: 2,
    });

    // CRM → Outlook.
    await svc.update(me, 'contacts', bob.id, { lastName: 'Builder' });
    expect((await engine().sync()).applied).toEqual({ update: 1 });
    expect(graph.items.get(links.get(bob.id)!)?.snapshot).toEqual({ firstName: 'Bob', lastName: 'Builder' });

    // Both change the same field: the CRM wins, Outlook's value is recorded for review.
    await svc.update(me, 'contacts', ada.id, { email: 'ada@crm.example' });
    graph.userEdit(links.get(ada.id)!, { email: 'ada@outlook.example' });
    expect((await engine().sync()).conflicts).toBe(1);
    const conflicts = await store.db
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

    // Deleted in Outlook: soft-deleted in the CRM, marked as the sync's doing, restorable.
    graph.userDelete(links.get(bob.id)!);
    expect((await engine().sync()).applied).toEqual({ deleteCrm: 1 });
    expect((await svc.get(me, 'contacts', bob.id)).deletedAt).not.toBeNull();
    const row = await store.db
      .selectFrom('contacts')
      .select('deleted_by_sync')
      .where('org_id', '=', me.orgId)
      .where('id', '=', bob.id)
      .executeTakeFirstOrThrow();
    expect(row.deleted_by_sync).toBe(true);

    // Restored in the CRM: it comes back to Outlook as a new item.
    await svc.restore(me, 'contacts', bob.id);
    expect((await engine().sync()).applied).toEqual({ createGraph: 1 });
    expect(outlookNames(graph)).toEqual(['Ada', 'Bob']);

    // Deleted in the CRM while edited in Outlook: the edit wins and the record is restored.
    const bobGraph = (await crm.loadLinks()).find((l) => l.crmId === bob.id)!.graphId;
    await svc.remove(me, 'contacts', bob.id);
    graph.userEdit(bobGraph, { lastName: 'Kept' });
    expect((await engine().sync()).applied).toEqual({ update: 1 });
    expect(await svc.get(me, 'contacts', bob.id)).toMatchObject({ deletedAt: null, lastName: 'Kept' });

    // A new item in Outlook becomes a CRM record of origin "sync".
    graph.userCreate({ firstName: 'Zoe' });
    expect((await engine().sync()).applied).toEqual({ createCrm: 1 });
    const page = await svc.list(me, 'contacts', { limit: 50, owner: 'me', deleted: false });
    expect(page.items.find((r) => r.firstName === 'Zoe')).toMatchObject({
      origin: 'sync',
      ownerId: me.userId,
    });
  });

  test('a record the CRM rejects fails alone: no link is stored for it, the rest goes through', async () => {
    const me = await actorOf(other.members[0]!);
    const { graph, crm, engine } = setup(me);
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
    const me = await actorOf(tenant.admin);
    const { crm } = setup(me, 'calendar');
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
    const { graph, crm, engine } = setup(me);
    await engine().activate();
    await crm.addPending([
      { crmId: '00000000-0000-7000-8000-000000000001', kind: 'create', transactionId: 't' },
    ]);
    const neighbour = setup(await actorOf(other.members[0]!)).crm;
    const neighbourLinks = (await neighbour.loadLinks()).length;

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
});
