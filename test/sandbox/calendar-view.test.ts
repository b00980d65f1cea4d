/* eslint-disable @typescript-eslint/no-explicit-any -- Graph answers are arbitrary JSON read field by field. */
import { ADMIN, startSandbox, type GraphClient, type Harness } from './support/sandbox-harness';
import { anEvent, weekly } from './support/graph-fixtures';

let h: Harness;
let me: GraphClient;
let calendar: string;
beforeAll(async () => {
  h = await startSandbox();
});
beforeEach(async () => {
  h.sandbox.reset();
  me = h.as(ADMIN);
  calendar = (await me.post('/me/calendars', { name: 'Tandem' })).body.id;
});
afterAll(() => h.close());

const WINDOW = 'startDateTime=2026-12-07T00:00:00Z&endDateTime=2026-12-21T00:00:00Z';
const view = (query = WINDOW) => `/me/calendars/${calendar}/calendarView?${query}`;
const delta = (query = WINDOW) => `/me/calendars/${calendar}/calendarView/delta?${query}`;

/** Weekly on Monday and Wednesday, 09:00–09:30 UTC, from Monday 2026-12-07: four dates in the window. */
async function standUp() {
  const res = await me.post(
    `/me/calendars/${calendar}/events`,
    anEvent({
      subject: 'Stand-up',
      at: '2026-12-07T09:00',
      hours: 0.5,
      recurrence: weekly('2026-12-07', ['monday', 'wednesday']),
    }),
  );
  expect(res.status).toBe(201);
  return res.body;
}

async function instances(masterId: string) {
  const res = await me.get(`/me/events/${masterId}/instances?${WINDOW}`);
  expect(res.status).toBe(200);
  return res.body.value as any[];
}

async function add(subject: string, at: string) {
  const res = await me.post(`/me/calendars/${calendar}/events`, anEvent({ subject, at }));
  expect(res.status).toBe(201);
  return res.body;
}

/** Every page of a delta round, following nextLinks. */
async function round(start: string, headers?: Record<string, string>) {
  const pages = await me.pages(start, headers);
  const last = pages.at(-1);
  return {
    pages,
    items: pages.flatMap((p) => p.value as any[]),
    deltaLink: last['@odata.deltaLink'] as string,
  };
}

describe('calendarView', () => {
  test('expands a series into occurrences and exceptions, leaves out cancelled dates and the master', async () => {
    const master = await standUp();
    await add('Customer visit', '2026-12-10T15:00');
    await add('Outside the window', '2026-12-22T10:00');
    const occurrences = await instances(master.id);
    expect(occurrences.map((o) => o.start.dateTime)).toEqual([
      '2026-12-07T09:00:00.0000000',
      '2026-12-09T09:00:00.0000000',
      '2026-12-14T09:00:00.0000000',
      '2026-12-16T09:00:00.0000000',
    ]);
    const moved = await me.patch(`/me/events/${occurrences[1].id}`, {
      subject: 'Stand-up (moved)',
      start: { dateTime: '2026-12-09T11:00:00', timeZone: 'UTC' },
      end: { dateTime: '2026-12-09T11:30:00', timeZone: 'UTC' },
    });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ type: 'exception', seriesMasterId: master.id, id: occurrences[1].id });
    expect((await me.delete(`/me/events/${occurrences[2].id}`)).status).toBe(204);

    const res = await me.get(view());
    expect(res.status).toBe(200);
    const items = res.body.value as any[];
    expect(items.map((e) => [e.subject, e.type, e.start.dateTime.slice(0, 16)])).toEqual([
      ['Stand-up', 'occurrence', '2026-12-07T09:00'],
      ['Stand-up (moved)', 'exception', '2026-12-09T11:00'],
      ['Customer visit', 'singleInstance', '2026-12-10T15:00'],
      ['Stand-up', 'occurrence', '2026-12-16T09:00'],
    ]);
    expect(
      items.filter((e) => e.type !== 'singleInstance').every((e) => e.seriesMasterId === master.id),
    ).toBe(true);
    expect(items.some((e) => e.type === 'seriesMaster')).toBe(false);

    // The master is fetched by id; /instances gives the same occurrences and exceptions, cancelled left out.
    const fetched = await me.get(`/me/events/${master.id}`);
    expect(fetched.body).toMatchObject({ type: 'seriesMaster', subject: 'Stand-up', seriesMasterId: null });
    expect(fetched.body.recurrence.pattern).toMatchObject({
      type: 'weekly',
      daysOfWeek: ['monday', 'wednesday'],
    });
    const again = await instances(master.id);
    expect(again.map((o) => o.type)).toEqual(['occurrence', 'exception', 'occurrence']);
    expect((await me.get(`/me/events/${occurrences[2].id}`)).status).toBe(404);
  });

  test('the window is required and ordered; Prefer outlook.timezone applies to the view', async () => {
    await add('Review', '2026-12-08T10:00');
    expect((await me.get(`/me/calendars/${calendar}/calendarView`)).status).toBe(400);
    const backwards = await me.get(
      view('startDateTime=2026-12-21T00:00:00Z&endDateTime=2026-12-07T00:00:00Z'),
    );
    expect(backwards.status).toBe(400);
    const madrid = await me.get(view(), { Prefer: 'outlook.timezone="Romance Standard Time"' });
    expect(madrid.body.value[0].start).toEqual({
      dateTime: '2026-12-08T11:00:00.0000000',
      timeZone: 'Romance Standard Time',
    });
    expect(madrid.headers['preference-applied']).toContain('outlook.timezone="Romance Standard Time"');
  });
});

