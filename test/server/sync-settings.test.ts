import type { AddressInfo } from 'node:net';
import { DEFAULT_CONTACT_FIELD_MAPPING } from '../../src/domain/contact-field-mapping';
import { GRAPH_CONTACT_FIELDS } from '../../src/domain/graph-contact-fields';
import { SyncEngine, type SyncReport } from '../../src/sync/engine';
import { HttpCrmPort } from '../../src/sync/http-crm-port';
import { createTestApp, type TestApp } from '../support/app';
import { as as asUser, createTenant, type TestTenant, type TestUser } from '../support/fixtures';
import { FakeGraph } from '../sync/support/fake-ports';

/** The "Microsoft integration" page's API: status and last runs, the contact field mapping, conflicts. */

let t: TestApp;
let baseUrl: string;
let tenant: TestTenant;
let other: TestTenant;
beforeAll(async () => {
  t = await createTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  tenant = await createTenant(t.store, t.issuer, { memberCount: 4 });
  other = await createTenant(t.store, t.issuer, { memberCount: 1 });
});
afterAll(() => t.close());

/** The shared request helper, plus PUT. */
function as(app: TestApp['app'], user: { token: string }) {
  return {
    ...asUser(app, user),
    put: (url: string, body: unknown) =>
      app.inject({
        method: 'PUT',
        url,
        headers: { authorization: `Bearer ${user.token}` },
        payload: body as object,
      }),
  };
}

const member = (i = 0) => as(t.app, tenant.members[i]!);
const errorOf = (res: { json: () => unknown }) =>
  (res.json() as { error: { code: string; message: string } }).error;
const crmPort = (user: TestUser) =>
  new HttpCrmPort({ baseUrl, resource: 'contacts', token: async () => user.token });

function report(overrides: Partial<SyncReport> = {}): SyncReport {
  return {
    resource: 'contacts',
    mode: 'initial',
    outcome: 'done',
    applied: { createGraph: 12, createCrm: 3 },
    conflicts: 1,
    failures: [],
    refused: null,
    ...overrides,
  };
}

describe('status and last runs', () => {
  test('nothing set up: both resources off, no last run', async () => {
    expect((await member(0).get('/api/sync')).json()).toEqual({
      calendar: {
        enabled: false,
        initialDone: false,
        running: false,
        lastRun: null,
        openConflicts: 0,
        importedNotSynced: 0,
        health: null,
      },
      contacts: {
        enabled: false,
        initialDone: false,
        running: false,
        lastRun: null,
        openConflicts: 0,
        importedNotSynced: 0,
        health: null,
      },
    });
  });

  test('a runner records its report; the page shows it with the exact failure count', async () => {
    const user = member(1);
    const failures = Array.from({ length: 25 }, (_, i) => ({
      action: 'createCrm' as const,
      id: `g-${i}`,
      kind: 'invalid' as const,
      message: 'A contact needs a name, email or company.',
    }));
    const res = await user.post('/api/sync/contacts/runs', {
      ...report({ outcome: 'partial', failures }),
      startedAt: '2026-11-25T10:00:00.000Z',
    });
    expect(res.statusCode).toBe(201);
    await user.post('/api/sync/calendar/lease', { holder: 'taskpane', ttlMs: 60_000 });
    await user.patch('/api/sync/calendar/state', { enabled: true, initialDone: true });

    const status = (await user.get('/api/sync')).json();
    expect(status.contacts).toEqual({
      enabled: false,
      initialDone: false,
      running: false,
      openConflicts: 0,
      importedNotSynced: 0,
      health: null,
      lastRun: {
        at: expect.any(String),
        startedAt: '2026-11-25T10:00:00.000Z',
        mode: 'initial',
        outcome: 'partial',
        applied: { createGraph: 12, createCrm: 3 },
        conflicts: 1,
        failureCount: 25,
        failures: failures.slice(0, 20),
        refused: null,
      },
    });
    expect(Date.now() - Date.parse(status.contacts.lastRun.at)).toBeLessThan(60_000);
    expect(status.calendar).toMatchObject({
      enabled: true,
      initialDone: true,
      running: true,
      lastRun: null,
    });

    // A runner may send only the first failures with the full count.
    await user.post(
      '/api/sync/calendar/runs',
      report({
        resource: 'calendar',
        failures: failures.slice(0, 2),
        failureCount: 3000,
      } as Partial<SyncReport>),
    );
    expect((await user.get('/api/sync')).json().calendar.lastRun).toMatchObject({
      failureCount: 3000,
      failures: failures.slice(0, 2),
    });

    // The next run replaces it.
    await user.post('/api/sync/contacts/runs', report({ mode: 'incremental', applied: {}, conflicts: 0 }));
    expect((await user.get('/api/sync')).json().contacts.lastRun).toMatchObject({
      mode: 'incremental',
      outcome: 'done',
      failureCount: 0,
      startedAt: null,
    });
    // Another user of the organisation sees nothing of it.
    expect((await member(0).get('/api/sync')).json().contacts.lastRun).toBeNull();
  });

  test('a report that is not the engine’s shape is refused', async () => {
    const cases: [unknown, string][] = [
      [{ ...report(), outcome: 'fine' }, 'body.outcome'],
      [{ ...report(), applied: { teleport: 1 } }, 'body.applied.teleport is not a known field'],
      [{ ...report(), conflicts: -1 }, 'body.conflicts must be >= 0'],
      [{ ...report(), resource: 'calendar' }, 'body.resource is calendar, but this is the contacts sync'],
      [{ ...report(), refused: { reason: 'tired' } }, 'body.refused'],
    ];
    for (const [body, message] of cases) {
      const res = await member(1).post('/api/sync/contacts/runs', body);
      expect(res.statusCode).toBe(400);
      expect(errorOf(res).message).toContain(message);
    }
  });
});

