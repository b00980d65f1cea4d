import { sql } from 'kysely';
import { createTestApp, type TestApp } from '../support/app';
import { as, createTenant, type TestTenant } from '../support/fixtures';

let t: TestApp;
let tenant: TestTenant;
beforeAll(async () => {
  t = await createTestApp();
  tenant = await createTenant(t.store, t.issuer, { memberCount: 2 });
  await member(0).post('/api/contacts/import', {
    records: [
      {
        firstName: 'Ada',
        lastName: 'Lovelace',
        email: 'ada@engines.example',
        accountName: 'Analytical Engines',
      },
      {
        firstName: 'Charles',
        lastName: 'Babbage',
        email: 'charles@engines.example',
        accountName: 'Analytical Engines',
      },
      { firstName: 'Grace', lastName: 'Hopper', email: 'grace@navy.example', accountName: 'US Navy' },
      {
        firstName: 'Alan',
        lastName: 'Turing',
        email: 'alan@bletchley.example',
        accountName: 'Bletchley Park',
      },
      { lastName: '100%_sure', email: 'percent@odd.example' },
    ],
  });
  await member(1).post('/api/contacts', {
    firstName: 'Other',
    lastName: 'Owner',
    email: 'other@owner.example',
  });
});
afterAll(() => t.close());

const admin = () => as(t.app, tenant.admin);
const member = (i = 0) => as(t.app, tenant.members[i]!);
const names = (body: { items: { lastName?: string }[] }) => body.items.map((c) => c.lastName);

describe('GET /api/contacts as the workspace lists them', () => {
  test('pages at an offset with the total, sorted by name', async () => {
    const first = (await member().get('/api/contacts?owner=me&sort=name&limit=2')).json();
    expect(first).toMatchObject({ total: 5, offset: 0, nextOffset: 2, nextCursor: null });
    expect(names(first)).toEqual(['100%_sure', 'Babbage']);
    const last = (await member().get('/api/contacts?owner=me&sort=name&limit=2&offset=4')).json();
    expect(names(last)).toEqual(['Turing']);
    expect(last.nextOffset).toBeNull();
    const desc = (await member().get('/api/contacts?owner=me&sort=name&dir=desc&limit=1')).json();
    expect(names(desc)).toEqual(['Turing']);
  });

  test('sorts by company, then name', async () => {
    const body = (await member().get('/api/contacts?owner=me&sort=company')).json();
    expect(names(body)).toEqual(['100%_sure', 'Babbage', 'Lovelace', 'Turing', 'Hopper']);
  });

  test('searches the start of first name, last name, email and company; every word must match', async () => {
    const search = async (q: string) =>
      names((await member().get(`/api/contacts?owner=me&q=${encodeURIComponent(q)}`)).json()).sort();
    expect(await search('gra')).toEqual(['Hopper']);
    expect(await search('LOVE')).toEqual(['Lovelace']);
    expect(await search('charles@')).toEqual(['Babbage']);
    expect(await search('analytical')).toEqual(['Babbage', 'Lovelace']);
    expect(await search('analytical ada')).toEqual(['Lovelace']);
    expect(await search('  ')).toHaveLength(5);
    // LIKE's wildcards are plain characters in a search.
    expect(await search('100%_')).toEqual(['100%_sure']);
    expect(await search('%')).toEqual([]);
    expect(await search('_')).toEqual([]);
  });

  test('searches use the per-field indexes', async () => {
    const big = await createTenant(t.store, t.issuer, { memberCount: 0 });
    for (let batch = 0; batch < 3; batch++) {
      const records = Array.from({ length: 1000 }, (_, i) => ({
        firstName: `F${batch}-${i}`,
        lastName: `L${batch}-${i}`,
        email: `p${batch}-${i}@x${i % 50}.example`,
        accountName: `Company ${i % 200}`,
      }));
      expect((await as(t.app, big.admin).post('/api/contacts/import', { records })).statusCode).toBe(201);
    }
    await sql`analyze contacts`.execute(t.store.db);
    const plan = await sql<{
      'QUERY PLAN': string;
    }>`explain select id from contacts where org_id = ${big.orgId}
      and (lower(data->>'email') like 'p1-42@%' or lower(data->>'accountName') like 'company 19%')`.execute(
      t.store.db,
    );
    const text = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
    expect(text).toContain('contacts_search_email');
    expect(text).toContain('contacts_search_company');
  });

  test('owner: a member sees only their own; another user needs "view all"; an admin sees all', async () => {
    expect((await member().get('/api/contacts?owner=all&sort=name')).json().total).toBe(5);
    const refused = await member().get(`/api/contacts?owner=${tenant.members[1]!.userId}&sort=name`);
    expect(refused.statusCode).toBe(403);
    expect((await admin().get('/api/contacts?owner=all&sort=name')).json().total).toBe(6);
    const theirs = (await admin().get(`/api/contacts?owner=${tenant.members[1]!.userId}&q=oth`)).json();
    expect(names(theirs)).toEqual(['Owner']);
  });

  test('bad paging or search input is a 400 naming the parameter', async () => {
    const cases: [string, string][] = [
      [`q=${'x'.repeat(101)}`, 'querystring.q'],
      ['sort=shoe', 'querystring.sort'],
      ['dir=up&sort=name', 'querystring.dir'],
      ['offset=-1', 'querystring.offset'],
      ['offset=1&cursor=0193a0b0-0000-7000-8000-000000000001', 'querystring.cursor'],
    ];
    for (const [query, field] of cases) {
      const res = await member().get(`/api/contacts?${query}`);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.message).toContain(field);
    }
  });

  test('the cursor listing without search parameters is unchanged', async () => {
    const body = (await member().get('/api/contacts?owner=me&limit=2')).json();
    expect(body.items).toHaveLength(2);
    expect(body).not.toHaveProperty('total');
    expect(typeof body.nextCursor).toBe('string');
  });

  test('the owners the caller may filter by', async () => {
    expect(
      (await member().get('/api/contacts/owners')).json().items.map((o: { id: string }) => o.id),
    ).toEqual([tenant.members[0]!.userId]);
    expect((await admin().get('/api/contacts/owners')).json().items).toHaveLength(3);
  });
});

