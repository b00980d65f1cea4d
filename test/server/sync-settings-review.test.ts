import { createTestApp, type TestApp } from '../support/app';
import { as, createTenant, type TestTenant, type TestUser } from '../support/fixtures';

/**
 * What the "Microsoft integration" page offers beyond the engine's own routes: keeping one side's
 * value of a conflict, the imported records that do not sync (and the mass update that makes them
 * sync), and runs that failed.
 */

let t: TestApp;
let tenant: TestTenant;
let other: TestTenant;
beforeAll(async () => {
  t = await createTestApp();
  tenant = await createTenant(t.store, t.issuer, { memberCount: 3 });
  other = await createTenant(t.store, t.issuer, { memberCount: 1 });
});
afterAll(() => t.close());

const errorOf = (res: { json: () => unknown }) =>
  (res.json() as { error: { code: string; message: string } }).error;

/** A conflict on `field` of a record, as a sync run records it (the winner's value on both sides). */
async function recordConflict(
  user: TestUser,
  resource: 'contacts' | 'calendar',
  crmId: string,
  conflict: { field: string; crmValue: unknown; graphValue: unknown; winner: 'crm' | 'graph' },
): Promise<string> {
  const api = as(t.app, user);
  const res = await api.post(`/api/sync/${resource}/commits`, {
    commits: [
      {
        link: { op: 'save', crmId, graphId: `g-${crmId}`, snapshot: {}, changeKey: null },
        conflicts: [{ crmId, ...conflict }],
      },
    ],
  });
  expect(res.json().outcomes).toEqual([{ ok: true, value: { crmId } }]);
  const items = (await api.get(`/api/sync/${resource}/conflicts`)).json().items as {
    id: string;
    crmId: string;
    field: string;
  }[];
  return items.find((c) => c.crmId === crmId && c.field === conflict.field)!.id;
}

describe('choosing a conflict’s value', () => {
  test('the Outlook value is written into the record as an edit, and the conflict closes', async () => {
    const owner = tenant.members[0]!;
    const api = as(t.app, owner);
    const crmAddress = { street: 'Carrer de Mallorca 401', city: 'Barcelona', postalCode: '08013' };
    const outlookAddress = { street: 'Gran Via 1', city: 'Madrid', postalCode: '28013', country: 'Spain' };
    const contact = (
      await api.post('/api/contacts', { firstName: 'Pau', lastName: 'Roca', mailingAddress: crmAddress })
    ).json();
    const id = await recordConflict(owner, 'contacts', contact.id, {
      field: 'mailingAddress',
      crmValue: crmAddress,
      graphValue: outlookAddress,
      winner: 'crm',
    });
    const feedBefore = (await api.get('/api/changes?resource=contacts&owner=me')).json();

    const res = await api.post(`/api/sync/contacts/conflicts/${id}/resolve`, { use: 'graph' });
    expect(res.statusCode).toBe(204);

    const after = (await api.get(`/api/contacts/${contact.id}`)).json();
    expect(after.mailingAddress).toEqual(outlookAddress);
    expect(after.firstName).toBe('Pau');
    expect(after.version).toBe(contact.version + 1);
    // An ordinary edit: the change feed carries it, so the next run takes it to Outlook.
    const feed = (
      await api.get(`/api/changes?resource=contacts&owner=me&cursor=${feedBefore.cursor}`)
    ).json();
    expect(feed.changes.map((c: { id: string }) => c.id)).toEqual([contact.id]);
    expect((await api.get('/api/sync/contacts/conflicts')).json().items).toEqual([]);
    // Settled once: choosing again finds nothing open.
    expect((await api.post(`/api/sync/contacts/conflicts/${id}/resolve`, { use: 'crm' })).statusCode).toBe(
      404,
    );
  });

  test('keeping the Tandem value of an event closes the conflict and leaves the record as it is', async () => {
    const owner = tenant.members[1]!;
    const api = as(t.app, owner);
    const start = '2026-12-01T09:00:00.000Z';
    const event = (
      await api.post('/api/events', {
        title: 'Review',
        timeZone: 'Europe/Madrid',
        start,
        end: '2026-12-01T10:00:00.000Z',
      })
    ).json();
    const id = await recordConflict(owner, 'calendar', event.id, {
      field: 'title',
      crmValue: 'Review',
      graphValue: 'Quarterly review',
      winner: 'graph',
    });
    expect((await api.post(`/api/sync/calendar/conflicts/${id}/resolve`, { use: 'crm' })).statusCode).toBe(
      204,
    );
    expect((await api.get(`/api/events/${event.id}`)).json().title).toBe('Review');
    expect((await api.get('/api/sync')).json().calendar.openConflicts).toBe(0);
  });

  test('another user’s conflict is not found; bad input names the field; a deleted record says so', async () => {
    const owner = tenant.members[2]!;
    const api = as(t.app, owner);
    const contact = (await api.post('/api/contacts', { firstName: 'Ona', email: 'ona@example.org' })).json();
    const id = await recordConflict(owner, 'contacts', contact.id, {
      field: 'email',
      crmValue: 'ona@example.org',
      graphValue: 'ona@example.com',
      winner: 'crm',
    });
    for (const [who, resource] of [
      [tenant.members[0]!, 'contacts'],
      [other.members[0]!, 'contacts'],
      [owner, 'calendar'],
    ] as const) {
      const res = await as(t.app, who).post(`/api/sync/${resource}/conflicts/${id}/resolve`, {
        use: 'graph',
      });
      expect(res.statusCode).toBe(404);
    }
    const bad = await api.post(`/api/sync/contacts/conflicts/${id}/resolve`, { use: 'both' });
    expect(bad.statusCode).toBe(400);
    expect(errorOf(bad).message).toContain('body.use');
    expect(
      errorOf(await api.post(`/api/sync/contacts/conflicts/x/resolve`, { use: 'crm' })).message,
    ).toContain('params.id');

    await api.delete(`/api/contacts/${contact.id}`);
    const gone = await api.post(`/api/sync/contacts/conflicts/${id}/resolve`, { use: 'graph' });
    expect(gone.statusCode).toBe(409);
    expect(errorOf(gone).code).toBe('record_deleted');
    // Nothing was settled: it can still be dismissed.
    expect((await api.post(`/api/sync/contacts/conflicts/${id}/dismiss`)).statusCode).toBe(204);
  });
});

