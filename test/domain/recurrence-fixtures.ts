import fc from 'fast-check';
import {
  dayNumber,
  daysInMonth,
  dateFromDayNumber,
  dayOfWeek,
  parseDate,
} from '../../src/domain/calendar-dates';
import {
  DAYS_OF_WEEK,
  WEEK_INDEXES,
  type DayOfWeek,
  type PatternedRecurrence,
  type RecurrencePattern,
  type RecurrenceRange,
} from '../../src/domain/recurrence';

export const weekly = (days: DayOfWeek[], extra: Partial<RecurrencePattern> = {}): RecurrencePattern => ({
  type: 'weekly',
  interval: 1,
  daysOfWeek: days,
  ...extra,
});

export const noEnd = (startDate: string, extra: Partial<RecurrenceRange> = {}): RecurrenceRange => ({
  type: 'noEnd',
  startDate,
  ...extra,
});

export const numbered = (startDate: string, numberOfOccurrences: number): RecurrenceRange => ({
  type: 'numbered',
  startDate,
  numberOfOccurrences,
});

export const until = (startDate: string, endDate: string): RecurrenceRange => ({
  type: 'endDate',
  startDate,
  endDate,
});

export const recurrence = (pattern: RecurrencePattern, range: RecurrenceRange): PatternedRecurrence => ({
  pattern,
  range,
});

// ---------------------------------------------------------------------------------------------------
// A deliberately naive oracle: walk day by day from startDate and test each date against the pattern.

function fitsPattern(pattern: RecurrencePattern, startDate: string, date: string): boolean {
  const start = parseDate(startDate);
  const d = parseDate(date);
  const weekday = dayOfWeek(date);
  const days = new Set((pattern.daysOfWeek ?? []).map((day) => DAYS_OF_WEEK.indexOf(day)));
  const monthsSince = (d.year - start.year) * 12 + d.month - start.month;
  const yearsSince = d.year - start.year;
  const nth = (): boolean => {
    const sameMonthMatches: number[] = [];
    for (let day = 1; day <= daysInMonth(d.year, d.month); day++) {
      const candidate = `${date.slice(0, 8)}${String(day).padStart(2, '0')}`;
      if (days.has(dayOfWeek(candidate))) sameMonthMatches.push(day);
    }
    const index = pattern.index ?? 'first';
    const wanted =
      index === 'last'
        ? sameMonthMatches[sameMonthMatches.length - 1]
        : sameMonthMatches[WEEK_INDEXES.indexOf(index)];
    return wanted === d.day;
  };
  const clampedDay = (): number => Math.min(pattern.dayOfMonth ?? 1, daysInMonth(d.year, d.month));
  switch (pattern.type) {
    case 'daily':
      return (dayNumber(date) - dayNumber(startDate)) % pattern.interval === 0;
    case 'weekly': {
      const first = DAYS_OF_WEEK.indexOf(pattern.firstDayOfWeek ?? 'sunday');
      let weekStart = dayNumber(startDate);
      while (dayOfWeek(dateFromDayNumber(weekStart)) !== first) weekStart--;
      const week = Math.floor((dayNumber(date) - weekStart) / 7);
      return days.has(weekday) && week % pattern.interval === 0;
    }
    case 'absoluteMonthly':
      return monthsSince % pattern.interval === 0 && d.day === clampedDay();
    case 'relativeMonthly':
      return monthsSince % pattern.interval === 0 && nth();
    case 'absoluteYearly':
      return yearsSince % pattern.interval === 0 && d.month === pattern.month && d.day === clampedDay();
    case 'relativeYearly':
      return yearsSince % pattern.interval === 0 && d.month === pattern.month && nth();
  }
}

/** Every occurrence date up to `horizon` (inclusive), by brute force. */
export function naiveOccurrenceDates(r: PatternedRecurrence, horizon: string): string[] {
  const dates: string[] = [];
  const last =
    r.range.type === 'endDate' && r.range.endDate && r.range.endDate < horizon ? r.range.endDate : horizon;
  for (let n = dayNumber(r.range.startDate); n <= dayNumber(last); n++) {
    const date = dateFromDayNumber(n);
    if (!fitsPattern(r.pattern, r.range.startDate, date)) continue;
    dates.push(date);
    if (r.range.type === 'numbered' && dates.length >= (r.range.numberOfOccurrences ?? 0)) break;
  }
  return dates;
}

// ---------------------------------------------------------------------------------------------------
// Arbitraries

const day = fc.constantFrom(...DAYS_OF_WEEK);
const days = fc.uniqueArray(day, { minLength: 1, maxLength: 7 });
export const dateBetween = (from: string, to: string): fc.Arbitrary<string> =>
  fc.integer({ min: dayNumber(from), max: dayNumber(to) }).map(dateFromDayNumber);

export const patternArb: fc.Arbitrary<RecurrencePattern> = fc.oneof(
  fc.record({ type: fc.constant('daily' as const), interval: fc.integer({ min: 1, max: 10 }) }),
  fc.record({
    type: fc.constant('weekly' as const),
    interval: fc.integer({ min: 1, max: 4 }),
    daysOfWeek: days,
    firstDayOfWeek: day,
  }),
  fc.record({
    type: fc.constant('absoluteMonthly' as const),
    interval: fc.integer({ min: 1, max: 6 }),
    dayOfMonth: fc.integer({ min: 1, max: 31 }),
  }),
  fc.record({
    type: fc.constant('relativeMonthly' as const),
    interval: fc.integer({ min: 1, max: 6 }),
    daysOfWeek: days,
    index: fc.constantFrom(...WEEK_INDEXES),
  }),
  fc
    .record({
      type: fc.constant('absoluteYearly' as const),
      interval: fc.integer({ min: 1, max: 2 }),
      month: fc.integer({ min: 1, max: 12 }),
      dayOfMonth: fc.integer({ min: 1, max: 31 }),
    })
    .map((p) => ({ ...p, dayOfMonth: Math.min(p.dayOfMonth, daysInMonth(2000, p.month)) })),
  fc.record({
    type: fc.constant('relativeYearly' as const),
    interval: fc.integer({ min: 1, max: 2 }),
    daysOfWeek: days,
    month: fc.integer({ min: 1, max: 12 }),
    index: fc.constantFrom(...WEEK_INDEXES),
  }),
);

export const rangeArb: fc.Arbitrary<RecurrenceRange> = dateBetween('1995-01-01', '2035-12-31').chain(
  (startDate) =>
    fc.oneof(
      fc.constant(noEnd(startDate)),
      fc.integer({ min: 1, max: 25 }).map((n) => numbered(startDate, n)),
      fc
        .integer({ min: 0, max: 1500 })
        .map((span) => until(startDate, dateFromDayNumber(dayNumber(startDate) + span))),
    ),
);

export const recurrenceArb: fc.Arbitrary<PatternedRecurrence> = fc.record({
  pattern: patternArb,
  range: rangeArb,
});
