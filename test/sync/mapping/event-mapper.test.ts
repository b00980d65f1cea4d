import fc from 'fast-check';
import { eventTimeProblem, type EventFields } from '../../../src/domain/event';
import { expandRecurrence } from '../../../src/domain/recurrence';
import { instantToLocal, localToInstant, resolveTimeZone } from '../../../src/domain/time-zones';
import {
  EVENT_FIELDS,
  canonicalZone,
  composeBody,
  createEventMapper,
  splitBody,
} from '../../../src/sync/mapping/event-mapper';
import { PARTICIPANTS_PROPERTY } from '../../../src/sync/mapping/extended-properties';
import type { GraphEvent, GraphSeries } from '../../../src/sync/mapping/graph-event';
import {
  aCrmEvent,
  aCrmEventAt,
  aGraphEvent,
  anAllDayCrmEvent,
  crmEventArbitrary,
} from './support/event-fixtures';

const mapper = createEventMapper();

/**
 * What Graph holds after a create with `body`, answered in `zone` (UTC by default): times converted,
 * all-day dates kept, the zone written remembered as originalStartTimeZone.
 */
function graphAnswer(body: Record<string, unknown>, zone = 'UTC'): GraphEvent {
  const sent = body as GraphEvent;
  const convert = (t: GraphEvent['start']) => {
    if (sent.isAllDay) return { dateTime: t!.dateTime, timeZone: zone };
    const instant = localToInstant(t!.dateTime.slice(0, 19), resolveTimeZone(t!.timeZone));
    return { dateTime: instantToLocal(instant, zone), timeZone: zone };
  };
  return {
    ...sent,
    type: sent.recurrence ? 'seriesMaster' : 'singleInstance',
    start: convert(sent.start),
    end: convert(sent.end),
    originalStartTimeZone: sent.start!.timeZone,
    originalEndTimeZone: sent.end!.timeZone,
    attendees: [],
  };
}