describe('contact field mapping', () => {
  test('the default mapping, both catalogues, and per CRM field the targets the editor may offer', async () => {
    const body = (await member(0).get('/api/sync/contacts/mapping')).json();
    expect(body.mapping).toEqual(DEFAULT_CONTACT_FIELD_MAPPING);
    expect(body.isDefault).toBe(true);
    expect(body.crmFields.map((f: { key: string }) => f.key)).toContain('fax');
    const offered = new Set<string>(Object.values(body.targets as Record<string, string[]>).flat());
    // Only fields Graph v1.0 exposes and the sync lets users map: never displayName or the lists.
    const mappable = new Set(GRAPH_CONTACT_FIELDS.filter((g) => g.mappable).map((g) => g.id));
    for (const id of offered) expect(mappable.has(id)).toBe(true);
    for (const never of ['displayName', 'categories', 'children', 'gender', 'weddingAnniversary']) {
      expect(offered.has(never)).toBe(false);
      expect(body.graphFields.map((g: { id: string }) => g.id)).not.toContain(never);
    }
    // Type-compatible and not taken by another CRM field: email may go to the free third address slot.
    expect(body.targets.email).toEqual(['emailAddresses[0]', 'emailAddresses[2]']);
    expect(body.targets.email).not.toContain('mobilePhone');
    // The fax has no v1.0 counterpart, and every phone target is already taken by the default mapping.
    expect(body.targets.fax).toEqual(['businessPhones[1]', 'homePhones[1]']);
  });

  test('an org custom field is offered, and a mapping to it is accepted', async () => {
    await t.store.db
      .insertInto('custom_fields')
      .values({
        id: '00000000-0000-7000-8000-0000000000c1',
        org_id: tenant.orgId,
        resource: 'contacts',
        key: 'nickname',
        label: 'Nickname',
        type: 'string',
      })
      .execute();
    const body = (await member(2).get('/api/sync/contacts/mapping')).json();
    expect(body.customFields).toEqual([{ key: 'nickname', label: 'Nickname', type: 'string' }]);
    expect(body.targets['custom.nickname']).toContain('nickName');
    const saved = await member(2).put('/api/sync/contacts/mapping', {
      mapping: { ...DEFAULT_CONTACT_FIELD_MAPPING, 'custom.nickname': 'nickName' },
    });
    expect(saved.statusCode).toBe(200);
    expect(saved.json().mapping['custom.nickname']).toBe('nickName');
    // The other organisation has no such field.
    const refused = await as(t.app, other.admin).put('/api/sync/contacts/mapping', {
      mapping: { 'custom.nickname': 'nickName' },
    });
    expect(refused.statusCode).toBe(400);
    expect(errorOf(refused).message).toBe(
      'custom.nickname is not a custom contact field of your organisation',
    );
  });

  test('an invalid mapping is refused with every problem named; nothing is stored', async () => {
    const res = await member(3).put('/api/sync/contacts/mapping', {
      mapping: { email: 'mobilePhone', firstName: 'gender', lastName: 'displayName', shoeSize: 'givenName' },
    });
    expect(res.statusCode).toBe(400);
    expect(errorOf(res)).toEqual({
      code: 'invalid_mapping',
      message: [
        'email (email) cannot map to mobilePhone (phone)',
        'firstName: gender is not a contact field Microsoft Graph exposes',
        'lastName: displayName is managed by the sync and cannot be mapped',
        'shoeSize is not a CRM contact field',
      ].join('; '),
    });
    const twice = await member(3).put('/api/sync/contacts/mapping', {
      mapping: { firstName: 'givenName', lastName: 'givenName' },
    });
    expect(errorOf(twice).message).toBe('lastName: givenName is already mapped to firstName');
    for (const body of [{}, { mapping: ['givenName'] }, { mapping: { firstName: 3 } }]) {
      const bad = await member(3).put('/api/sync/contacts/mapping', body);
      expect(bad.statusCode).toBe(400);
      expect(errorOf(bad).message).toMatch(/^body\.mapping/);
    }
    expect((await member(3).get('/api/sync/contacts/mapping')).json().isDefault).toBe(true);
  });

  test('save, read back, reset; mine only', async () => {
    const mapping = { firstName: 'givenName', lastName: 'surname', email: 'emailAddresses[0]' };
    const saved = await member(3).put('/api/sync/contacts/mapping', { mapping });
    expect(saved.json()).toMatchObject({ mapping, isDefault: false });
    expect((await member(3).get('/api/sync/contacts/mapping')).json()).toMatchObject({
      mapping,
      isDefault: false,
    });
    expect((await member(1).get('/api/sync/contacts/mapping')).json().isDefault).toBe(true);
    const reset = await member(3).delete('/api/sync/contacts/mapping');
    expect(reset.statusCode).toBe(200);
    expect(reset.json()).toMatchObject({ mapping: DEFAULT_CONTACT_FIELD_MAPPING, isDefault: true });
  });

  test('a changed mapping takes effect on the next run, in both directions of the snapshot', async () => {
    const user = tenant.admin;
    const api = as(t.app, user);
    const { department: _dropped, ...withoutDepartment } = DEFAULT_CONTACT_FIELD_MAPPING;
    await api.put('/api/sync/contacts/mapping', { mapping: withoutDepartment });
    const ada = (
      await api.post('/api/contacts', { firstName: 'Ada', department: 'Research', title: 'Mathematician' })
    ).json();

    const graph = new FakeGraph();
    const engine = () => new SyncEngine({ resource: 'contacts', graph, crm: crmPort(user) });
    expect(await engine().activate()).toMatchObject({ outcome: 'done', applied: { createGraph: 1 } });
    const [item] = [...graph.items.values()];
    expect(item!.snapshot).toEqual({ firstName: 'Ada', title: 'Mathematician' });

    // Department becomes mapped and the job title leaves the mapping.
    const { title: _title, ...changed } = DEFAULT_CONTACT_FIELD_MAPPING;
    expect((await api.put('/api/sync/contacts/mapping', { mapping: changed })).statusCode).toBe(200);
    expect((await api.get('/api/sync/contacts/state')).json().graphCursor).toBeNull();
    expect((await engine().sync()).applied).toEqual({ update: 1 });
    expect(item!.snapshot).toMatchObject({ firstName: 'Ada', department: 'Research' });
    const [linked] = (await api.get('/api/sync/contacts/links')).json().links;
    expect(linked).toMatchObject({ crmId: ada.id, snapshot: { firstName: 'Ada', department: 'Research' } });
    expect(linked.snapshot.title).toBeUndefined();
    // Done once: the run after that has nothing to do.
    expect((await engine().sync()).applied).toEqual({});
  });

  test('the mapping cannot change under a running sync', async () => {
    const api = member(0);
    await api.post('/api/sync/contacts/lease', { holder: 'cli', ttlMs: 60_000 });
    const res = await api.put('/api/sync/contacts/mapping', { mapping: { firstName: 'givenName' } });
    expect(res.statusCode).toBe(409);
    expect(errorOf(res).code).toBe('sync_running');
    // Saving the same mapping again is no change and goes through.
    expect(
      (await api.put('/api/sync/contacts/mapping', { mapping: DEFAULT_CONTACT_FIELD_MAPPING })).statusCode,
    ).toBe(200);
    await api.post('/api/sync/contacts/lease/release', { holder: 'cli' });
    expect(
      (await api.put('/api/sync/contacts/mapping', { mapping: { firstName: 'givenName' } })).statusCode,
    ).toBe(200);
  });
});

