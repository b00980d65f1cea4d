import {
  ADMIN,
  BRUNO,
  CARMEN,
  startSandbox,
  type GraphClient,
  type Harness,
} from './support/sandbox-harness';
import {
  anAllDayEvent,
  anEvent,
  attendee,
  byCrmId,
  CRM_ID_PROPERTY,
  crmId,
  expandCrmId,
} from './support/graph-fixtures';

let h: Harness;
let me: GraphClient;
beforeAll(async () => {
  h = await startSandbox();
});
beforeEach(() => {
  h.sandbox.reset();
  me = h.as(ADMIN);
});
afterAll(() => h.close());

const SEVEN_DIGITS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$/;

async function newCalendar(name = 'Tandem') {
  const res = await me.post('/me/calendars', { name });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

describe('calendars', () => {
  test('create answers 201 with the calendar resource; list includes it after the default', async () => {
    const res = await me.post('/me/calendars', { name: 'Tandem' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: 'Tandem',
      color: 'auto',
      canEdit: true,
      canShare: true,
      canViewPrivateItems: true,
      isRemovable: true,
      isTallyingResponses: true,
      owner: { address: ADMIN },
      defaultOnlineMeetingProvider: 'teamsForBusiness',
    });
    expect(res.body.changeKey).toBeTruthy();
    const list = await me.get('/me/calendars');
    expect(list.body.value.map((c: { name: string }) => c.name)).toEqual(['Calendar', 'Tandem']);
  });

  test('a duplicate name is a conflict', async () => {
    await newCalendar('Tandem');
    const again = await me.post('/me/calendars', { name: 'tandem' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('ErrorFolderExists');
  });

  test('delete answers 204, then the id is 404 ErrorItemNotFound; the default calendar cannot be deleted', async () => {
    const id = await newCalendar();
    const event = await me.post(`/me/calendars/${id}/events`, anEvent());
    expect((await me.delete(`/me/calendars/${id}`)).status).toBe(204);
    const gone = await me.get(`/me/calendars/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBe('ErrorItemNotFound');
    expect((await me.get(`/me/events/${event.body.id}`)).status).toBe(404);

    const defaultId = (await me.get('/me/calendar')).body.id;
    const refused = await me.delete(`/me/calendars/${defaultId}`);
    expect(refused.status).toBe(400);
  });
});

describe('events', () => {
  test('create answers 201 with etag, change key and UTC times with seven fractional digits', async () => {
    const calendarId = await newCalendar();
    const res = await me.post(
      `/me/calendars/${calendarId}/events`,
      anEvent({
        start: { dateTime: '2026-12-01T10:00:00', timeZone: 'Europe/Madrid' },
        end: { dateTime: '2026-12-01T11:30:00', timeZone: 'Europe/Madrid' },
      }),
    );
    expect(res.status).toBe(201);
    const event = res.body;
    expect(event['@odata.etag']).toBe(`W/"${event.changeKey}"`);
    expect(event.createdDateTime).toMatch(SEVEN_DIGITS);
    expect(event.lastModifiedDateTime).toMatch(SEVEN_DIGITS);
    expect(event.start).toEqual({ dateTime: '2026-12-01T09:00:00.0000000', timeZone: 'UTC' });
    expect(event.end).toEqual({ dateTime: '2026-12-01T10:30:00.0000000', timeZone: 'UTC' });
    expect(event).toMatchObject({
      type: 'singleInstance',
      seriesMasterId: null,
      recurrence: null,
      isAllDay: false,
      isCancelled: false,
      originalStartTimeZone: 'Europe/Madrid',
      responseStatus: { response: 'organizer' },
    });
    expect(event.iCalUId).toBeTruthy();
    const fetched = await me.get(`/me/events/${event.id}`);
    expect(fetched.body.changeKey).toBe(event.changeKey);
    expect((await me.get(`/me/calendars/${calendarId}/events/${event.id}`)).status).toBe(200);
    expect((await me.get(`/me/calendar/events/${event.id}`)).status).toBe(404);
  });

  test('every update gives a new change key; a stale If-Match answers 412 ErrorIrresolvableConflict', async () => {
    const created = (await me.post('/me/events', anEvent())).body;
    const updated = await me.patch(
      `/me/events/${created.id}`,
      { subject: 'Renamed' },
      { 'If-Match': created['@odata.etag'] },
    );
    expect(updated.status).toBe(200);
    expect(updated.body.subject).toBe('Renamed');
    expect(updated.body.changeKey).not.toBe(created.changeKey);

    const stale = await me.patch(
      `/me/events/${created.id}`,
      { subject: 'Lost' },
      { 'If-Match': created['@odata.etag'] },
    );
    expect(stale.status).toBe(412);
    expect(stale.body.error.code).toBe('ErrorIrresolvableConflict');
    const staleDelete = await me.delete(`/me/events/${created.id}`, {
      'If-Match': `W/"${created.changeKey}"`,
    });
    expect(staleDelete.status).toBe(412);
    expect((await me.get(`/me/events/${created.id}`)).body.subject).toBe('Renamed');

    h.sandbox.configure({ staleIfMatchStatus: 409 });
    const conflict = await me.patch(
      `/me/events/${created.id}`,
      { subject: 'Lost' },
      { 'If-Match': created['@odata.etag'] },
    );
    expect(conflict.status).toBe(409);
    h.sandbox.configure({ staleIfMatchStatus: 412 });

    expect(
      (await me.delete(`/me/events/${created.id}`, { 'If-Match': updated.body['@odata.etag'] })).status,
    ).toBe(204);
    expect((await me.get(`/me/events/${created.id}`)).status).toBe(404);
  });

  test('a repeated transactionId with the same body answers 201 with the first event and creates nothing', async () => {
    const body = anEvent({ transactionId: 'tx-0001', ...crmId('crm-1') });
    const first = await me.post('/me/events', body);
    const second = await me.post('/me/events', body);
    expect(second.status).toBe(201);
    expect(second.body.id).toBe(first.body.id);
    expect(second.body.transactionId).toBe('tx-0001');
    expect((await me.get('/me/events')).body.value).toHaveLength(1);

    const clash = await me.post('/me/events', { ...body, subject: 'Something else' });
    expect(clash.status).toBe(400);
    expect(clash.body.error.code).toBe('ErrorDuplicateTransactionId');
  });

  test('single-value extended properties: written on create and update, expanded, and filtered on', async () => {
    const a = (await me.post('/me/events', anEvent({ ...crmId('crm-a') }))).body;
    await me.post('/me/events', anEvent({ ...crmId('crm-b') }));
    await me.post('/me/events', anEvent());
    expect(a.singleValueExtendedProperties).toBeUndefined();

    const expanded = await me.get(`/me/events/${a.id}?$expand=${encodeURIComponent(expandCrmId())}`);
    expect(expanded.body.singleValueExtendedProperties).toEqual([{ id: CRM_ID_PROPERTY, value: 'crm-a' }]);

    const found = await me.get(`/me/events?$filter=${encodeURIComponent(byCrmId('crm-b'))}`);
    expect(found.body.value).toHaveLength(1);
    expect(found.body.value[0].id).not.toBe(a.id);

    await me.patch(`/me/events/${a.id}`, crmId('crm-a2'));
    expect((await me.get(`/me/events?$filter=${encodeURIComponent(byCrmId('crm-a'))}`)).body.value).toEqual(
      [],
    );
    expect(
      (await me.get(`/me/events?$filter=${encodeURIComponent(byCrmId('crm-a2'))}`)).body.value,
    ).toHaveLength(1);
  });

  test('bodies are validated like Graph', async () => {
    const backwards = await me.post(
      '/me/events',
      anEvent({
        start: { dateTime: '2026-12-01T10:00:00', timeZone: 'UTC' },
        end: { dateTime: '2026-12-01T09:00:00', timeZone: 'UTC' },
      }),
    );
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.code).toBe('ErrorCalendarEndDateIsEarlierThanStartDate');

    const notMidnight = await me.post('/me/events', { ...anEvent(), isAllDay: true });
    expect(notMidnight.status).toBe(400);
    const allDay = await me.post('/me/events', anAllDayEvent('2026-12-03', 2));
    expect(allDay.status).toBe(201);

    const unknown = await me.post('/me/events', { ...anEvent(), colour: 'red' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('RequestBodyRead');

    const zone = await me.post(
      '/me/events',
      anEvent({
        start: { dateTime: '2026-12-01T10:00:00', timeZone: 'Mars/Olympus' },
        end: { dateTime: '2026-12-01T11:00:00', timeZone: 'UTC' },
      }),
    );
    expect(zone.status).toBe(400);
    expect(zone.body.error.code).toBe('TimeZoneNotSupportedException');

    const badDate = await me.post(
      '/me/events',
      anEvent({ start: { dateTime: 'tomorrow', timeZone: 'UTC' } }),
    );
    expect(badDate.status).toBe(400);

    const badJson = await h.inject({
      method: 'POST',
      url: '/graph/v1.0/me/events',
      headers: { authorization: `Bearer ${me.token}`, 'content-type': 'application/json' },
      payload: '{"subject":',
    });
    expect(badJson.statusCode).toBe(400);
    expect(badJson.json().error.code).toBe('BadRequest');
  });

  test('Prefer outlook.timezone and body-content-type are applied and acknowledged; all-day stays midnight', async () => {
    const timed = (await me.post('/me/events', anEvent({ at: '2026-07-01T10:00' }))).body;
    const allDay = (await me.post('/me/events', anAllDayEvent('2026-07-02'))).body;
    const prefer = {
      Prefer: 'outlook.timezone="America/New_York", outlook.body-content-type="text", IdType="ImmutableId"',
    };
    const res = await me.get(`/me/events/${timed.id}`, prefer);
    expect(res.body.start).toEqual({ dateTime: '2026-07-01T06:00:00.0000000', timeZone: 'America/New_York' });
    expect(res.body.body).toEqual({ contentType: 'text', content: 'Quarterly numbers' });
    const applied = String(res.headers['preference-applied']);
    expect(applied).toContain('outlook.timezone="America/New_York"');
    expect(applied).toContain('outlook.body-content-type="text"');
    expect(applied).toContain('IdType="ImmutableId"');

    const day = await me.get(`/me/events/${allDay.id}`, prefer);
    expect(day.body.start).toEqual({ dateTime: '2026-07-02T00:00:00.0000000', timeZone: 'America/New_York' });
    expect(day.body.end).toEqual({ dateTime: '2026-07-03T00:00:00.0000000', timeZone: 'America/New_York' });
  });

  test('$select, $orderby and $top/$skip paging on event lists', async () => {
    for (const at of ['2026-12-03T09:00', '2026-12-01T09:00', '2026-12-02T09:00']) {
      await me.post('/me/events', anEvent({ at, subject: at }));
    }
    const pages = await me.pages('/me/events?$select=subject&$orderby=start/dateTime&$top=2');
    expect(pages.map((p) => p.value.map((e: { subject: string }) => e.subject))).toEqual([
      ['2026-12-01T09:00', '2026-12-02T09:00'],
      ['2026-12-03T09:00'],
    ]);
    expect(Object.keys(pages[0].value[0]).sort()).toEqual(['@odata.etag', 'id', 'subject']);
  });

  test('attendees get invitations, updates and cancellations in their sandbox mailboxes', async () => {
    const meeting = (
      await me.post(
        '/me/events',
        anEvent({ attendees: [attendee(BRUNO), attendee('client@customer.example')] }),
      )
    ).body;
    expect(h.sandbox.mailbox(BRUNO).map((m) => m.kind)).toEqual(['invitation']);
    expect(h.sandbox.mailbox('client@customer.example')).toHaveLength(1);
    expect(h.sandbox.mailbox(BRUNO)[0]).toMatchObject({
      subject: 'Pipeline review',
      eventId: meeting.id,
      from: { address: ADMIN },
    });

    await me.patch(`/me/events/${meeting.id}`, {
      subject: 'Moved',
      attendees: [attendee(BRUNO), attendee(CARMEN)],
    });
    expect(h.sandbox.mailbox(BRUNO).map((m) => m.kind)).toEqual(['invitation', 'update']);
    expect(h.sandbox.mailbox(CARMEN).map((m) => m.kind)).toEqual(['invitation']);
    expect(h.sandbox.mailbox('client@customer.example').map((m) => m.kind)).toEqual([
      'invitation',
      'cancellation',
    ]);

    await me.delete(`/me/events/${meeting.id}`);
    expect(h.sandbox.mailbox(BRUNO).map((m) => m.kind)).toEqual(['invitation', 'update', 'cancellation']);
    expect(h.sandbox.mailbox(CARMEN).map((m) => m.kind)).toEqual(['invitation', 'cancellation']);

    const quiet = await me.post('/me/events', anEvent());
    await me.patch(`/me/events/${quiet.body.id}`, { subject: 'x' });
    await me.delete(`/me/events/${quiet.body.id}`);
    expect(h.sandbox.mailbox(BRUNO)).toHaveLength(3);

    const http = await h.inject({ url: `/sandbox/mailboxes/${CARMEN}/messages` });
    expect(http.json().value.map((m: { kind: string }) => m.kind)).toEqual(['invitation', 'cancellation']);
  });

  test('/users/{upn}/… addresses the caller’s own mailbox only', async () => {
    expect((await me.get(`/users/${ADMIN}/calendars`)).status).toBe(200);
    const other = await me.get(`/users/${BRUNO}/calendars`);
    expect(other.status).toBe(403);
    expect(other.body.error.code).toBe('ErrorAccessDenied');
  });

  test('unknown segments and methods answer like Graph', async () => {
    expect((await me.get('/me/nonsense')).body.error.code).toBe('BadRequest');
    expect((await me.call('PUT', '/me/events')).status).toBe(405);
  });
});