describe('times and zones', () => {
  test('a timed event is written as a wall time under the Windows zone name and read back to the same instant', () => {
    const event = aCrmEventAt('2026-03-29T09:30:00', 'Europe/Paris', 90);
    const body = mapper.toGraph(mapper.fromCrm(event));
    expect(body.start).toEqual({
      dateTime: '2026-03-29T09:30:00.0000000',
      timeZone: 'Romance Standard Time',
    });
    expect(body.end).toEqual({ dateTime: '2026-03-29T11:00:00.0000000', timeZone: 'Romance Standard Time' });
    expect(body.isAllDay).toBe(false);
    const back = mapper.fromGraph(graphAnswer(body));
    expect(back.start).toBe('2026-03-29T07:30:00.000Z');
    expect(back).toEqual(mapper.fromCrm(event));
  });

  test('answers in another zone (Windows or IANA) give the same snapshot', () => {
    const event = aCrmEventAt('2026-10-25T18:00:00', 'America/New_York');
    const body = mapper.toGraph(mapper.fromCrm(event));
    expect(body.start).toMatchObject({ timeZone: 'Eastern Standard Time' });
    for (const zone of ['UTC', 'Asia/Kolkata', 'Tokyo Standard Time', 'Pacific/Auckland']) {
      expect(mapper.fromGraph(graphAnswer(body, zone))).toEqual(mapper.fromCrm(event));
    }
  });

  test('zones share a Windows zone, but a snapshot keeps the one chosen: Europe/Madrid stays Europe/Madrid', () => {
    expect(canonicalZone('Europe/Madrid')).toBe('Europe/Paris');
    expect(canonicalZone('Romance Standard Time')).toBe('Europe/Paris');
    expect(canonicalZone('UTC')).toBe('Etc/UTC');
    expect(mapper.fromCrm(aCrmEvent()).timeZone).toBe('Europe/Madrid');
  });

  test('an event in Europe/Madrid is written under its IANA name and comes back in Europe/Madrid', () => {
    const event = aCrmEventAt('2026-03-29T09:30:00', 'Europe/Madrid', 90);
    const body = mapper.toGraph(mapper.fromCrm(event));
    expect(body.start).toEqual({ dateTime: '2026-03-29T09:30:00.0000000', timeZone: 'Europe/Madrid' });
    const back = mapper.fromGraph(graphAnswer(body));
    expect(back.timeZone).toBe('Europe/Madrid');
    expect(back).toEqual(mapper.fromCrm(event));
    // Made in Outlook: the zone it carries is the one kept.
    expect(mapper.fromGraph(aGraphEvent({ originalStartTimeZone: 'Europe/Madrid' })).timeZone).toBe(
      'Europe/Madrid',
    );
    expect(mapper.fromGraph(aGraphEvent({ originalStartTimeZone: 'Romance Standard Time' })).timeZone).toBe(
      'Europe/Paris',
    );
    // Old spellings and UTC's many names still settle on one name.
    expect(mapper.fromCrm(aCrmEvent({ timeZone: 'Etc/GMT' })).timeZone).toBe('Etc/UTC');
  });

  test('a start inside the fall-back overlap keeps its exact instant (written in UTC)', () => {
    // 01:30 happens twice in New York on 2026-11-01; this is the second one, on standard time.
    const start = '2026-11-01T06:30:00.000Z';
    const event = aCrmEvent({ timeZone: 'America/New_York', start, end: '2026-11-01T08:00:00.000Z' });
    const body = mapper.toGraph(mapper.fromCrm(event));
    expect(body.start).toEqual({ dateTime: '2026-11-01T06:30:00.0000000', timeZone: 'UTC' });
    expect(body.end).toEqual({ dateTime: '2026-11-01T03:00:00.0000000', timeZone: 'Eastern Standard Time' });
    expect(mapper.fromGraph(graphAnswer(body))).toEqual(mapper.fromCrm(event));
  });

  test('Outlook custom zones fall back to the other zone hints, then UTC', () => {
    const custom = aGraphEvent({
      originalStartTimeZone: 'tzone://Microsoft/Custom',
      originalEndTimeZone: 'Pacific Standard Time',
    });
    expect(mapper.fromGraph(custom).timeZone).toBe('America/Los_Angeles');
    const none = aGraphEvent({
      originalStartTimeZone: 'tzone://Microsoft/Custom',
      originalEndTimeZone: 'tzone://Microsoft/Custom',
    });
    expect(mapper.fromGraph(none).timeZone).toBe('Etc/UTC');
  });

  test('a Graph event with no start fails loudly instead of inventing one', () => {
    expect(() => mapper.fromGraph(aGraphEvent({ start: null }))).toThrow(/no start/);
    expect(() =>
      mapper.fromGraph(aGraphEvent({ start: { dateTime: '2026-01-01T00:00:00', timeZone: 'Mars/Base' } })),
    ).toThrow(/unknown time zone/);
  });
});

describe('all-day events', () => {
  test('are dates with an exclusive end, midnight to midnight in Graph', () => {
    const event = anAllDayCrmEvent('2026-10-24', 2, { timeZone: 'Europe/Paris' });
    const body = mapper.toGraph(mapper.fromCrm(event));
    expect(body).toMatchObject({
      isAllDay: true,
      start: { dateTime: '2026-10-24T00:00:00.0000000', timeZone: 'Romance Standard Time' },
      end: { dateTime: '2026-10-26T00:00:00.0000000', timeZone: 'Romance Standard Time' },
    });
    const snapshot = mapper.fromCrm(event);
    expect(snapshot).toMatchObject({
      isAllDay: true,
      start: null,
      end: null,
      startDate: '2026-10-24',
      endDate: '2026-10-26',
    });
    // Graph answers all-day events midnight to midnight whatever zone is asked for.
    expect(mapper.fromGraph(graphAnswer(body, 'Pacific Standard Time'))).toEqual(snapshot);
  });
});

