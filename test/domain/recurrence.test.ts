import fc from 'fast-check';
import { addDays, dayNumber, dateFromDayNumber } from '../../src/domain/calendar-dates';
import {
  InvalidRecurrenceError,
  compactRecurrence,
  expandRecurrence,
  isOccurrenceDate,
  normalizeRecurrence,
  occurrenceDates,
  sameRecurrence,
  validateRecurrence,
  type PatternedRecurrence,
} from '../../src/domain/recurrence';
import { localToInstant } from '../../src/domain/time-zones';
import {
  dateBetween,
  naiveOccurrenceDates,
  noEnd,
  numbered,
  recurrence,
  recurrenceArb,
  until,
  weekly,
} from './recurrence-fixtures';

const dates = (r: PatternedRecurrence, limit = 6): string[] => occurrenceDates(r, { limit });

describe('occurrence dates for each pattern type', () => {
  test('daily every 3 days', () => {
    expect(dates(recurrence({ type: 'daily', interval: 3 }, numbered('2024-02-27', 4)))).toEqual([
      '2024-02-27',
      '2024-03-01',
      '2024-03-04',
      '2024-03-07',
    ]);
  });

  test('weekly on several days starts at the first fitting date on or after startDate', () => {
    // 2024-03-13 is a Wednesday: Monday of that week is before startDate and is skipped.
    expect(dates(recurrence(weekly(['monday', 'wednesday', 'friday']), numbered('2024-03-13', 4)))).toEqual([
      '2024-03-13',
      '2024-03-15',
      '2024-03-18',
      '2024-03-20',
    ]);
  });

  test('weekly with interval 2 counts weeks from the week (by firstDayOfWeek) holding startDate', () => {
    // startDate Saturday 2024-03-16; weeks start on Monday, so that week is 03-11..03-17.
    const r = recurrence(
      weekly(['sunday', 'monday'], { interval: 2, firstDayOfWeek: 'monday' }),
      numbered('2024-03-16', 4),
    );
    expect(dates(r)).toEqual(['2024-03-17', '2024-03-25', '2024-03-31', '2024-04-08']);
    // With Sunday-first weeks the same days group differently: 03-17 opens a new week (not the
    // startDate's), so the first occurrence is two weeks after the startDate's week.
    const sundayFirst = recurrence(weekly(['sunday', 'monday'], { interval: 2 }), numbered('2024-03-16', 4));
    expect(dates(sundayFirst)).toEqual(['2024-03-24', '2024-03-25', '2024-04-07', '2024-04-08']);
  });

  test('absoluteMonthly on the 31st falls on the last day of shorter months (Outlook)', () => {
    const r = recurrence({ type: 'absoluteMonthly', interval: 1, dayOfMonth: 31 }, numbered('2023-12-31', 5));
    expect(dates(r)).toEqual(['2023-12-31', '2024-01-31', '2024-02-29', '2024-03-31', '2024-04-30']);
  });

  test('absoluteMonthly on the 31st can skip shorter months instead (RFC 5545)', () => {
    const r = recurrence({ type: 'absoluteMonthly', interval: 1, dayOfMonth: 31 }, numbered('2023-12-31', 5));
    expect(occurrenceDates(r, { monthDayOverflow: 'skip' })).toEqual([
      '2023-12-31',
      '2024-01-31',
      '2024-03-31',
      '2024-05-31',
      '2024-07-31',
    ]);
  });

  test('absoluteMonthly whose day has passed in the start month begins the next period', () => {
    const r = recurrence({ type: 'absoluteMonthly', interval: 2, dayOfMonth: 10 }, numbered('2024-01-20', 3));
    expect(dates(r)).toEqual(['2024-03-10', '2024-05-10', '2024-07-10']);
  });

  test('relativeMonthly: second Tuesday, and last weekday of the month', () => {
    const second = recurrence(
      { type: 'relativeMonthly', interval: 1, daysOfWeek: ['tuesday'], index: 'second' },
      numbered('2024-01-01', 3),
    );
    expect(dates(second)).toEqual(['2024-01-09', '2024-02-13', '2024-03-12']);
    const lastWeekday = recurrence(
      {
        type: 'relativeMonthly',
        interval: 1,
        daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
        index: 'last',
      },
      until('2024-01-01', '2024-04-30'),
    );
    expect(dates(lastWeekday)).toEqual(['2024-01-31', '2024-02-29', '2024-03-29', '2024-04-30']);
  });

  test('relativeMonthly last Friday', () => {
    const r = recurrence(
      { type: 'relativeMonthly', interval: 1, daysOfWeek: ['friday'], index: 'last' },
      numbered('2024-01-01', 3),
    );
    expect(dates(r)).toEqual(['2024-01-26', '2024-02-23', '2024-03-29']);
  });

  test('absoluteYearly on 29 February: the 28th in common years (Outlook) or leap years only', () => {
    const r = recurrence(
      { type: 'absoluteYearly', interval: 1, month: 2, dayOfMonth: 29 },
      numbered('2024-02-29', 5),
    );
    expect(dates(r)).toEqual(['2024-02-29', '2025-02-28', '2026-02-28', '2027-02-28', '2028-02-29']);
    expect(occurrenceDates(r, { monthDayOverflow: 'skip' })).toEqual([
      '2024-02-29',
      '2028-02-29',
      '2032-02-29',
      '2036-02-29',
      '2040-02-29',
    ]);
  });

  test('relativeYearly: fourth Thursday of November', () => {
    const r = recurrence(
      { type: 'relativeYearly', interval: 1, daysOfWeek: ['thursday'], month: 11, index: 'fourth' },
      until('2024-01-01', '2026-12-31'),
    );
    expect(dates(r)).toEqual(['2024-11-28', '2025-11-27', '2026-11-26']);
  });

  test('endDate is inclusive', () => {
    expect(dates(recurrence({ type: 'daily', interval: 1 }, until('2024-05-01', '2024-05-03')))).toEqual([
      '2024-05-01',
      '2024-05-02',
      '2024-05-03',
    ]);
  });

  test('isOccurrenceDate', () => {
    const r = recurrence(weekly(['monday']), noEnd('2024-01-01'));
    expect(isOccurrenceDate(r, '2031-06-02')).toBe(true);
    expect(isOccurrenceDate(r, '2031-06-03')).toBe(false);
    expect(isOccurrenceDate(r, '2023-12-25')).toBe(false);
  });
});