describe('conflicts', () => {
  const crmId = '00000000-0000-7000-8000-0000000000d1';
  async function recordConflict(user: TestUser, resource: 'contacts' | 'calendar', field: string) {
    const res = await as(t.app, user).post(`/api/sync/${resource}/commits`, {
      commits: [
        {
          link: { op: 'save', crmId, graphId: `g-${field}`, snapshot: { [field]: 'crm' }, changeKey: null },
          conflicts: [{ crmId, field, crmValue: 'crm', graphValue: { text: 'outlook' }, winner: 'crm' }],
        },
      ],
    });
    expect(res.json().outcomes).toEqual([{ ok: true, value: { crmId } }]);
  }

  test('listed with the losing value, dismissed one by one, and never another user’s', async () => {
    const owner = tenant.members[1]!;
    await recordConflict(owner, 'contacts', 'email');
    await recordConflict(owner, 'contacts', 'phone');
    await recordConflict(owner, 'calendar', 'title');
    await recordConflict(other.members[0]!, 'contacts', 'email');

    const list = (await as(t.app, owner).get('/api/sync/contacts/conflicts')).json();
    expect(list).toEqual({
      items: [
        expect.objectContaining({ field: 'phone' }),
        {
          id: expect.any(String),
          crmId,
          record: null,
          field: 'email',
          crmValue: 'crm',
          graphValue: { text: 'outlook' },
          winner: 'crm',
          losingValue: { text: 'outlook' },
          createdAt: expect.any(String),
        },
      ],
      next: null,
    });
    const paged = (await as(t.app, owner).get('/api/sync/contacts/conflicts?limit=1')).json();
    expect(paged.items.map((c: { field: string }) => c.field)).toEqual(['phone']);
    const rest = (
      await as(t.app, owner).get(`/api/sync/contacts/conflicts?limit=1&before=${paged.next}`)
    ).json();
    expect(rest).toEqual({ items: [expect.objectContaining({ field: 'email' })], next: null });
    expect((await as(t.app, owner).get('/api/sync')).json()).toMatchObject({
      contacts: { openConflicts: 2 },
      calendar: { openConflicts: 1 },
    });

    const emailId = list.items[1].id;
    // Not visible to anyone else, nor under the other resource.
    for (const [who, resource] of [
      [tenant.members[0]!, 'contacts'],
      [other.admin, 'contacts'],
      [owner, 'calendar'],
    ] as const) {
      const res = await as(t.app, who).post(`/api/sync/${resource}/conflicts/${emailId}/dismiss`);
      expect(res.statusCode).toBe(404);
    }
    expect((await member(0).get('/api/sync/contacts/conflicts')).json().items).toEqual([]);
    expect((await as(t.app, owner).post(`/api/sync/contacts/conflicts/${emailId}/dismiss`)).statusCode).toBe(
      204,
    );
    expect((await as(t.app, owner).get('/api/sync/contacts/conflicts')).json().items).toEqual([
      expect.objectContaining({ field: 'phone' }),
    ]);
    expect((await as(t.app, owner).get('/api/sync')).json().contacts.openConflicts).toBe(1);
  });

  test('each conflict names its record as the page shows it', async () => {
    const owner = as(t.app, tenant.members[2]!);
    const ada = (await owner.post('/api/contacts', { firstName: 'Ada', lastName: 'Lovelace' })).json();
    await owner.post('/api/sync/contacts/commits', {
      commits: [
        {
          link: {
            op: 'save',
            crmId: ada.id,
            graphId: 'g-ada',
            snapshot: { firstName: 'Ada' },
            changeKey: null,
          },
          conflicts: [
            { crmId: ada.id, field: 'lastName', crmValue: 'Lovelace', graphValue: 'Byron', winner: 'crm' },
          ],
        },
      ],
    });
    await owner.delete(`/api/contacts/${ada.id}`);
    const [item] = (await owner.get('/api/sync/contacts/conflicts')).json().items;
    expect(item).toMatchObject({
      crmId: ada.id,
      record: { label: 'Ada Lovelace', deleted: true },
      losingValue: 'Byron',
    });
  });

  test('bad ids and paging input are 400', async () => {
    const owner = as(t.app, tenant.members[1]!);
    expect(errorOf(await owner.post('/api/sync/contacts/conflicts/42/dismiss')).message).toContain(
      'params.id',
    );
    expect(errorOf(await owner.get('/api/sync/contacts/conflicts?limit=0')).message).toBe(
      'querystring.limit must be >= 1',
    );
    expect(errorOf(await owner.get('/api/sync/contacts/conflicts?before=x')).message).toContain(
      'querystring.before',
    );
  });
});
