import { createTestApp, type TestApp } from '../support/app';
import { as, createTenant, type TestTenant } from '../support/fixtures';

let t: TestApp;
let a: TestTenant;
let b: TestTenant;
const ids: Record<'contacts' | 'events', string> = { contacts: '', events: '' };
const bodies = {
  contacts: { lastName: 'Secret' },
  events: { title: 'Secret', start: '2026-05-01T09:00:00Z', end: '2026-05-01T10:00:00Z', timeZone: 'UTC' },
};

beforeAll(async () => {
  t = await createTestApp();
  a = await createTenant(t.store, t.issuer, { memberCount: 2 });
  b = await createTenant(t.store, t.issuer);
  for (const resource of ['contacts', 'events'] as const) {
    ids[resource] = (await as(t.app, a.members[0]!).post(`/api/${resource}`, bodies[resource])).json().id;
  }
});
afterAll(() => t.close());

describe.each(['contacts', 'events'] as const)(
  '%s of organisation A are invisible to organisation B',
  (resource) => {
    const intruder = () => as(t.app, b.admin);
    const owner = () => as(t.app, a.members[0]!);

    test('read → 404', async () => {
      const res = await intruder().get(`/api/${resource}/${ids[resource]}`);
      expect(res.statusCode).toBe(404);
      expect(res.body).not.toContain('Secret');
    });

    test('update, delete, restore and mass update → 404, and nothing changes', async () => {
      const id = ids[resource];
      expect((await intruder().patch(`/api/${resource}/${id}`, { description: 'hacked' })).statusCode).toBe(
        404,
      );
      expect((await intruder().delete(`/api/${resource}/${id}`)).statusCode).toBe(404);
      expect((await intruder().post(`/api/${resource}/${id}/restore`)).statusCode).toBe(404);
      expect(
        (await intruder().post(`/api/${resource}/mass-update`, { ids: [id], set: { description: 'hacked' } }))
          .statusCode,
      ).toBe(404);
      const record = (await owner().get(`/api/${resource}/${id}`)).json();
      expect(record).toMatchObject({ version: 1, deletedAt: null });
      expect(record.description).toBeUndefined();
    });

    test('list, recycle bin and change feed show nothing of A', async () => {
      for (const url of [`/api/${resource}?owner=all`, `/api/${resource}?owner=all&deleted=true`]) {
        expect((await intruder().get(url)).json().items).toEqual([]);
      }
      expect((await intruder().get(`/api/changes?resource=${resource}&owner=all`)).json().changes).toEqual(
        [],
      );
    });

    test("B cannot create records owned by A's users", async () => {
      const res = await intruder().post(`/api/${resource}`, {
        ...bodies[resource],
        ownerId: a.members[0]!.userId,
      });
      expect(res.statusCode).toBe(400);
      const imported = await intruder().post(`/api/${resource}/import`, {
        records: [{ ...bodies[resource], ownerId: a.members[0]!.userId }],
      });
      expect(imported.statusCode).toBe(400);
    });
  },
);

describe.each(['contacts', 'events'] as const)('"my %s": a standard user sees only their own', (resource) => {
  const colleague = () => as(t.app, a.members[1]!);

  test("a colleague without view-all cannot read, list, change or delete another user's record", async () => {
    const id = ids[resource];
    expect((await colleague().get(`/api/${resource}/${id}`)).statusCode).toBe(404);
    expect((await colleague().patch(`/api/${resource}/${id}`, { description: 'x' })).statusCode).toBe(404);
    expect((await colleague().delete(`/api/${resource}/${id}`)).statusCode).toBe(404);
    expect((await colleague().get(`/api/${resource}?owner=all`)).json().items).toEqual([]);
    expect((await colleague().get(`/api/changes?resource=${resource}&owner=all`)).json().changes).toEqual([]);
    expect((await colleague().get(`/api/${resource}?owner=${a.members[0]!.userId}`)).statusCode).toBe(403);
  });

  test("the super admin sees everyone's, but owner=me is still only their own", async () => {
    const admin = as(t.app, a.admin);
    expect((await admin.get(`/api/${resource}/${ids[resource]}`)).statusCode).toBe(200);
    expect(
      (await admin.get(`/api/${resource}?owner=all`)).json().items.map((r: { id: string }) => r.id),
    ).toContain(ids[resource]);
    expect((await admin.get(`/api/${resource}?owner=me`)).json().items).toEqual([]);
    expect((await admin.get(`/api/changes?resource=${resource}&owner=me`)).json().changes).toEqual([]);
  });
});
