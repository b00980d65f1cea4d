import { createTestApp, type TestApp } from '../support/app';
import { as, createTenant, type TestTenant } from '../support/fixtures';

let t: TestApp;
let tenant: TestTenant;
beforeAll(async () => {
  t = await createTestApp();
  tenant = await createTenant(t.store, t.issuer, { memberCount: 2 });
});
afterAll(() => t.close());

const admin = () => as(t.app, tenant.admin);
const member = (i = 0) => as(t.app, tenant.members[i]!);

const fullContact = {
  salutation: 'Ms.',
  firstName: 'Ada',
  middleName: 'King',
  lastName: 'Lovelace',
  email: 'ada@example.com',
  secondaryEmail: 'ada.k@example.org',
  phone: '+44 20 1234 5678',
  mobilePhone: '+44 7700 900123',
  homePhone: '+44 20 8765 4321',
  otherPhone: '+44 20 0000 0000',
  fax: '+44 20 1111 1111',
  accountName: 'Analytical Engines Ltd',
  title: 'Mathematician',
  department: 'Research',
  assistantName: 'Charles',
  mailingAddress: {
    street: '12 St James Sq',
    city: 'London',
    state: 'London',
    postalCode: 'SW1Y 4JH',
    country: 'UK',
  },
  otherAddress: { city: 'Marylebone', country: 'UK' },
  birthdate: '1815-12-10',
  website: 'https://example.com/ada',
  description: 'First programmer.',
};