describe('expansion into timed occurrences', () => {
  const madridWeekly = recurrence(weekly(['monday']), noEnd('2024-03-18'));

  test('a 09:00 Madrid meeting is 08:00Z in winter and 07:00Z in summer (clocks change 2024-03-31)', () => {
    const { occurrences } = expandRecurrence(madridWeekly, {
      start: '2024-03-18T09:00:00.0000000',
      end: '2024-03-18T10:00:00.0000000',
      timeZone: 'Romance Standard Time',
      to: '2024-04-02T00:00:00Z',
    });
    expect(
      occurrences.map((o) => [o.originalStartDate, o.start.toISOString(), o.startLocal, o.endLocal]),
    ).toEqual([
      [
        '2024-03-18',
        '2024-03-18T08:00:00.000Z',
        '2024-03-18T09:00:00.0000000',
        '2024-03-18T10:00:00.0000000',
      ],
      [
        '2024-03-25',
        '2024-03-25T08:00:00.000Z',
        '2024-03-25T09:00:00.0000000',
        '2024-03-25T10:00:00.0000000',
      ],
      [
        '2024-04-01',
        '2024-04-01T07:00:00.000Z',
        '2024-04-01T09:00:00.0000000',
        '2024-04-01T10:00:00.0000000',
      ],
    ]);
  });

  test.each([
    ['America/New_York', '2024-03-04', '2024-03-04T14:00:00.000Z', '2024-03-11T13:00:00.000Z'],
    ['America/New_York', '2024-10-28', '2024-10-28T13:00:00.000Z', '2024-11-04T14:00:00.000Z'],
    ['Australia/Sydney', '2024-03-25', '2024-03-24T22:00:00.000Z', '2024-04-06T23:00:00.000Z'],
    ['Australia/Sydney', '2024-09-30', '2024-09-29T23:00:00.000Z', '2024-10-06T22:00:00.000Z'],
    ['Asia/Kolkata', '2024-03-25', '2024-03-25T03:30:00.000Z', '2024-04-01T03:30:00.000Z'],
    ['Pacific/Chatham', '2024-03-25', '2024-03-24T19:15:00.000Z', '2024-04-06T20:15:00.000Z'],
  ])('weekly 09:00 in %s from %s keeps its wall time across the change', (zone, startDate, first, later) => {
    const { occurrences } = expandRecurrence(
      recurrence(weekly(['monday', 'sunday']), numbered(startDate, 4)),
      {
        start: `${startDate}T09:00:00`,
        end: `${startDate}T09:30:00`,
        timeZone: zone,
      },
    );
    const starts = occurrences.map((o) => o.start.toISOString());
    expect(starts[0]).toBe(first);
    expect(starts).toContain(later);
    expect(new Set(occurrences.map((o) => o.startLocal.slice(11)))).toEqual(new Set(['09:00:00.0000000']));
  });

  test('an occurrence whose start falls into a DST gap moves forward by the gap, keeping its identity', () => {
    const { occurrences } = expandRecurrence(
      recurrence({ type: 'daily', interval: 1 }, numbered('2024-03-30', 3)),
      {
        start: '2024-03-30T02:30:00',
        end: '2024-03-30T03:00:00',
        timeZone: 'Europe/Madrid',
      },
    );
    expect(occurrences.map((o) => [o.originalStartDate, o.startLocal, o.endLocal])).toEqual([
      ['2024-03-30', '2024-03-30T02:30:00.0000000', '2024-03-30T03:00:00.0000000'],
      ['2024-03-31', '2024-03-31T03:30:00.0000000', '2024-03-31T04:00:00.0000000'],
      ['2024-04-01', '2024-04-01T02:30:00.0000000', '2024-04-01T03:00:00.0000000'],
    ]);
  });

  test('all-day series: midnight to midnight, end exclusive', () => {
    const { occurrences } = expandRecurrence(
      recurrence({ type: 'absoluteMonthly', interval: 1, dayOfMonth: 31 }, numbered('2024-01-31', 2)),
      { start: '2024-01-31', end: '2024-02-01', isAllDay: true, timeZone: 'Europe/Madrid' },
    );
    expect(
      occurrences.map((o) => [o.originalStartDate, o.startLocal, o.endLocal, o.start.toISOString()]),
    ).toEqual([
      [
        '2024-01-31',
        '2024-01-31T00:00:00.0000000',
        '2024-02-01T00:00:00.0000000',
        '2024-01-30T23:00:00.000Z',
      ],
      [
        '2024-02-29',
        '2024-02-29T00:00:00.0000000',
        '2024-03-01T00:00:00.0000000',
        '2024-02-28T23:00:00.000Z',
      ],
    ]);
  });

  test('a window returns occurrences that overlap it', () => {
    const r = recurrence({ type: 'daily', interval: 1 }, noEnd('2024-01-01'));
    const { occurrences } = expandRecurrence(r, {
      start: '2024-01-01T23:00:00',
      end: '2024-01-02T01:00:00',
      timeZone: 'UTC',
      from: '2024-01-05T00:30:00Z',
      to: '2024-01-06T23:00:00Z',
    });
    expect(occurrences.map((o) => o.originalStartDate)).toEqual(['2024-01-04', '2024-01-05']);
  });

  test('jumps to a window decades after the start', () => {
    const r = recurrence({ type: 'daily', interval: 1 }, noEnd('1900-01-01'));
    const started = Date.now();
    const { occurrences } = expandRecurrence(r, {
      start: '1900-01-01T09:00:00',
      end: '1900-01-01T10:00:00',
      timeZone: 'Europe/Madrid',
      from: '2030-01-01T00:00:00Z',
      to: '2030-01-04T00:00:00Z',
    });
    expect(Date.now() - started).toBeLessThan(200);
    expect(occurrences.map((o) => o.start.toISOString())).toEqual([
      '2030-01-01T08:00:00.000Z',
      '2030-01-02T08:00:00.000Z',
      '2030-01-03T08:00:00.000Z',
    ]);
  });

  test('numbered series counted arithmetically when jumping', () => {
    const r = recurrence(weekly(['tuesday', 'thursday']), numbered('2024-01-04', 1000));
    const all = occurrenceDates(r, { limit: 2000 });
    expect(all).toHaveLength(1000);
    expect(occurrenceDates(r, { fromDate: '2030-01-01', limit: 2000 })).toEqual(
      all.filter((d) => d >= '2030-01-01'),
    );
  });

  test('the cap reports truncation instead of running forever', () => {
    const r = recurrence({ type: 'daily', interval: 1 }, noEnd('2024-01-01'));
    const expansion = expandRecurrence(r, {
      start: '2024-01-01T09:00:00',
      end: '2024-01-01T10:00:00',
      timeZone: 'UTC',
      maxOccurrences: 10,
    });
    expect(expansion.occurrences).toHaveLength(10);
    expect(expansion.truncated).toBe(true);
  });

  test('refuses an invalid recurrence or a missing zone', () => {
    const bad = recurrence({ type: 'weekly', interval: 1 }, noEnd('2024-01-01'));
    expect(() =>
      expandRecurrence(bad, { start: '2024-01-01T09:00:00', end: '2024-01-01T10:00:00', timeZone: 'UTC' }),
    ).toThrow(InvalidRecurrenceError);
    const good = recurrence(weekly(['monday']), noEnd('2024-01-01'));
    expect(() =>
      expandRecurrence(good, { start: '2024-01-01T09:00:00', end: '2024-01-01T10:00:00' }),
    ).toThrow(/timeZone/);
  });

  test('recurrenceTimeZone is used when no zone is given', () => {
    const r = recurrence(
      weekly(['monday']),
      noEnd('2024-07-01', { recurrenceTimeZone: 'India Standard Time' }),
    );
    const { occurrences } = expandRecurrence(r, {
      start: '2024-07-01T09:00:00',
      end: '2024-07-01T10:00:00',
      to: '2024-07-02T00:00:00Z',
    });
    expect(occurrences.map((o) => o.start.toISOString())).toEqual(['2024-07-01T03:30:00.000Z']);
  });
});

