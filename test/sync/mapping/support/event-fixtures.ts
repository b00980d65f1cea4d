import fc from 'fast-check';
import type { EventFields } from '../../../../src/domain/event';
import {
  DAYS_OF_WEEK,
  WEEK_INDEXES,
  type PatternedRecurrence,
  type RecurrencePattern,
} from '../../../../src/domain/recurrence';
import { addDays, instantToLocal, localToInstant } from '../../../../src/domain/time-zones';
import type { GraphEvent } from '../../../../src/sync/mapping/graph-event';

/** A one-hour timed CRM event in Madrid; override what a test is about. */
export function aCrmEvent(overrides: Partial<EventFields> = {}): EventFields {
  return {
    title: 'Pipeline review',
    description: 'Quarterly numbers.\nBring the forecast.',
    location: 'Sala 2',
    timeZone: 'Europe/Madrid',
    isAllDay: false,
    start: '2026-03-27T09:00:00.000Z',
    end: '2026-03-27T10:00:00.000Z',
    attendees: [],
    reminderMinutes: 15,
    recurrence: null,
    exceptions: [],
    ...overrides,
  };
}

/** A timed event at a wall time in a zone. */
export function aCrmEventAt(local: string, zone: string, minutes = 60, overrides: Partial<EventFields> = {}) {
  const start = localToInstant(local, zone);
  return aCrmEvent({
    timeZone: zone,
    start: start.toISOString(),
    end: new Date(start.getTime() + minutes * 60_000).toISOString(),
    ...overrides,
  });
}

export function anAllDayCrmEvent(startDate: string, days = 1, overrides: Partial<EventFields> = {}) {
  return aCrmEvent({
    isAllDay: true,
    start: null,
    end: null,
    startDate,
    endDate: addDays(startDate, days),
    ...overrides,
  });
}

/** A Graph event as the service answers it in UTC; override what a test is about. */
export function aGraphEvent(overrides: Partial<GraphEvent> = {}): GraphEvent {
  return {
    id: 'AAMkAevent1',
    type: 'singleInstance',
    subject: 'Pipeline review',
    body: { contentType: 'text', content: 'Quarterly numbers.' },
    location: { displayName: 'Sala 2' },
    start: { dateTime: '2026-03-27T09:00:00.0000000', timeZone: 'UTC' },
    end: { dateTime: '2026-03-27T10:00:00.0000000', timeZone: 'UTC' },
    originalStartTimeZone: 'Romance Standard Time',
    originalEndTimeZone: 'Romance Standard Time',
    isAllDay: false,
    isReminderOn: true,
    reminderMinutesBeforeStart: 15,
    recurrence: null,
    attendees: [],
    ...overrides,
  };
}

// --- fast-check arbitraries ------------------------------------------------------------------------

/** Zones with DST in both hemispheres, odd offsets, and none. */
export const ZONES = [
  'Europe/Madrid',
  'America/New_York',
  'America/Los_Angeles',
  'Australia/Sydney',
  'Pacific/Auckland',
  'Asia/Kolkata',
  'America/Sao_Paulo',
  'Asia/Tokyo',
  'UTC',
] as const;

const line = fc
  .string({
    minLength: 1,
    maxLength: 30,
    unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz ÁéñÜ-.,'.split('')),
  })
  .map((s) => s.trim())
  .filter((s) => s !== '');
const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });
const email = fc
  .tuple(fc.stringMatching(/^[a-z]{1,8}$/), fc.stringMatching(/^[a-z]{1,8}$/))
  .map(([a, b]) => `${a}@${b}.example`);

/** Dates around the DST changes of 2026 in both hemispheres. */
const date = fc
  .constantFrom(
    '2026-03-08',
    '2026-03-29',
    '2026-04-05',
    '2026-09-27',
    '2026-10-04',
    '2026-10-25',
    '2026-11-01',
    '2026-06-15',
    '2026-12-31',
  )
  .chain((d) => fc.integer({ min: -3, max: 3 }).map((shift) => addDays(d, shift)));

const days = fc.uniqueArray(fc.constantFrom(...DAYS_OF_WEEK), { minLength: 1, maxLength: 3 });