describe('title, body, location, reminder', () => {
  test('map to subject, a text body, location and reminder settings', () => {
    const body = mapper.toGraph(mapper.fromCrm(aCrmEvent({ reminderMinutes: 30 })));
    expect(body).toMatchObject({
      subject: 'Pipeline review',
      body: { contentType: 'text', content: 'Quarterly numbers.\nBring the forecast.' },
      location: { displayName: 'Sala 2' },
      isReminderOn: true,
      reminderMinutesBeforeStart: 30,
    });
    const off = mapper.toGraph(mapper.fromCrm(aCrmEvent({ reminderMinutes: null })), ['reminderMinutes']);
    expect(off).toEqual({ isReminderOn: false });
    expect(
      mapper.fromGraph(aGraphEvent({ isReminderOn: false, reminderMinutesBeforeStart: 15 })).reminderMinutes,
    ).toBeNull();
  });

  test('an HTML body is read as text', () => {
    const html = aGraphEvent({
      body: {
        contentType: 'html',
        content: '<html><head><style>p{}</style></head><body><p>Line &amp; one</p><p>Two</p></body></html>',
      },
    });
    expect(mapper.fromGraph(html).description).toBe('Line & one\nTwo');
  });

  test('a partial update sends only what changed', () => {
    const snapshot = mapper.fromCrm(aCrmEvent());
    expect(mapper.toGraph(snapshot, ['title'])).toEqual({ subject: 'Pipeline review' });
    expect(mapper.toGraph(snapshot, ['location'])).toEqual({ location: { displayName: 'Sala 2' } });
    expect(Object.keys(mapper.toGraph(snapshot, ['end'])).sort()).toEqual(['end', 'isAllDay', 'start']);
  });

  test('snapshots list every field in a stable order', () => {
    expect(Object.keys(mapper.fromCrm(aCrmEvent()))).toEqual([...EVENT_FIELDS]);
    expect(Object.keys(mapper.fromGraph(aGraphEvent()))).toEqual([...EVENT_FIELDS]);
  });
});

describe('attendees', () => {
  const attendees = [
    { email: 'Bruno@Contoso.example', name: 'Bruno Castillo', response: 'accepted' as const },
    { email: 'client@customer.example' },
  ];

  test('are never written as Graph attendees: a participants block and an extended property instead', () => {
    const body = mapper.toGraph(mapper.fromCrm(aCrmEvent({ attendees })));
    expect(body).not.toHaveProperty('attendees');
    expect((body.body as { content: string }).content).toBe(
      'Quarterly numbers.\nBring the forecast.\n\n---- Participants ----\nBruno Castillo <bruno@contoso.example>\nclient@customer.example',
    );
    const property = (body.singleValueExtendedProperties as { id: string; value: string }[])[0]!;
    expect(property.id).toBe(PARTICIPANTS_PROPERTY);
    expect(JSON.parse(property.value)).toEqual([
      { email: 'bruno@contoso.example', name: 'Bruno Castillo', response: 'accepted' },
      { email: 'client@customer.example', name: null, response: 'none' },
    ]);
    for (const changed of EVENT_FIELDS)
      expect(mapper.toGraph(mapper.fromCrm(aCrmEvent({ attendees })), [changed])).not.toHaveProperty(
        'attendees',
      );
  });

  test('read back from the property, or from the body block when the property was not expanded', () => {
    const snapshot = mapper.fromCrm(aCrmEvent({ attendees }));
    const body = mapper.toGraph(snapshot);
    expect(mapper.fromGraph(graphAnswer(body))).toEqual(snapshot);
    const withoutProperty = { ...graphAnswer(body) };
    delete withoutProperty.singleValueExtendedProperties;
    const fromBlock = mapper.fromGraph(withoutProperty);
    expect(fromBlock.description).toBe(snapshot.description);
    expect(fromBlock.attendees).toEqual([
      { email: 'bruno@contoso.example', name: 'Bruno Castillo', response: 'none' },
      { email: 'client@customer.example', name: null, response: 'none' },
    ]);
  });

  test('attendees invited in Outlook become CRM participants with their responses', () => {
    const event = aGraphEvent({
      attendees: [
        {
          type: 'required',
          status: { response: 'tentativelyAccepted' },
          emailAddress: { name: 'Carmen', address: 'carmen@contoso.example' },
        },
        {
          type: 'optional',
          status: { response: 'none' },
          emailAddress: { name: 'x@y.example', address: 'x@y.example' },
        },
      ],
    });
    const snapshot = mapper.fromGraph(event);
    expect(snapshot.attendees).toEqual([
      { email: 'carmen@contoso.example', name: 'Carmen', response: 'tentative' },
      { email: 'x@y.example', name: null, response: 'none' },
    ]);
    expect(mapper.toCrm(snapshot, ['attendees'])).toEqual({
      attendees: [
        { email: 'carmen@contoso.example', name: 'Carmen', response: 'tentative' },
        { email: 'x@y.example', response: 'none' },
      ],
    });
  });

  test('the block is split off the description and parsed', () => {
    expect(
      splitBody('Hello\r\n\r\n---- Participants ----\r\nAna <ana@x.example>\r\nbob@x.example\r\n'),
    ).toEqual({
      description: 'Hello',
      listed: [
        { email: 'ana@x.example', name: 'Ana', response: 'none' },
        { email: 'bob@x.example', name: null, response: 'none' },
      ],
    });
    expect(splitBody('No block here')).toEqual({ description: 'No block here', listed: [] });
    expect(composeBody(null, [])).toBe('');
  });
});