describe('validation', () => {
  const valid = recurrence(weekly(['monday']), noEnd('2024-01-01'));

  test('a valid recurrence has no errors, also in Graph normal form', () => {
    expect(validateRecurrence(valid)).toEqual([]);
    expect(validateRecurrence(normalizeRecurrence(valid, { timeZone: 'UTC' }), '2024-01-01')).toEqual([]);
  });

  test.each<[string, unknown, string]>([
    ['not an object', 'weekly', 'recurrence must be an object'],
    ['missing pattern', { range: valid.range }, 'recurrence.pattern is required'],
    ['missing interval', { ...valid, pattern: { type: 'daily' } }, 'recurrence.pattern.interval is required'],
    [
      'interval 0',
      { ...valid, pattern: { type: 'daily', interval: 0 } },
      'recurrence.pattern.interval must be',
    ],
    [
      'interval 1.5',
      { ...valid, pattern: { type: 'daily', interval: 1.5 } },
      'recurrence.pattern.interval must be',
    ],
    [
      'unknown type',
      { ...valid, pattern: { type: 'hourly', interval: 1 } },
      'pattern.type must be one of daily',
    ],
    [
      'weekly without days',
      { ...valid, pattern: { type: 'weekly', interval: 1 } },
      'pattern.daysOfWeek must list',
    ],
    [
      'unknown day',
      { ...valid, pattern: { type: 'weekly', interval: 1, daysOfWeek: ['mon'] } },
      "pattern.daysOfWeek[0] must be one of sunday, monday, tuesday, wednesday, thursday, friday, saturday (got 'mon')",
    ],
    [
      'monthly without day',
      { ...valid, pattern: { type: 'absoluteMonthly', interval: 1 } },
      'pattern.dayOfMonth is required',
    ],
    [
      'dayOfMonth 32',
      { ...valid, pattern: { type: 'absoluteMonthly', interval: 1, dayOfMonth: 32 } },
      'pattern.dayOfMonth must be an integer from 1 to 31 (got 32)',
    ],
    [
      'ignored dayOfMonth still checked',
      { ...valid, pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday'], dayOfMonth: 40 } },
      'pattern.dayOfMonth must be an integer from 1 to 31 (got 40)',
    ],
    [
      'month 13',
      { ...valid, pattern: { type: 'absoluteYearly', interval: 1, dayOfMonth: 1, month: 13 } },
      'pattern.month must be an integer from 1 to 12 (got 13)',
    ],
    [
      '30 February',
      { ...valid, pattern: { type: 'absoluteYearly', interval: 1, dayOfMonth: 30, month: 2 } },
      'pattern.dayOfMonth 30 does not exist in month 2',
    ],
    [
      'unknown index',
      { ...valid, pattern: { type: 'relativeMonthly', interval: 1, daysOfWeek: ['monday'], index: 'fifth' } },
      "pattern.index must be one of first, second, third, fourth, last (got 'fifth')",
    ],
    [
      'unknown firstDayOfWeek',
      { ...valid, pattern: { ...valid.pattern, firstDayOfWeek: 'Monday' } },
      'pattern.firstDayOfWeek must be one of',
    ],
    [
      'unknown range type',
      { ...valid, range: { type: 'forever', startDate: '2024-01-01' } },
      'range.type must be one of',
    ],
    ['missing startDate', { ...valid, range: { type: 'noEnd' } }, 'recurrence.range.startDate is required'],
    [
      'bad startDate',
      { ...valid, range: noEnd('2024-02-30') },
      "range.startDate must be a date as YYYY-MM-DD (got '2024-02-30')",
    ],
    [
      'endDate missing',
      { ...valid, range: { type: 'endDate', startDate: '2024-01-01' } },
      'range.endDate is required',
    ],
    [
      'endDate before startDate',
      { ...valid, range: until('2024-01-10', '2024-01-09') },
      "range.endDate '2024-01-09' must not be before recurrence.range.startDate '2024-01-10'",
    ],
    [
      'numbered without count',
      { ...valid, range: { type: 'numbered', startDate: '2024-01-01' } },
      'range.numberOfOccurrences is required',
    ],
    [
      'numbered with 0',
      { ...valid, range: numbered('2024-01-01', 0) },
      'range.numberOfOccurrences must be an integer of at least 1',
    ],
    [
      'unknown zone',
      { ...valid, range: noEnd('2024-01-01', { recurrenceTimeZone: 'Atlantis Standard Time' }) },
      "range.recurrenceTimeZone 'Atlantis Standard Time' is not a known time zone",
    ],
    [
      'custom zone',
      { ...valid, range: noEnd('2024-01-01', { recurrenceTimeZone: 'tzone://Microsoft/Custom' }) },
      'range.recurrenceTimeZone cannot be an Outlook custom zone',
    ],
  ])('%s', (_name, input, message) => {
    const errors = validateRecurrence(input);
    expect(errors.some((e) => e.includes(message))).toBe(true);
  });

  test("startDate must equal the event's start date", () => {
    expect(validateRecurrence(valid, '2024-01-02')).toEqual([
      "recurrence.range.startDate '2024-01-01' must equal the event's start date '2024-01-02'",
    ]);
  });

  test('reports every problem at once', () => {
    expect(
      validateRecurrence({ pattern: { type: 'weekly', interval: 0 }, range: { type: 'numbered' } }),
    ).toHaveLength(4);
  });
});

describe('normal and compact forms', () => {
  test('normal form fills Graph defaults', () => {
    expect(
      normalizeRecurrence(recurrence(weekly(['monday']), noEnd('2024-01-01')), { timeZone: 'UTC' }),
    ).toEqual({
      pattern: {
        type: 'weekly',
        interval: 1,
        month: 0,
        dayOfMonth: 0,
        daysOfWeek: ['monday'],
        firstDayOfWeek: 'sunday',
        index: 'first',
      },
      range: {
        type: 'noEnd',
        startDate: '2024-01-01',
        endDate: '0001-01-01',
        recurrenceTimeZone: 'UTC',
        numberOfOccurrences: 0,
      },
    });
  });

  test('compact form drops defaults and unused fields', () => {
    const graph = normalizeRecurrence(
      recurrence(
        { type: 'relativeMonthly', interval: 1, daysOfWeek: ['friday', 'monday'] },
        numbered('2024-01-01', 3),
      ),
    );
    expect(compactRecurrence(graph)).toEqual({
      pattern: { type: 'relativeMonthly', interval: 1, daysOfWeek: ['monday', 'friday'], index: 'first' },
      range: { type: 'numbered', startDate: '2024-01-01', numberOfOccurrences: 3 },
    });
  });

  test('sameRecurrence ignores spelling: defaults, day order, zone names', () => {
    const a = recurrence(
      weekly(['monday', 'friday']),
      noEnd('2024-01-01', { recurrenceTimeZone: 'Europe/Madrid' }),
    );
    const b = normalizeRecurrence(
      recurrence(weekly(['friday', 'monday'], { firstDayOfWeek: 'monday' }), noEnd('2024-01-01')),
      { timeZone: 'Romance Standard Time' },
    );
    expect(sameRecurrence(a, b)).toBe(true);
    expect(sameRecurrence(a, recurrence(weekly(['monday']), a.range))).toBe(false);
    expect(sameRecurrence(a, { ...a, range: { ...a.range, recurrenceTimeZone: 'America/New_York' } })).toBe(
      false,
    );
  });
});

describe('properties', () => {
  const horizonFor = (r: PatternedRecurrence): string => addDays(r.range.startDate, 366 * 60);

  test('occurrence dates are exactly the dates that fit the pattern (brute-force oracle)', () => {
    fc.assert(
      fc.property(recurrenceArb, (r) => {
        const horizon = r.range.type === 'noEnd' ? addDays(r.range.startDate, 800) : horizonFor(r);
        const expected = naiveOccurrenceDates(r, horizon);
        expect(occurrenceDates(r, { toDate: horizon, limit: 100_000 })).toEqual(expected);
      }),
      { numRuns: 60 },
    );
  });

  test('numbered gives exactly N, strictly increasing, the first on or after startDate', () => {
    fc.assert(
      fc.property(recurrenceArb, fc.integer({ min: 1, max: 40 }), (r, n) => {
        const series = recurrence(r.pattern, numbered(r.range.startDate, n));
        const all = occurrenceDates(series, { limit: 1000 });
        expect(all).toHaveLength(n);
        expect(all[0] !== undefined && all[0] >= r.range.startDate).toBe(true);
        for (let i = 1; i < all.length; i++) expect((all[i] as string) > (all[i - 1] as string)).toBe(true);
      }),
    );
  });

  test('starting from a later date equals filtering the whole list (the jump is exact)', () => {
    fc.assert(
      fc.property(recurrenceArb, fc.integer({ min: 0, max: 3000 }), (r, skip) => {
        const fromDate = dateFromDayNumber(dayNumber(r.range.startDate) + skip);
        const toDate = addDays(fromDate, 400);
        const all = occurrenceDates(r, { toDate, limit: 100_000 });
        expect(occurrenceDates(r, { fromDate, toDate, limit: 100_000 })).toEqual(
          all.filter((d) => d >= fromDate),
        );
      }),
    );
  });

  const zone = fc.constantFrom(
    'Europe/Madrid',
    'America/New_York',
    'Australia/Sydney',
    'Asia/Kolkata',
    'Pacific/Chatham',
  );
  // Wall times that no zone above skips (their gaps are at 02:00-03:00 and 02:45-03:45).
  const time = fc
    .tuple(fc.integer({ min: 4, max: 21 }), fc.constantFrom(0, 15, 30, 45))
    .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:00`);

  test('wall-clock start time is the same for every occurrence; durations in wall time too', () => {
    fc.assert(
      fc.property(recurrenceArb, zone, time, fc.integer({ min: 0, max: 180 }), (r, z, t, minutes) => {
        const start = `${r.range.startDate}T${t}`;
        const end = `${r.range.startDate}T${t.slice(0, 2)}:00:00`;
        const endLocal = new Date(Date.parse(`${end}Z`) + (Number(t.slice(3, 5)) + minutes) * 60_000)
          .toISOString()
          .slice(0, 19);
        const { occurrences } = expandRecurrence(r, {
          start,
          end: endLocal,
          timeZone: z,
          maxOccurrences: 60,
        });
        for (const o of occurrences) {
          expect(o.startLocal).toBe(`${o.originalStartDate}T${t}.0000000`);
          expect(
            Date.parse(`${o.endLocal.slice(0, 23)}Z`) - Date.parse(`${o.startLocal.slice(0, 23)}Z`),
          ).toBe(minutes * 60_000);
          expect(o.start.getTime()).toBe(localToInstant(o.startLocal, z).getTime());
        }
        for (let i = 1; i < occurrences.length; i++)
          expect(occurrences[i]!.start.getTime()).toBeGreaterThan(occurrences[i - 1]!.start.getTime());
      }),
      { numRuns: 60 },
    );
  });

  test('an occurrence never ends before it starts, whatever the wall time (gaps included)', () => {
    const anyTime = fc
      .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
      .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:00`);
    fc.assert(
      fc.property(recurrenceArb, zone, anyTime, fc.integer({ min: 0, max: 600 }), (r, z, t, minutes) => {
        const start = `${r.range.startDate}T${t}`;
        const end = new Date(Date.parse(`${start}Z`) + minutes * 60_000).toISOString().slice(0, 19);
        const { occurrences } = expandRecurrence(r, { start, end, timeZone: z, maxOccurrences: 40 });
        for (const o of occurrences) expect(o.end.getTime()).toBeGreaterThanOrEqual(o.start.getTime());
      }),
      { numRuns: 60 },
    );
  });

  test('expanding over a window equals filtering the expansion over a larger window', () => {
    fc.assert(
      fc.property(
        recurrenceArb,
        zone,
        time,
        fc.integer({ min: 0, max: 1500 }),
        fc.integer({ min: 1, max: 120 }),
        (r, z, t, offsetDays, lengthDays) => {
          const base = {
            start: `${r.range.startDate}T${t}`,
            end: `${r.range.startDate}T22:30:00`,
            timeZone: z,
          };
          const startMs = Date.parse(`${r.range.startDate}T00:00:00Z`);
          const from = new Date(startMs + offsetDays * 86_400_000 + 3_600_000 * 7);
          const to = new Date(from.getTime() + lengthDays * 86_400_000);
          const wide = expandRecurrence(r, {
            ...base,
            from: new Date(startMs - 2 * 86_400_000),
            to: new Date(to.getTime() + 86_400_000 * 3),
            maxOccurrences: 100_000,
          });
          const narrow = expandRecurrence(r, { ...base, from, to, maxOccurrences: 100_000 });
          const expected = wide.occurrences.filter((o) => o.start < to && o.end > from);
          expect(narrow.occurrences).toEqual(expected);
        },
      ),
      { numRuns: 60 },
    );
  });

  test('compact(normalize(r)) equals compact(r), and normalize is idempotent', () => {
    fc.assert(
      fc.property(recurrenceArb, (r) => {
        const normal = normalizeRecurrence(r, { timeZone: 'UTC' });
        expect(validateRecurrence(normal)).toEqual([]);
        expect(normalizeRecurrence(normal)).toEqual(normal);
        expect(compactRecurrence(normal)).toEqual(
          compactRecurrence({ ...r, range: { ...r.range, recurrenceTimeZone: 'UTC' } }),
        );
        expect(sameRecurrence(normal, compactRecurrence(normal))).toBe(true);
      }),
    );
  });

  test('every date the generator gives is recognised by isOccurrenceDate', () => {
    fc.assert(
      fc.property(recurrenceArb, dateBetween('1995-01-01', '2040-12-31'), (r, probe) => {
        const listed = occurrenceDates(r, { fromDate: probe, toDate: probe, limit: 1 });
        expect(isOccurrenceDate(r, probe)).toBe(listed.length === 1);
        for (const d of occurrenceDates(r, { limit: 5 })) expect(isOccurrenceDate(r, d)).toBe(true);
      }),
    );
  });
});