describe('recycle bin', () => {
  test('lists deleted contacts, restores them, and deletes them for good', async () => {
    const created = (await member().post('/api/contacts', { firstName: 'Binned', lastName: 'Bin' })).json();
    const notDeleted = await member().delete(`/api/contacts/${created.id}/purge`);
    expect(notDeleted.statusCode).toBe(409);
    await member().delete(`/api/contacts/${created.id}`);
    const bin = (await member().get('/api/contacts?owner=me&deleted=true&sort=updated&dir=desc')).json();
    expect(bin.items.map((c: { id: string }) => c.id)).toContain(created.id);
    expect(bin.items[0].sync).toEqual({ state: 'not_synced', reason: 'deleted' });
    const restored = await member().post(`/api/contacts/${created.id}/restore`);
    expect(restored.json().deletedAt).toBeNull();
    await member().delete(`/api/contacts/${created.id}`);
    // Another member cannot reach it; its owner deletes it for good.
    expect((await member(1).delete(`/api/contacts/${created.id}/purge`)).statusCode).toBe(404);
    expect((await member().delete(`/api/contacts/${created.id}/purge`)).statusCode).toBe(204);
    expect((await member().get(`/api/contacts/${created.id}`)).statusCode).toBe(404);
  });

  test('a contact still linked to Outlook is not deleted for good', async () => {
    const created = (await member().post('/api/contacts', { firstName: 'Linked' })).json();
    await linkTo(tenant.members[0]!.userId, created.id);
    await member().delete(`/api/contacts/${created.id}`);
    const res = await member().delete(`/api/contacts/${created.id}/purge`);
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toContain('Outlook');
  });
});

async function linkTo(userId: string, crmId: string): Promise<void> {
  await t.store.db
    .insertInto('sync_links')
    .values({
      org_id: tenant.orgId,
      user_id: userId,
      resource: 'contacts',
      crm_id: crmId,
      graph_id: `graph-${crmId}`,
      change_key: null,
      snapshot: '{}',
      snapshot_hash: 'x',
    })
    .execute();
}

async function syncState(
  userId: string,
  values: { enabled: boolean; initial_done: boolean; crm_cursor: string | null },
) {
  await t.store.db
    .insertInto('sync_state')
    .values({ org_id: tenant.orgId, user_id: userId, resource: 'contacts', status: '{}', ...values })
    .onConflict((oc) => oc.columns(['user_id', 'resource']).doUpdateSet(values))
    .execute();
}

describe('sync status of each contact', () => {
  const statusOf = async (who: ReturnType<typeof member>, id: string) =>
    (await who.get(`/api/contacts/${id}/sync-status`)).json();

  test('imported, sync off, not yours, waiting, in Outlook, conflict, beyond the initial cap', async () => {
    const ada = (await member().get('/api/contacts?owner=me&q=ada')).json().items[0];
    expect(ada.sync).toEqual({ state: 'not_synced', reason: 'imported' });
    // A mass update makes an import eligible (the sync's own rule).
    await member().post('/api/contacts/mass-update', { ids: [ada.id], set: { title: 'Countess' } });
    expect(await statusOf(member(), ada.id)).toEqual({ state: 'not_synced', reason: 'sync_off' });
    const theirs = (await admin().get('/api/contacts?q=other')).json().items[0];
    expect(theirs.sync).toEqual({ state: 'not_synced', reason: 'not_yours' });

    const userId = tenant.members[0]!.userId;
    await syncState(userId, { enabled: true, initial_done: false, crm_cursor: null });
    expect(await statusOf(member(), ada.id)).toEqual({ state: 'waiting' });
    await linkTo(userId, ada.id);
    expect(await statusOf(member(), ada.id)).toEqual({ state: 'synced' });
    await t.store.db
      .insertInto('conflicts')
      .values({
        id: crypto.randomUUID(),
        org_id: tenant.orgId,
        user_id: userId,
        resource: 'contacts',
        crm_id: ada.id,
        field: 'title',
        crm_value: '"Countess"',
        graph_value: '"Lady"',
        winner: 'crm',
      })
      .execute();
    expect(await statusOf(member(), ada.id)).toEqual({ state: 'conflict' });

    // Left out of the initial sync by its cap and unchanged since: not sent until it changes.
    const later = (await member().post('/api/contacts', { firstName: 'Later' })).json();
    await syncState(userId, { enabled: true, initial_done: true, crm_cursor: '0' });
    expect(await statusOf(member(), later.id)).toEqual({ state: 'waiting' });
    const org = await t.store.db
      .selectFrom('orgs')
      .select('change_seq')
      .where('id', '=', tenant.orgId)
      .executeTakeFirstOrThrow();
    await syncState(userId, { enabled: true, initial_done: true, crm_cursor: String(org.change_seq) });
    expect(await statusOf(member(), later.id)).toEqual({ state: 'not_synced', reason: 'beyond_cap' });
  });
});