const pattern: fc.Arbitrary<RecurrencePattern> = fc.oneof(
  fc.record({ type: fc.constant('daily' as const), interval: fc.integer({ min: 1, max: 3 }) }),
  fc.record({
    type: fc.constant('weekly' as const),
    interval: fc.integer({ min: 1, max: 3 }),
    daysOfWeek: days,
    firstDayOfWeek: fc.constantFrom('sunday' as const, 'monday' as const),
  }),
  fc.record({
    type: fc.constant('absoluteMonthly' as const),
    interval: fc.integer({ min: 1, max: 3 }),
    dayOfMonth: fc.integer({ min: 1, max: 31 }),
  }),
  fc.record({
    type: fc.constant('relativeMonthly' as const),
    interval: fc.integer({ min: 1, max: 3 }),
    daysOfWeek: days,
    index: fc.constantFrom(...WEEK_INDEXES),
  }),
  fc.record({
    type: fc.constant('absoluteYearly' as const),
    interval: fc.constant(1),
    month: fc.integer({ min: 1, max: 12 }),
    dayOfMonth: fc.integer({ min: 1, max: 28 }),
  }),
  fc.record({
    type: fc.constant('relativeYearly' as const),
    interval: fc.constant(1),
    month: fc.integer({ min: 1, max: 12 }),
    daysOfWeek: days,
    index: fc.constantFrom(...WEEK_INDEXES),
  }),
);

function recurrenceFrom(
  p: RecurrencePattern,
  startDate: string,
  range: { kind: 'noEnd' | 'endDate' | 'numbered'; n: number },
): PatternedRecurrence {
  if (range.kind === 'numbered')
    return { pattern: p, range: { type: 'numbered', startDate, numberOfOccurrences: range.n } };
  if (range.kind === 'endDate')
    return { pattern: p, range: { type: 'endDate', startDate, endDate: addDays(startDate, range.n * 40) } };
  return { pattern: p, range: { type: 'noEnd', startDate } };
}

const rangeKind = fc.record({
  kind: fc.constantFrom('noEnd' as const, 'endDate' as const, 'numbered' as const),
  n: fc.integer({ min: 1, max: 20 }),
});

/** Random valid CRM events: timed or all-day, in DST zones, with or without a series. */
export const crmEventArbitrary: fc.Arbitrary<EventFields> = fc
  .record({
    zone: fc.constantFrom(...ZONES),
    date,
    minuteOfDay: fc.integer({ min: 0, max: 24 * 4 - 1 }).map((q) => q * 15),
    minutes: fc.integer({ min: 0, max: 8 * 4 }).map((q) => q * 15),
    allDay: fc.boolean(),
    days: fc.integer({ min: 1, max: 3 }),
    title: optional(line),
    description: optional(fc.array(line, { minLength: 1, maxLength: 3 }).map((l) => l.join('\n'))),
    location: optional(line),
    attendees: fc.uniqueArray(
      fc.record({
        email,
        name: optional(line),
        response: fc.constantFrom(
          'none' as const,
          'accepted' as const,
          'declined' as const,
          'tentative' as const,
        ),
      }),
      { maxLength: 3, selector: (a) => a.email },
    ),
    reminderMinutes: optional(fc.constantFrom(0, 5, 15, 60, 1440)),
    pattern: optional(pattern),
    range: rangeKind,
  })
  .map((r) => {
    const common: Partial<EventFields> = {
      title: r.title ?? 'Untitled',
      description: r.description,
      location: r.location,
      attendees: r.attendees.map((a) => ({
        email: a.email,
        response: a.response,
        ...(a.name ? { name: a.name } : {}),
      })),
      reminderMinutes: r.reminderMinutes,
    };
    const hh = String(Math.floor(r.minuteOfDay / 60)).padStart(2, '0');
    const mm = String(r.minuteOfDay % 60).padStart(2, '0');
    const event = r.allDay
      ? anAllDayCrmEvent(r.date, r.days, { ...common, timeZone: r.zone })
      : aCrmEventAt(`${r.date}T${hh}:${mm}:00`, r.zone, r.minutes, common);
    const startLocalDate = r.allDay ? r.date : instantToLocal(event.start!, r.zone).slice(0, 10);
    return {
      ...event,
      recurrence: r.pattern ? recurrenceFrom(r.pattern, startLocalDate, r.range) : null,
    };
  });