describe('recurrence', () => {
  const weekly = {
    pattern: { type: 'weekly' as const, interval: 1, daysOfWeek: ['tuesday' as const, 'friday' as const] },
    range: { type: 'endDate' as const, startDate: '2026-03-27', endDate: '2026-05-01' },
  };

  test('is written with a Windows recurrenceTimeZone and read back from Graph’s filled-in form', () => {
    const event = aCrmEvent({ timeZone: 'Europe/Paris', recurrence: weekly });
    const body = mapper.toGraph(mapper.fromCrm(event));
    expect(body.recurrence).toEqual({
      pattern: { type: 'weekly', interval: 1, daysOfWeek: ['tuesday', 'friday'] },
      range: {
        type: 'endDate',
        startDate: '2026-03-27',
        endDate: '2026-05-01',
        recurrenceTimeZone: 'Romance Standard Time',
      },
    });
    const answered = graphAnswer(body);
    answered.recurrence = {
      pattern: {
        type: 'weekly',
        interval: 1,
        month: 0,
        dayOfMonth: 0,
        daysOfWeek: ['friday', 'tuesday'],
        firstDayOfWeek: 'sunday',
        index: 'first',
      },
      range: {
        type: 'endDate',
        startDate: '2026-03-27',
        endDate: '2026-05-01',
        recurrenceTimeZone: 'Romance Standard Time',
        numberOfOccurrences: 0,
      },
    };
    expect(mapper.fromGraph(unEditedSeries(answered, event, true))).toEqual(mapper.fromCrm(event));
  });

  test('a time change re-sends the pattern so its start date moves along', () => {
    const snapshot = mapper.fromCrm(aCrmEvent({ recurrence: weekly }));
    expect(mapper.toGraph(snapshot, ['start', 'end'])).toHaveProperty('recurrence');
    expect(mapper.toGraph({ ...snapshot, recurrence: null }, ['recurrence'])).toEqual({ recurrence: null });
  });
});

describe('exceptions from a Graph series', () => {
  // Fridays 10:00 Madrid from 2026-03-27, five times.
  const crm = aCrmEventAt('2026-03-27T10:00:00', 'Europe/Madrid', 60, {
    recurrence: {
      pattern: { type: 'weekly', interval: 1, daysOfWeek: ['friday'] },
      range: { type: 'numbered', startDate: '2026-03-27', numberOfOccurrences: 5 },
    },
  });
  const master = { ...graphAnswer(mapper.toGraph(mapper.fromCrm(crm))), id: 'master' };
  const occurrence = (date: string, overrides: Partial<GraphEvent> = {}): GraphEvent => {
    const start = localToInstant(`${date}T10:00:00`, 'Europe/Madrid');
    return {
      ...master,
      id: `occ-${date}`,
      type: 'occurrence',
      seriesMasterId: 'master',
      recurrence: null,
      originalStart: start.toISOString(),
      start: { dateTime: instantToLocal(start, 'UTC'), timeZone: 'UTC' },
      end: { dateTime: instantToLocal(new Date(start.getTime() + 3_600_000), 'UTC'), timeZone: 'UTC' },
      ...overrides,
    };
  };
  const moved = (date: string, local: string) => {
    const start = localToInstant(local, 'Europe/Madrid');
    return occurrence(date, {
      type: 'exception',
      subject: 'Moved review',
      start: { dateTime: instantToLocal(start, 'UTC'), timeZone: 'UTC' },
      end: { dateTime: instantToLocal(new Date(start.getTime() + 1_800_000), 'UTC'), timeZone: 'UTC' },
    });
  };
  const expected = [
    {
      originalStartDate: '2026-04-03',
      start: localToInstant('2026-04-02T16:00:00', 'Europe/Madrid').toISOString(),
      end: localToInstant('2026-04-02T16:30:00', 'Europe/Madrid').toISOString(),
      title: 'Moved review',
    },
    { originalStartDate: '2026-04-10', cancelled: true },
  ];

  test('edited occurrences become exceptions with times and title; missing ones are cancelled', () => {
    const series = {
      master,
      instances: [
        occurrence('2026-03-27'),
        moved('2026-04-03', '2026-04-02T16:00:00'),
        occurrence('2026-04-17'),
        occurrence('2026-04-24'),
      ],
    };
    const snapshot = mapper.fromGraph(series);
    expect(snapshot.exceptions).toEqual(expected);
    expect(mapper.toCrm(snapshot, ['exceptions'])).toEqual({ exceptions: expected });
    // The same exceptions kept in the CRM give the same snapshot.
    expect(mapper.fromCrm({ ...crm, exceptions: expected })).toEqual(snapshot);
  });

  test('without originalStart (Graph does not always send it) a moved exception takes the nearest free date', () => {
    const strip = (e: GraphEvent) => ({ ...e, originalStart: null });
    const series = {
      master,
      instances: [
        occurrence('2026-03-27'),
        moved('2026-04-03', '2026-04-02T16:00:00'),
        occurrence('2026-04-17'),
        occurrence('2026-04-24'),
      ].map(strip),
    };
    expect(mapper.fromGraph(series).exceptions).toEqual(expected);
  });

  test('only dates inside the window count as cancelled', () => {
    const series = {
      master,
      instances: [occurrence('2026-04-10')],
      window: { start: '2026-04-06T00:00:00Z', end: '2026-04-13T00:00:00Z' },
    };
    expect(mapper.fromGraph(series).exceptions).toEqual([]);
  });

  test('exceptions that repeat the series change nothing and are dropped', () => {
    expect(
      mapper.fromCrm({ ...crm, exceptions: [{ originalStartDate: '2026-04-03', title: crm.title! }] })
        .exceptions,
    ).toEqual([]);
  });
});