describe('contacts', () => {
  test('create returns every field with bookkeeping, and get reads it back with its ETag', async () => {
    const res = await member().post('/api/contacts', fullContact);
    expect(res.statusCode).toBe(201);
    const created = res.json();
    expect(created).toMatchObject({
      ...fullContact,
      ownerId: tenant.members[0]!.userId,
      origin: 'api',
      version: 1,
      deletedAt: null,
    });
    const read = await member().get(`/api/contacts/${created.id}`);
    expect(read.statusCode).toBe(200);
    expect(read.headers.etag).toBe('"1"');
    expect(read.json()).toEqual(created);
  });

  test('update with the current version applies; a stale If-Match → 412 and nothing changes', async () => {
    const { id } = (await member().post('/api/contacts', { lastName: 'Hopper' })).json();
    const ok = await member().patch(`/api/contacts/${id}`, { firstName: 'Grace' }, { 'if-match': '"1"' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ firstName: 'Grace', lastName: 'Hopper', version: 2 });
    const stale = await member().patch(
      `/api/contacts/${id}`,
      { firstName: 'Amazing Grace' },
      { 'if-match': '"1"' },
    );
    expect(stale.statusCode).toBe(412);
    expect((await member().get(`/api/contacts/${id}`)).json()).toMatchObject({
      firstName: 'Grace',
      version: 2,
    });
  });

  test('null clears a field; an update that changes nothing does not bump the version', async () => {
    const { id } = (await member().post('/api/contacts', { lastName: 'Turing', title: 'Dr' })).json();
    const cleared = (await member().patch(`/api/contacts/${id}`, { title: null })).json();
    expect(cleared.title).toBeUndefined();
    expect(cleared.version).toBe(2);
    const same = (await member().patch(`/api/contacts/${id}`, { lastName: 'Turing' })).json();
    expect(same.version).toBe(2);
  });

  test('delete is soft: the recycle bin lists it and restore brings it back', async () => {
    const { id } = (await member().post('/api/contacts', { lastName: 'Deleted' })).json();
    expect((await member().delete(`/api/contacts/${id}`)).statusCode).toBe(204);
    const live = (await member().get('/api/contacts?owner=me&limit=200')).json();
    expect(live.items.map((c: { id: string }) => c.id)).not.toContain(id);
    const bin = (await member().get('/api/contacts?owner=me&deleted=true')).json();
    expect(bin.items.map((c: { id: string }) => c.id)).toContain(id);
    expect((await member().patch(`/api/contacts/${id}`, { lastName: 'x' })).statusCode).toBe(404);
    const restored = await member().post(`/api/contacts/${id}/restore`);
    expect(restored.statusCode).toBe(200);
    expect(restored.json()).toMatchObject({ lastName: 'Deleted', deletedAt: null });
  });

  test('list pages through every record once', async () => {
    const user = member(1);
    const ids: string[] = [];
    for (let i = 0; i < 7; i++)
      ids.push((await user.post('/api/contacts', { lastName: `Page ${i}` })).json().id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { id: string }[]; nextCursor: string | null } = (
        await user.get(`/api/contacts?owner=me&limit=3${cursor ? `&cursor=${cursor}` : ''}`)
      ).json();
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((c) => c.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(ids);
  });

  test('bulk import creates every record with origin import, or none on a bad one', async () => {
    const ok = await member().post('/api/contacts/import', {
      records: [{ lastName: 'A' }, { lastName: 'B' }],
    });
    expect(ok.statusCode).toBe(201);
    expect(ok.json().count).toBe(2);
    const first = (await member().get(`/api/contacts/${ok.json().ids[0]}`)).json();
    expect(first.origin).toBe('import');
    const migrated = await member().post('/api/contacts/import', {
      records: [{ lastName: 'M' }],
      origin: 'migration',
    });
    expect((await member().get(`/api/contacts/${migrated.json().ids[0]}`)).json().origin).toBe('migration');

    const before = (await member().get('/api/changes?resource=contacts&owner=me')).json().cursor;
    const bad = await member().post('/api/contacts/import', {
      records: [{ lastName: 'C' }, { email: 'not-an-email' }],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/records\.1\.email/);
    const noName = await member().post('/api/contacts/import', {
      records: [{ lastName: 'C' }, { title: 'nameless' }],
    });
    expect(noName.statusCode).toBe(400);
    expect(noName.json().error.message).toMatch(/records\[1\]/);
    expect(
      (await member().get(`/api/changes?resource=contacts&owner=me&cursor=${before}`)).json().changes,
    ).toEqual([]);
  });

  test('mass update applies the change and stamps massUpdatedAt', async () => {
    const { ids } = (
      await member().post('/api/contacts/import', { records: [{ lastName: 'X' }, { lastName: 'Y' }] })
    ).json();
    const res = await member().post('/api/contacts/mass-update', { ids, set: { department: 'Sales' } });
    expect(res.json()).toEqual({ updated: 2 });
    for (const id of ids) {
      const c = (await member().get(`/api/contacts/${id}`)).json();
      expect(c).toMatchObject({ department: 'Sales', origin: 'import', version: 2 });
      expect(c.massUpdatedAt).toEqual(expect.any(String));
    }
  });

  test('custom fields must be defined by the organisation and typed right', async () => {
    await t.store.db
      .insertInto('custom_fields')
      .values({
        id: crypto.randomUUID(),
        org_id: tenant.orgId,
        resource: 'contacts',
        key: 'tier',
        label: 'Tier',
        type: 'number',
      })
      .execute();
    const ok = await member().post('/api/contacts', { lastName: 'Custom', custom: { tier: 2 } });
    expect(ok.statusCode).toBe(201);
    expect(ok.json().custom).toEqual({ tier: 2 });
    expect(
      (await member().post('/api/contacts', { lastName: 'C', custom: { tier: 'gold' } })).json().error
        .message,
    ).toMatch(/custom\.tier must be a number/);
    expect(
      (await member().post('/api/contacts', { lastName: 'C', custom: { unknownKey: 1 } })).statusCode,
    ).toBe(400);
  });
});

describe('bad input is refused with a message naming the field, and writes nothing', () => {
  const cases: [string, unknown, RegExp][] = [
    ['wrong type', { lastName: 42 }, /body\.lastName must be string/],
    ['unknown field', { lastName: 'A', nickname: 'x' }, /body\.nickname is not a known field/],
    ['bad email', { lastName: 'A', email: 'nope' }, /body\.email must match format "email"/],
    ['too long', { lastName: 'x'.repeat(121) }, /body\.lastName must NOT have more than 120 characters/],
    ['nested unknown', { lastName: 'A', mailingAddress: { planet: 'Mars' } }, /body\.mailingAddress/],
    ['no name at all', { title: 'CEO' }, /needs a first name/],
  ];
  test.each(cases)('%s → 400', async (_name, body, message) => {
    const before = (await admin().get('/api/changes?resource=contacts')).json().cursor;
    const res = await admin().post('/api/contacts', body);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(message);
    expect((await admin().get(`/api/changes?resource=contacts&cursor=${before}`)).json().changes).toEqual([]);
  });

  test('malformed JSON → 400', async () => {
    const res = await admin().post('/api/contacts', '{"lastName": ', { 'content-type': 'application/json' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/not valid JSON/);
  });

  test('an oversized body is refused (413) before it is read in full', async () => {
    const res = await admin().post('/api/contacts', {
      lastName: 'A',
      description: 'x'.repeat(3 * 1024 * 1024),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('body_too_large');
  });

  test('a non-uuid id → 400 naming the parameter', async () => {
    const res = await admin().get('/api/contacts/42');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/params\.id/);
  });

  test('a malformed If-Match → 400', async () => {
    const { id } = (await admin().post('/api/contacts', { lastName: 'A' })).json();
    expect(
      (await admin().patch(`/api/contacts/${id}`, { lastName: 'B' }, { 'if-match': 'yesterday' })).statusCode,
    ).toBe(400);
  });
});

describe('events', () => {
  const meeting = {
    title: 'Quarterly review',
    description: 'Numbers',
    location: 'Room 1',
    start: '2026-03-29T07:00:00Z',
    end: '2026-03-29T08:00:00Z',
    timeZone: 'Europe/Madrid',
    attendees: [{ email: 'bob@example.com', name: 'Bob', response: 'accepted' }],
    reminderMinutes: 15,
  };

  test('a timed event keeps its instants and time zone', async () => {
    const res = await member().post('/api/events', meeting);
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject(meeting);
  });

  test('an all-day event is dates with an exclusive end', async () => {
    const res = await member().post('/api/events', {
      title: 'Offsite',
      isAllDay: true,
      startDate: '2026-06-01',
      endDate: '2026-06-03',
      timeZone: 'America/New_York',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ isAllDay: true, startDate: '2026-06-01', endDate: '2026-06-03' });
  });

  test('a recurring series with exceptions is stored as given', async () => {
    const series = {
      ...meeting,
      recurrence: {
        pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday'] },
        range: { type: 'endDate', startDate: '2026-03-30', endDate: '2026-06-29' },
      },
      exceptions: [{ originalStartDate: '2026-04-06', cancelled: true }],
    };
    const res = await member().post('/api/events', {
      ...series,
      start: '2026-03-30T07:00:00Z',
      end: '2026-03-30T08:00:00Z',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ recurrence: series.recurrence, exceptions: series.exceptions });
  });

  test.each([
    ['end before start', { ...meeting, end: '2026-03-29T06:00:00Z' }, /end must not be before start/],
    ['unknown zone', { ...meeting, timeZone: 'Mars/Olympus' }, /not a known IANA time zone/],
    ['no zone', { ...meeting, timeZone: undefined }, /timeZone is required/],
    ['all-day without dates', { title: 'x', isAllDay: true, timeZone: 'UTC' }, /startDate is required/],
    ['bad attendee', { ...meeting, attendees: [{ email: 'x' }] }, /attendees\.0\.email/],
    [
      'impossible date',
      { title: 'x', isAllDay: true, startDate: '2026-02-30', endDate: '2026-03-02', timeZone: 'UTC' },
      /startDate 2026-02-30 is not a calendar date/,
    ],
  ])('%s → 400', async (_name, body, message) => {
    const res = await member().post('/api/events', body);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(message);
  });
});

describe('change feed', () => {
  test('lists creates, updates and deletes after the cursor, in order, once each', async () => {
    const user = member(1);
    const start = (await user.get('/api/changes?resource=contacts&owner=me')).json().cursor;
    const a = (await user.post('/api/contacts', { lastName: 'Feed A' })).json();
    const b = (await user.post('/api/contacts', { lastName: 'Feed B' })).json();
    await user.patch(`/api/contacts/${a.id}`, { firstName: 'Edited' });
    await user.delete(`/api/contacts/${b.id}`);
    const page = (await user.get(`/api/changes?resource=contacts&owner=me&cursor=${start}`)).json();
    expect(
      page.changes.map((c: { id: string; firstName?: string; deletedAt: string | null }) => [
        c.id,
        c.firstName,
        Boolean(c.deletedAt),
      ]),
    ).toEqual([
      [a.id, 'Edited', false],
      [b.id, undefined, true],
    ]);
    const after = (await user.get(`/api/changes?resource=contacts&owner=me&cursor=${page.cursor}`)).json();
    expect(after).toEqual({ changes: [], cursor: page.cursor, hasMore: false });
  });

  test('pages with hasMore', async () => {
    const user = member(1);
    const start = (await user.get('/api/changes?resource=events&owner=me')).json().cursor;
    for (let i = 0; i < 3; i++) {
      await user.post('/api/events', {
        title: `E${i}`,
        start: '2026-01-01T10:00:00Z',
        end: '2026-01-01T11:00:00Z',
        timeZone: 'UTC',
      });
    }
    const first = (await user.get(`/api/changes?resource=events&owner=me&cursor=${start}&limit=2`)).json();
    expect(first.changes).toHaveLength(2);
    expect(first.hasMore).toBe(true);
    const second = (
      await user.get(`/api/changes?resource=events&owner=me&cursor=${first.cursor}&limit=2`)
    ).json();
    expect(second.changes).toHaveLength(1);
    expect(second.hasMore).toBe(false);
  });

  test('a cursor that is not one → 400', async () => {
    expect((await member().get('/api/changes?resource=contacts&cursor=abc')).statusCode).toBe(400);
  });
});