describe('imported records', () => {
  test('counted on the page, listed for the mass update, and syncing once mass-updated', async () => {
    const owner = as(t.app, other.admin);
    const imported = (
      await owner.post('/api/contacts/import', {
        records: [{ firstName: 'Iker' }, { firstName: 'Maite' }, { firstName: 'Nerea' }],
      })
    ).json();
    await owner.post('/api/events/import', {
      records: [
        { title: 'Old fair', timeZone: 'UTC', start: '2025-01-01T09:00:00Z', end: '2025-01-01T10:00:00Z' },
      ],
      origin: 'migration',
    });
    await owner.post('/api/contacts', { firstName: 'Typed in' });
    // Another user's imports are theirs.
    await as(t.app, other.members[0]!).post('/api/contacts/import', { records: [{ firstName: 'Xabi' }] });

    expect((await owner.get('/api/sync')).json()).toMatchObject({
      contacts: { importedNotSynced: 3 },
      calendar: { importedNotSynced: 1 },
    });
    const page = (await owner.get('/api/sync/contacts/imported?limit=2')).json();
    expect(page.total).toBe(3);
    expect(page.ids).toHaveLength(2);
    expect(imported.ids).toEqual(expect.arrayContaining(page.ids));

    const all = (await owner.get('/api/sync/contacts/imported')).json();
    expect((await owner.post('/api/contacts/mass-update', { ids: all.ids, set: {} })).json()).toEqual({
      updated: 3,
    });
    expect((await owner.get('/api/sync')).json().contacts.importedNotSynced).toBe(0);
    expect((await owner.get('/api/sync/contacts/imported')).json()).toEqual({ ids: [], total: 0 });
    // Now eligible: the engine's initial listing holds them.
    const eligible = (await owner.get('/api/sync/contacts/eligible?limit=100')).json();
    expect(eligible.records.map((r: { crmId: string }) => r.crmId)).toEqual(
      expect.arrayContaining(imported.ids),
    );
    expect(errorOf(await owner.get('/api/sync/contacts/imported?limit=5000')).message).toContain(
      'querystring.limit',
    );
  });
});

describe('failed runs', () => {
  test('a run that failed is recorded as failed, with its reason and details', async () => {
    const api = as(t.app, tenant.members[0]!);
    await api.post('/api/sync/calendar/runs', {
      mode: 'incremental',
      outcome: 'done',
      applied: {},
      conflicts: 0,
      failures: [],
      refused: null,
    });
    const message = 'GET /graph/v1.0/me/calendars/AAMk/calendarView/delta: 503 serviceNotAvailable';
    const res = await api.post('/api/sync/calendar/runs', {
      mode: 'incremental',
      outcome: 'failed',
      applied: {},
      conflicts: 0,
      failures: [],
      refused: null,
      error: { reason: 'unavailable', message },
    });
    expect(res.statusCode).toBe(201);
    expect((await api.get('/api/sync')).json().calendar.lastRun).toMatchObject({
      outcome: 'failed',
      error: { reason: 'unavailable', message },
    });
  });

  test('a failed run needs its reason, and only a failed run has one', async () => {
    const api = as(t.app, tenant.members[0]!);
    const base = { mode: 'initial', applied: {}, conflicts: 0, failures: [], refused: null };
    const cases: [unknown, string][] = [
      [{ ...base, outcome: 'failed' }, 'body.error'],
      [{ ...base, outcome: 'done', error: { reason: 'auth', message: 'x' } }, 'body.error'],
      [{ ...base, outcome: 'failed', error: { reason: 'sad', message: 'x' } }, 'body.error.reason'],
      [
        { ...base, outcome: 'failed', error: { reason: 'auth', message: 'x'.repeat(2001) } },
        'body.error.message',
      ],
    ];
    for (const [body, field] of cases) {
      const res = await api.post('/api/sync/contacts/runs', body);
      expect(res.statusCode).toBe(400);
      expect(errorOf(res).message).toContain(field);
    }
  });
});