/** A series as `/instances` would give it over a window: every regular occurrence, unedited. */
function unEditedSeries(answer: GraphEvent, event: EventFields, withOriginalStart: boolean): GraphSeries {
  const zone = event.timeZone!;
  const isAllDay = event.isAllDay === true;
  const start = isAllDay ? event.startDate! : instantToLocal(event.start!, zone);
  const end = isAllDay ? event.endDate! : instantToLocal(event.end!, zone);
  const from = isAllDay ? localToInstant(`${event.startDate}T00:00:00`, zone) : new Date(event.start!);
  const window = {
    start: new Date(from.getTime() - 86_400_000).toISOString(),
    end: new Date(from.getTime() + 120 * 86_400_000).toISOString(),
  };
  const occurrences = expandRecurrence(event.recurrence!, {
    start,
    end,
    timeZone: zone,
    isAllDay,
    from: window.start,
    to: window.end,
  }).occurrences;
  const at = (instant: Date, local: string) =>
    isAllDay
      ? { dateTime: local, timeZone: 'UTC' }
      : { dateTime: instantToLocal(instant, 'UTC'), timeZone: 'UTC' };
  return {
    master: answer,
    window,
    instances: occurrences.map((o) => ({
      ...answer,
      type: 'occurrence' as const,
      recurrence: null,
      originalStart: withOriginalStart ? o.start.toISOString() : null,
      start: at(o.start, o.startLocal),
      end: at(o.end, o.endLocal),
    })),
  };
}

test('property: CRM → Graph → CRM is the identity on every mapped field (DST zones, all-day, each pattern type)', () => {
  const answerZones = ['UTC', 'Europe/Madrid', 'Pacific Standard Time', 'Asia/Kolkata'];
  fc.assert(
    fc.property(
      crmEventArbitrary,
      fc.constantFrom(...answerZones),
      fc.boolean(),
      (event, answerZone, withOriginalStart) => {
        expect(eventTimeProblem(event)).toBeUndefined();
        const snapshot = mapper.fromCrm(event);
        const body = mapper.toGraph(snapshot);
        expect(body).not.toHaveProperty('attendees');
        // Timed events are read in UTC, which is exact; all-day ones in any zone.
        const answer = graphAnswer(body, event.isAllDay ? answerZone : 'UTC');
        const back = event.recurrence
          ? mapper.fromGraph(unEditedSeries(answer, event, withOriginalStart))
          : mapper.fromGraph(answer);
        expect(back).toEqual(snapshot);
        expect(mapper.fromCrm({ ...event, ...mapper.toCrm(back) })).toEqual(snapshot);
      },
    ),
    { numRuns: 400 },
  );
});
