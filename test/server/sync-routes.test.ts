import { createTestApp, type TestApp } from '../support/app';
import { as, createTenant, type TestTenant } from '../support/fixtures';

/** The CRM side of the sync over HTTP: input checks, limits and the walls between users and organisations. */

let t: TestApp;
let tenant: TestTenant;
let other: TestTenant;
beforeAll(async () => {
  t = await createTestApp();
  tenant = await createTenant(t.store, t.issuer, { memberCount: 2 });
  other = await createTenant(t.store, t.issuer, { memberCount: 1 });
});
afterAll(() => t.close());

const member = (i = 0) => as(t.app, tenant.members[i]!);
const errorOf = (res: { json: () => unknown }) =>
  (res.json() as { error: { code: string; message: string } }).error;
const uuid = (n: number) => `00000000-0000-7000-8000-${String(n).padStart(12, '0')}`;

const link = (crmId: string, graphId: string) => ({
  link: { op: 'save', crmId, graphId, snapshot: { firstName: 'X' }, changeKey: 'ck' },
});

describe('input', () => {
  test.each([
    ['POST', '/api/sync/contacts/lease', { ttlMs: 1000 }, 'body.holder is required'],
    ['POST', '/api/sync/contacts/lease', { holder: 'a', ttlMs: 0 }, 'body.ttlMs must be >= 1'],
    ['POST', '/api/sync/contacts/lease', { holder: 'a', ttlMs: 1000, x: 1 }, 'body.x is not a known field'],
    ['PATCH', '/api/sync/calendar/state', { crmCursor: 'abc' }, 'body.crmCursor'],
    ['PATCH', '/api/sync/calendar/state', { enabled: 'yes' }, 'body.enabled must be boolean'],
    [
      'POST',
      '/api/sync/contacts/pending',
      { pending: [{ crmId: 'nope', kind: 'create', transactionId: 't' }] },
      'body.pending.0.crmId',
    ],
    ['POST', '/api/sync/contacts/pending/drop', { crmIds: 'x' }, 'body.crmIds must be array'],
    [
      'POST',
      '/api/sync/contacts/pending',
      { pending: [{ crmId: uuid(1), kind: 'create', transactionId: 'delete:g' }] },
      'body.pending.0',
    ],
    ['POST', '/api/sync/contacts/records', {}, 'body.crmIds is required'],
    ['POST', '/api/sync/contacts/commits', { commits: [] }, 'body.commits must NOT have fewer than 1 items'],
    [
      'POST',
      '/api/sync/contacts/commits',
      { commits: [{ record: { op: 'merge' } }] },
      'body.commits.0.record',
    ],
    [
      'POST',
      '/api/sync/contacts/commits',
      { commits: [{ record: { op: 'delete', crmId: uuid(1) } }] },
      'body.commits.0.link.crmId is required unless the commit creates the record',
    ],
    [
      'POST',
      '/api/sync/contacts/commits',
      { commits: [{ record: { op: 'delete', crmId: uuid(1) }, link: { op: 'remove', crmId: uuid(2) } }] },
      'body.commits.0.link.crmId must be the record',
    ],
    ['GET', '/api/sync/contacts/eligible', undefined, 'querystring.limit is required'],
    ['GET', '/api/sync/contacts/eligible?limit=10001', undefined, 'querystring.limit must be <= 10000'],
    ['GET', '/api/sync/contacts/changes?cursor=soon', undefined, 'querystring.cursor'],
    ['GET', '/api/sync/contacts/links?all=1', undefined, 'querystring.all is not a known field'],
  ])('%s %s %j → 400 naming the field', async (method, url, body, message) => {
    const res = await t.app.inject({
      method: method as 'GET' | 'POST' | 'PATCH',
      url,
      headers: { authorization: `Bearer ${tenant.members[0]!.token}` },
      ...(body === undefined ? {} : { payload: body }),
    });
    expect(res.statusCode).toBe(400);
    expect(errorOf(res).message).toContain(message);
  });

  test('batch limits: more commits than one call takes is refused whole', async () => {
    const commits = Array.from({ length: 501 }, (_, i) => link(uuid(i), `g${i}`));
    const res = await member().post('/api/sync/contacts/commits', { commits });
    expect(res.statusCode).toBe(400);
    expect(errorOf(res).message).toBe('body.commits must NOT have more than 500 items');
    expect((await member().get('/api/sync/contacts/links')).json()).toEqual({ links: [] });
  });

  test('a snapshot the mapper cannot read fails its own commit as invalid; the rest goes through', async () => {
    const event = {
      title: 'Review',
      start: '2030-02-01T10:00:00Z',
      end: '2030-02-01T11:00:00Z',
      timeZone: 'UTC',
    };
    const res = await as(t.app, other.members[0]!).post('/api/sync/calendar/commits', {
      commits: [
        {
          record: { op: 'create', snapshot: { ...event, attendees: 'everyone' } },
          link: { op: 'save', graphId: 'g-broken', snapshot: {}, changeKey: null },
        },
        {
          record: { op: 'create', snapshot: event },
          link: { op: 'save', graphId: 'g-fine', snapshot: event, changeKey: null },
        },
      ],
    });
    expect(res.statusCode).toBe(200);
    const [broken, fine] = res.json().outcomes;
    expect(broken).toEqual({ ok: false, error: { kind: 'invalid', message: expect.any(String) } });
    expect(fine).toEqual({ ok: true, value: { crmId: expect.any(String) } });
    const links = (await as(t.app, other.members[0]!).get('/api/sync/calendar/links')).json().links;
    expect(links.map((l: { graphId: string }) => l.graphId)).toEqual(['g-fine']);
  });

  test('an unknown resource is not a route; no token is 401', async () => {
    expect((await member().get('/api/sync/tasks/state')).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/api/sync/contacts/links' })).statusCode).toBe(401);
  });
});

describe('walls', () => {
  test('links, pending creates, state and the lease are per user and resource', async () => {
    const a = member(0);
    const b = member(1);
    const outsider = as(t.app, other.admin);
    const committed = await a.post('/api/sync/contacts/commits', { commits: [link(uuid(10), 'g-a')] });
    expect(committed.json()).toEqual({ outcomes: [{ ok: true, value: { crmId: uuid(10) } }] });
    await a.post('/api/sync/contacts/pending', {
      pending: [{ crmId: uuid(11), kind: 'create', transactionId: 't-a' }],
    });
    await a.patch('/api/sync/contacts/state', { enabled: true, containerId: 'folder-a' });
    expect((await a.post('/api/sync/contacts/lease', { holder: 'a', ttlMs: 60_000 })).json()).toEqual({
      acquired: true,
    });

    expect((await a.get('/api/sync/contacts/links')).json()).toEqual({
      links: [{ crmId: uuid(10), graphId: 'g-a', snapshot: { firstName: 'X' }, changeKey: 'ck' }],
    });
    for (const who of [b, outsider]) {
      expect((await who.get('/api/sync/contacts/links')).json()).toEqual({ links: [] });
      expect((await who.get('/api/sync/contacts/pending')).json()).toEqual({ pending: [] });
      expect((await who.get('/api/sync/contacts/state')).json()).toMatchObject({
        enabled: false,
        containerId: null,
      });
      // Another user's lease does not block mine.
      expect((await who.post('/api/sync/contacts/lease', { holder: 'b', ttlMs: 60_000 })).json()).toEqual({
        acquired: true,
      });
    }
    // Nor does the other resource share anything.
    expect((await a.get('/api/sync/calendar/links')).json()).toEqual({ links: [] });
    expect((await a.get('/api/sync/calendar/state')).json()).toMatchObject({ enabled: false });

    // b cannot release a's lease by naming its holder: it is a's own row.
    await b.post('/api/sync/contacts/lease/release', { holder: 'a' });
    expect((await a.post('/api/sync/contacts/lease', { holder: 'z', ttlMs: 60_000 })).json()).toEqual({
      acquired: false,
    });
    expect((await a.post('/api/sync/contacts/lease/release', { holder: 'a' })).statusCode).toBe(204);

    // Forgetting is mine alone too.
    await b.post('/api/sync/contacts/forget');
    expect((await a.get('/api/sync/contacts/links')).json().links).toHaveLength(1);
    expect((await a.post('/api/sync/contacts/forget')).statusCode).toBe(204);
    expect((await a.get('/api/sync/contacts/links')).json()).toEqual({ links: [] });
  });

  test('records of others are neither read nor written through the sync', async () => {
    const mine = await member(0).post('/api/contacts', { firstName: 'Mine' });
    const theirs = await as(t.app, other.admin).post('/api/contacts', { firstName: 'Theirs' });
    const res = await member(0).post('/api/sync/contacts/records', {
      crmIds: [mine.json().id, theirs.json().id],
    });
    expect(res.json()).toEqual({ records: [{ crmId: mine.json().id, snapshot: { firstName: 'Mine' } }] });

    const write = await member(0).post('/api/sync/contacts/commits', {
      commits: [
        {
          record: {
            op: 'update',
            crmId: theirs.json().id,
            snapshot: { firstName: 'Hacked' },
            fields: ['firstName'],
            restore: false,
          },
          link: { op: 'save', crmId: theirs.json().id, graphId: 'g-theirs', snapshot: {}, changeKey: null },
        },
        {
          record: { op: 'delete', crmId: theirs.json().id },
          link: { op: 'remove', crmId: theirs.json().id },
        },
      ],
    });
    expect(write.statusCode).toBe(200);
    expect(write.json().outcomes).toEqual([
      { ok: false, error: expect.objectContaining({ kind: 'notFound' }) },
      { ok: false, error: expect.objectContaining({ kind: 'notFound' }) },
    ]);
    const still = await as(t.app, other.admin).get(`/api/contacts/${theirs.json().id}`);
    expect(still.json()).toMatchObject({ firstName: 'Theirs', deletedAt: null });
  });

  test('eligible records and the change feed answer the caller’s records under the real mappers', async () => {
    const user = as(t.app, tenant.admin);
    const before = (await user.get('/api/sync/calendar/eligible?limit=10')).json();
    expect(before.records).toEqual([]);
    const created = await user.post('/api/events', {
      title: 'Standup',
      start: '2030-01-07T09:00:00Z',
      end: '2030-01-07T09:15:00Z',
      timeZone: 'Europe/Madrid',
    });
    expect(created.statusCode).toBe(201);
    const eligible = (await user.get('/api/sync/calendar/eligible?limit=10')).json();
    expect(eligible.records).toEqual([
      {
        crmId: created.json().id,
        // The event mapper's snapshot: instants normalised, the zone in its canonical form.
        snapshot: expect.objectContaining({
          title: 'Standup',
          isAllDay: false,
          start: '2030-01-07T09:00:00.000Z',
          end: '2030-01-07T09:15:00.000Z',
        }),
      },
    ]);
    const feed = (await user.get(`/api/sync/calendar/changes?cursor=${before.cursor}`)).json();
    expect(feed.changes.map((c: { crmId: string }) => c.crmId)).toEqual([created.json().id]);
    expect(Number(feed.cursor)).toBeGreaterThan(Number(before.cursor));
    // A member's own events only: another member sees none of them.
    expect((await member(1).get('/api/sync/calendar/eligible?limit=10')).json().records).toEqual([]);
  });
});
