import { createTestApp, type TestApp } from '../support/app';
import { as, createTenant, type TestTenant } from '../support/fixtures';

/** The events' calendar API: date windows with series expanded, sync status, single occurrences. */
let t: TestApp;
let tenant: TestTenant;
beforeAll(async () => {
  t = await createTestApp();
  tenant = await createTenant(t.store, t.issuer, { memberCount: 2 });
});
afterAll(() => t.close());

const admin = () => as(t.app, tenant.admin);
const member = (i = 0) => as(t.app, tenant.members[i]!);

// Mondays 09:00–10:00 in Madrid from 2026-03-02, ten times (the last on 2026-05-04).
const weekly = {
  title: 'Stand-up',
  start: '2026-03-02T08:00:00.000Z',
  end: '2026-03-02T09:00:00.000Z',
  timeZone: 'Europe/Madrid',
  recurrence: {
    pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday'], firstDayOfWeek: 'monday' },
    range: { type: 'numbered', startDate: '2026-03-02', numberOfOccurrences: 10 },
  },
};

const window = (from: string, to: string, extra = '') =>
  `/api/events/calendar?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}${extra}`;

describe('GET /api/events/calendar', () => {
  test('expands a series in the window at its wall-clock time across DST, with single events in order', async () => {
    const series = (await member().post('/api/events', weekly)).json();
    const single = (
      await member().post('/api/events', {
        title: 'Lunch',
        start: '2026-03-31T11:00:00.000Z',
        end: '2026-03-31T12:00:00.000Z',
        timeZone: 'Europe/Madrid',
      })
    ).json();
    const res = await member().get(window('2026-03-23T00:00:00Z', '2026-04-07T00:00:00Z', '&owner=me'));
    expect(res.statusCode).toBe(200);
    const items = res.json().items as { eventId: string; occurrenceDate: string | null; start: string }[];
    expect(items.map((i) => [i.eventId, i.occurrenceDate, i.start])).toEqual([
      [series.id, '2026-03-23', '2026-03-23T08:00:00.000Z'],
      // Summer time from 29 March: still 09:00 in Madrid.
      [series.id, '2026-03-30', '2026-03-30T07:00:00.000Z'],
      [single.id, null, '2026-03-31T11:00:00.000Z'],
      [series.id, '2026-04-06', '2026-04-06T07:00:00.000Z'],
    ]);
    expect(res.json().nextCursor).toBeNull();
  });

  test('pages the window with limit and nextCursor', async () => {
    const first = (
      await member(1).get(window('2026-03-01T00:00:00Z', '2026-06-01T00:00:00Z', '&owner=me&limit=1'))
    ).json();
    expect(first.items).toHaveLength(0);
    await member(1).post('/api/events', weekly);
    const page1 = (
      await member(1).get(window('2026-03-01T00:00:00Z', '2026-06-01T00:00:00Z', '&owner=me&limit=4'))
    ).json();
    expect(page1.items.map((i: { occurrenceDate: string }) => i.occurrenceDate)).toEqual([
      '2026-03-02',
      '2026-03-09',
      '2026-03-16',
      '2026-03-23',
    ]);
    const seen = [...page1.items];
    let cursor = page1.nextCursor as string | null;
    while (cursor) {
      const next = (
        await member(1).get(
          window('2026-03-01T00:00:00Z', '2026-06-01T00:00:00Z', `&owner=me&limit=4&cursor=${cursor}`),
        )
      ).json();
      seen.push(...next.items);
      cursor = next.nextCursor;
    }
    // numberOfOccurrences: 10 ends the series on 4 May.
    expect(seen).toHaveLength(10);
    expect(seen[9].occurrenceDate).toBe('2026-05-04');
  });

  test('mine / a user’s / all: members see their own; view-all sees everyone; others’ ids are refused', async () => {
    const owner1 = tenant.members[1]!.userId;
    const mine = (
      await member().get(window('2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z', '&owner=all'))
    ).json();
    expect(mine.items.every((i: { ownerId: string }) => i.ownerId === tenant.members[0]!.userId)).toBe(true);
    const refused = await member().get(
      window('2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z', `&owner=${owner1}`),
    );
    expect(refused.statusCode).toBe(403);
    const all = (
      await admin().get(window('2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z', '&owner=all'))
    ).json();
    const owners = new Set(all.items.map((i: { ownerId: string }) => i.ownerId));
    expect(owners).toEqual(new Set([tenant.members[0]!.userId, owner1]));
    const theirs = (
      await admin().get(window('2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z', `&owner=${owner1}`))
    ).json();
    expect(theirs.items.length).toBeGreaterThan(0);
    expect(theirs.items.every((i: { ownerId: string }) => i.ownerId === owner1)).toBe(true);
    // Another user's events do not sync to the viewer's Outlook.
    expect(theirs.items[0].sync).toEqual({ state: 'notSynced', reason: 'notYours' });
  });

  test.each([
    ['?to=2026-01-01T00:00:00Z', 'from'],
    ['?from=yesterday&to=2026-01-01T00:00:00Z', 'from'],
    ['?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'to must be after from'],
    ['?from=2026-01-01T00:00:00Z&to=2028-01-01T00:00:00Z', 'at most 400 days'],
    ['?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z&cursor=abc', 'cursor'],
    ['?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z&limit=0', 'limit'],
  ])('bad window %s → 400 naming %s', async (query, field) => {
    const res = await member().get(`/api/events/calendar${query}`);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain(field);
  });
});

describe('one occurrence vs the series', () => {
  test('moving one occurrence and cancelling another leaves the rest of the series; If-Match guards both', async () => {
    const created = (await member().post('/api/events', weekly)).json();
    const moved = await member().patch(
      `/api/events/${created.id}/occurrences/2026-03-09`,
      { title: 'Stand-up (moved)', start: '2026-03-10T08:00:00.000Z', end: '2026-03-10T09:00:00.000Z' },
      { 'if-match': '"1"' },
    );
    expect(moved.statusCode).toBe(200);
    expect(moved.headers.etag).toBe('"2"');
    const stale = await member().delete(`/api/events/${created.id}/occurrences/2026-03-16`, {
      'if-match': '"1"',
    });
    expect(stale.statusCode).toBe(412);
    const cancelled = await member().delete(`/api/events/${created.id}/occurrences/2026-03-16`, {
      'if-match': '"2"',
    });
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json().exceptions).toEqual([
      {
        originalStartDate: '2026-03-09',
        title: 'Stand-up (moved)',
        start: '2026-03-10T08:00:00.000Z',
        end: '2026-03-10T09:00:00.000Z',
      },
      { originalStartDate: '2026-03-16', cancelled: true },
    ]);
    const items = (
      await member().get(window('2026-03-01T00:00:00Z', '2026-03-24T00:00:00Z', '&owner=me'))
    ).json().items as {
      eventId: string;
      occurrenceDate: string;
      title: string;
      start: string;
      modified: boolean;
    }[];
    const ofSeries = items.filter((i) => i.eventId === created.id);
    expect(ofSeries.map((i) => [i.occurrenceDate, i.title, i.start, i.modified])).toEqual([
      ['2026-03-02', 'Stand-up', '2026-03-02T08:00:00.000Z', false],
      ['2026-03-09', 'Stand-up (moved)', '2026-03-10T08:00:00.000Z', true],
      ['2026-03-23', 'Stand-up', '2026-03-23T08:00:00.000Z', false],
    ]);
  });

  test('an occurrence moved into the window from outside it is shown', async () => {
    const created = (await member(1).post('/api/events', weekly)).json();
    await member(1).patch(`/api/events/${created.id}/occurrences/2026-03-02`, {
      start: '2026-05-20T08:00:00.000Z',
      end: '2026-05-20T09:00:00.000Z',
    });
    const items = (
      await member(1).get(window('2026-05-19T00:00:00Z', '2026-05-21T00:00:00Z', '&owner=me'))
    ).json().items;
    expect(items.filter((i: { eventId: string }) => i.eventId === created.id)).toMatchObject([
      { occurrenceDate: '2026-03-02', start: '2026-05-20T08:00:00.000Z', modified: true },
    ]);
  });

  test.each([
    ['2026-03-03', {}, 'not an occurrence'],
    ['2026-02-30', {}, 'not an occurrence'],
    [
      '2026-03-09',
      { start: '2026-03-09T10:00:00.000Z', end: '2026-03-09T09:00:00.000Z' },
      'end must not be before start',
    ],
    ['2026-03-09', { title: 'x'.repeat(256) }, 'title'],
    ['2026-03-09', { colour: 'red' }, 'colour'],
    ['9999', {}, 'date'],
  ])('occurrence %s %j → 400 naming %s', async (date, body, message) => {
    const created = (await member().post('/api/events', weekly)).json();
    const res = await member().patch(`/api/events/${created.id}/occurrences/${date}`, body);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain(message);
    expect((await member().get(`/api/events/${created.id}`)).json().version).toBe(1);
  });

  test('a single event has no occurrences to change; another user’s event is not found', async () => {
    const single = (
      await member().post('/api/events', {
        title: 'Once',
        start: '2026-03-02T08:00:00.000Z',
        end: '2026-03-02T09:00:00.000Z',
        timeZone: 'UTC',
      })
    ).json();
    const res = await member().delete(`/api/events/${single.id}/occurrences/2026-03-02`);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('not a series');
    const series = (await member().post('/api/events', weekly)).json();
    expect((await member(1).delete(`/api/events/${series.id}/occurrences/2026-03-02`)).statusCode).toBe(404);
  });
});