describe('calendarView/delta', () => {
  test('pages by Prefer odata.maxpagesize through nextLinks to a deltaLink; occurrences come as stubs', async () => {
    await standUp();
    await add('Review', '2026-12-08T10:00');
    const first = await me.get(delta(), { Prefer: 'odata.maxpagesize=2' });
    expect(first.status).toBe(200);
    expect(first.headers['preference-applied']).toContain('odata.maxpagesize=2');
    expect(first.body['@odata.nextLink']).toMatch(/\/calendarView\/delta\?\$skiptoken=/);
    expect(first.body['@odata.deltaLink']).toBeUndefined();

    const { pages, items, deltaLink } = await round(delta(), { Prefer: 'odata.maxpagesize=2' });
    expect(pages.map((p) => p.value.length)).toEqual([2, 2, 1]);
    expect(pages.slice(0, -1).every((p) => p['@odata.deltaLink'] === undefined)).toBe(true);
    expect(deltaLink).toMatch(/\/calendarView\/delta\?\$deltatoken=/);
    const stub = items.find((e) => e.type === 'occurrence');
    expect(Object.keys(stub).sort()).toEqual(
      ['@odata.etag', '@odata.type', 'end', 'id', 'seriesMasterId', 'start', 'type'].sort(),
    );
    expect(items.find((e) => e.type === 'singleInstance').subject).toBe('Review');
    expect(items.filter((e) => e.type === 'occurrence')).toHaveLength(4);
  });

  test('a later round sends only what changed: edits, new items, deletions and items leaving the window as @removed', async () => {
    const master = await standUp();
    const review = await add('Review', '2026-12-08T10:00');
    const visit = await add('Visit', '2026-12-10T10:00');
    const kept = await add('Kept', '2026-12-11T10:00');
    const first = await round(delta());
    expect(first.items).toHaveLength(7);

    const quiet = await round(first.deltaLink);
    expect(quiet.items).toEqual([]);
    expect(quiet.pages).toHaveLength(1);

    await me.patch(`/me/events/${review.id}`, { subject: 'Review (agenda)' });
    await me.delete(`/me/events/${visit.id}`);
    await me.patch(`/me/events/${kept.id}`, anEvent({ subject: 'Kept', at: '2027-01-15T10:00' }));
    const added = await add('New', '2026-12-15T10:00');
    const second = await round(quiet.deltaLink);
    const byId = new Map(second.items.map((e) => [e.id, e]));
    expect(byId.get(review.id).subject).toBe('Review (agenda)');
    expect(byId.get(added.id).subject).toBe('New');
    // Deleted and moved out of the window look the same: removed, reason "deleted".
    for (const id of [visit.id, kept.id]) {
      expect(byId.get(id)).toEqual({
        '@odata.type': '#microsoft.graph.event',
        id,
        '@removed': { reason: 'deleted' },
      });
    }
    expect(second.items).toHaveLength(4);

    // Editing the master sends every occurrence again; cancelling one removes it.
    const occurrences = await instances(master.id);
    await me.patch(`/me/events/${master.id}`, { subject: 'Daily sync' });
    await me.delete(`/me/events/${occurrences[0].id}`);
    const third = await round(second.deltaLink);
    expect(third.items.filter((e) => e.type === 'occurrence')).toHaveLength(3);
    expect(third.items.filter((e) => e['@removed']).map((e) => e.id)).toEqual([occurrences[0].id]);
  });

  test('every round after a change to a series answers from the series as it now is', async () => {
    const master = await standUp();
    const first = await round(delta());
    expect(first.items).toHaveLength(4);
    // A quiet round in between: whatever a round remembers of the series, it has remembered it by now.
    const quiet = await round(first.deltaLink);
    expect(quiet.items).toEqual([]);
    const [monday, wednesday, nextMonday, nextWednesday] = await instances(master.id);
    const times = (items: any[]) =>
      items.map((e) => [e.id, e.type, e['@removed'] ? 'removed' : e.start.dateTime.slice(0, 16)]);
    const at = (date: string, hour: string) => ({
      start: { dateTime: `${date}T${hour}:00:00`, timeZone: 'UTC' },
      end: { dateTime: `${date}T${hour}:30:00`, timeZone: 'UTC' },
    });

    // An occurrence edited into an exception, then the exception edited again.
    await me.patch(`/me/events/${wednesday.id}`, at('2026-12-09', '11'));
    const excepted = await round(quiet.deltaLink);
    expect(times(excepted.items)).toEqual([[wednesday.id, 'exception', '2026-12-09T11:00']]);
    await me.patch(`/me/events/${wednesday.id}`, at('2026-12-09', '12'));
    const reedited = await round(excepted.deltaLink);
    expect(times(reedited.items)).toEqual([[wednesday.id, 'exception', '2026-12-09T12:00']]);

    // A view over another window in between must not stand in for the delta's window.
    const narrow = await me.get(view('startDateTime=2026-12-14T00:00:00Z&endDateTime=2026-12-15T00:00:00Z'));
    expect(narrow.body.value.map((e: any) => e.id)).toEqual([nextMonday.id]);

    // An occurrence cancelled.
    await me.delete(`/me/events/${nextMonday.id}`);
    const cancelled = await round(reedited.deltaLink);
    expect(times(cancelled.items)).toEqual([[nextMonday.id, undefined, 'removed']]);
    const beforeMove = h.sandbox.snapshot();

    // The master moved an hour later on the same days: the same ids, every occurrence at its new time,
    // and the exception and the cancellation dropped with the old schedule.
    await me.patch(`/me/events/${master.id}`, at('2026-12-07', '10'));
    const moved = await round(cancelled.deltaLink);
    expect(times(moved.items)).toEqual([
      [monday.id, 'occurrence', '2026-12-07T10:00'],
      [wednesday.id, 'occurrence', '2026-12-09T10:00'],
      [nextMonday.id, 'occurrence', '2026-12-14T10:00'],
      [nextWednesday.id, 'occurrence', '2026-12-16T10:00'],
    ]);

    // The master moved to other days: the old occurrences leave, the new ones come.
    await me.patch(`/me/events/${master.id}`, {
      ...at('2026-12-08', '10'),
      recurrence: weekly('2026-12-08', ['tuesday', 'thursday']),
    });
    const rescheduled = await round(moved.deltaLink);
    const added = await instances(master.id);
    expect(added.map((o) => o.start.dateTime.slice(0, 10))).toEqual([
      '2026-12-08',
      '2026-12-10',
      '2026-12-15',
      '2026-12-17',
    ]);
    expect(times(rescheduled.items)).toEqual([
      ...added.map((o) => [o.id, 'occurrence', o.start.dateTime.slice(0, 16)]),
      ...[monday, wednesday, nextMonday, nextWednesday].map((o) => [o.id, undefined, 'removed']),
    ]);
    expect((await round(rescheduled.deltaLink)).items).toEqual([]);

    // A restored snapshot is the series as it was then.
    h.sandbox.restore(beforeMove);
    const restored = await me.get(view());
    expect(restored.body.value.map((e: any) => [e.id, e.type, e.start.dateTime.slice(0, 16)])).toEqual([
      [monday.id, 'occurrence', '2026-12-07T09:00'],
      [wednesday.id, 'exception', '2026-12-09T12:00'],
      [nextWednesday.id, 'occurrence', '2026-12-16T09:00'],
    ]);
  });

  test('empty pages with a nextLink and replayed items, when the mailbox is set to serve them', async () => {
    for (let i = 0; i < 5; i++) await add(`Meeting ${i}`, `2026-12-${10 + i}T10:00`);
    h.sandbox.setFaults(ADMIN, { deltaEmptyPages: 2, deltaReplays: 1 });
    const { pages, items } = await round(delta(), { Prefer: 'odata.maxpagesize=2' });
    expect(pages[0].value).toEqual([]);
    expect(pages[0]['@odata.nextLink']).toBeDefined();
    expect(pages[1].value).toEqual([]);
    expect(pages[1]['@odata.nextLink']).toBeDefined();
    const ids = items.map((e) => e.id);
    expect(new Set(ids).size).toBe(5);
    expect(ids.length).toBeGreaterThan(5);
  });

  test('an expired token answers 410 syncStateNotFound with a Location to restart from', async () => {
    await add('Review', '2026-12-08T10:00');
    const first = await round(delta());
    const expire = await h.inject({
      method: 'POST',
      url: '/sandbox/admin/delta-tokens/expire',
      payload: { user: ADMIN },
    });
    expect(expire.statusCode).toBe(200);
    expect(expire.json()).toEqual({ expired: 1 });
    const gone = await me.get(first.deltaLink);
    expect(gone.status).toBe(410);
    expect(gone.body.error.code).toBe('syncStateNotFound');
    const location = String(gone.headers.location);
    expect(location).toContain(`/calendars/${calendar}/calendarView/delta?startDateTime=`);
    const restarted = await round(location);
    expect(restarted.items.map((e) => e.subject)).toEqual(['Review']);

    const unknown = await me.get(`/me/calendars/${calendar}/calendarView/delta?$skiptoken=nonsense`);
    expect(unknown.status).toBe(410);
    const forged = await me.get(`/me/calendars/${calendar}/calendarView/delta?$deltatoken=nonsense`);
    expect(forged.status).toBe(410);
  });

  test('query options delta does not support answer 400; the window is required', async () => {
    expect((await me.get(delta(`${WINDOW}&$select=subject`))).status).toBe(400);
    expect((await me.get(delta(`${WINDOW}&$filter=subject eq 'x'`))).status).toBe(400);
    expect((await me.get(`/me/calendars/${calendar}/calendarView/delta`)).status).toBe(400);
  });

  test('the default calendar has the same delta at /me/calendarView/delta', async () => {
    const res = await me.post('/me/events', anEvent({ subject: 'Default', at: '2026-12-08T10:00' }));
    expect(res.status).toBe(201);
    const { items, deltaLink } = await round(`/me/calendarView/delta?${WINDOW}`);
    expect(items.map((e) => e.subject)).toEqual(['Default']);
    expect(deltaLink).toContain('/me/calendarView/delta?$deltatoken=');
  });
});