describe('sync status', () => {
  test('sync off, waiting, in Outlook, changed since, conflict, imported', async () => {
    const me = tenant.members[0]!;
    const id = (await member().post('/api/events', weekly)).json().id as string;
    const status = async () => (await member().get(`/api/events/${id}/sync-status`)).json();
    expect(await status()).toEqual({ state: 'notSynced', reason: 'syncOff' });

    const db = t.store.db;
    await db
      .insertInto('sync_state')
      .values({
        org_id: tenant.orgId,
        user_id: me.userId,
        resource: 'events',
        enabled: true,
        status: JSON.stringify({}),
        updated_at: new Date(),
      })
      .execute();
    expect(await status()).toEqual({ state: 'waiting' });

    await db
      .insertInto('sync_links')
      .values({
        org_id: tenant.orgId,
        user_id: me.userId,
        resource: 'events',
        crm_id: id,
        graph_id: 'AAMk-1',
        change_key: null,
        snapshot: JSON.stringify({}),
        snapshot_hash: 'h',
        updated_at: new Date(Date.now() + 1000),
      })
      .execute();
    expect(await status()).toEqual({ state: 'inOutlook' });

    await db
      .updateTable('sync_links')
      .set({ updated_at: new Date(Date.now() - 60_000) })
      .where('crm_id', '=', id)
      .execute();
    expect(await status()).toEqual({ state: 'waiting' });

    await db
      .insertInto('conflicts')
      .values({
        id: '0193f1d2-0000-7000-8000-000000000001',
        org_id: tenant.orgId,
        user_id: me.userId,
        resource: 'events',
        crm_id: id,
        field: 'title',
        crm_value: JSON.stringify('a'),
        graph_value: JSON.stringify('b'),
        winner: 'graph',
        created_at: new Date(),
      })
      .execute();
    expect(await status()).toEqual({ state: 'conflict' });

    const imported = (await member().post('/api/events/import', { records: [weekly] })).json().ids[0];
    expect((await member().get(`/api/events/${imported}/sync-status`)).json()).toEqual({
      state: 'notSynced',
      reason: 'imported',
    });
    // The calendar window carries the same status per item.
    const items = (
      await member().get(window('2026-03-01T00:00:00Z', '2026-03-08T00:00:00Z', '&owner=me'))
    ).json().items as { eventId: string; sync: unknown }[];
    expect(items.find((i) => i.eventId === imported)?.sync).toEqual({
      state: 'notSynced',
      reason: 'imported',
    });
    expect(items.find((i) => i.eventId === id)?.sync).toEqual({ state: 'conflict' });
  });
});
