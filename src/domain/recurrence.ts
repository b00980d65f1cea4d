/**
 * Recurring series in Graph's `patternedRecurrence` shape, which is also the CRM's: validation (the
 * errors Graph answers 400 for), normal and compact forms, and expansion into occurrences.
 *
 * Behaviour chosen where Graph's documentation is silent, each switchable or easy to change:
 * - The first occurrence is the first date on or after `range.startDate` that fits the pattern, and
 *   `interval` counts days, weeks, months or years from the period that contains `startDate` (the
 *   week being the one that starts on `firstDayOfWeek`).
 * - `dayOfMonth` past the end of a month (31 in April, 29 February in a common year) falls on the
 *   month's last day. Exchange does this (MS-OXOCAL stores "last day of month" as day 31; Outlook's
 *   CDO docs: day 31 stands for the last day, and 29 February recurs on the 28th in common years).
 *   `monthDayOverflow: 'skip'` gives the RFC 5545 behaviour instead, for the sandbox to emulate both.
 * - `relativeMonthly`/`relativeYearly` with several days counts days that are any of them: "first"
 *   of monday..friday is the first weekday of the month, "last" of saturday+sunday the last weekend
 *   day (MS-OXOCAL MonthNth semantics).
 * - Occurrences keep the series' wall-clock start time and wall-clock duration in the recurrence's
 *   zone; a start that falls into a DST gap moves forward by the gap (see time-zones.ts).
 */
import {
  dateOfDayNumber,
  dayNumber,
  dayNumberOf,
  daysInMonth,
  formatDate,
  isValidDate,
  weekdayOfDayNumber,
} from './calendar-dates';
import {
  CUSTOM_TIME_ZONE,
  formatLocalDateTime,
  ianaToWindows,
  instantToWallMs,
  parseInstant,
  parseLocalDateTime,
  tryResolveTimeZone,
  wallMsToInstant,
} from './time-zones';

export const DAYS_OF_WEEK = [
  'sunday',
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
] as const;
export type DayOfWeek = (typeof DAYS_OF_WEEK)[number];

export const PATTERN_TYPES = [
  'daily',
  'weekly',
  'absoluteMonthly',
  'relativeMonthly',
  'absoluteYearly',
  'relativeYearly',
] as const;
export type RecurrencePatternType = (typeof PATTERN_TYPES)[number];

export const WEEK_INDEXES = ['first', 'second', 'third', 'fourth', 'last'] as const;
export type WeekIndex = (typeof WEEK_INDEXES)[number];

export const RANGE_TYPES = ['endDate', 'noEnd', 'numbered'] as const;
export type RecurrenceRangeType = (typeof RANGE_TYPES)[number];

export interface RecurrencePattern {
  type: RecurrencePatternType;
  interval: number;
  daysOfWeek?: DayOfWeek[];
  dayOfMonth?: number;
  month?: number;
  index?: WeekIndex;
  firstDayOfWeek?: DayOfWeek;
}

export interface RecurrenceRange {
  type: RecurrenceRangeType;
  startDate: string;
  endDate?: string;
  numberOfOccurrences?: number;
  recurrenceTimeZone?: string;
}

export interface PatternedRecurrence {
  pattern: RecurrencePattern;
  range: RecurrenceRange;
}

/** Graph's filler for an unused `endDate`. */
export const NO_END_DATE = '0001-01-01';

export type MonthDayOverflow = 'lastDay' | 'skip';

export class InvalidRecurrenceError extends Error {
  constructor(readonly errors: string[]) {
    super(`Invalid recurrence: ${errors.join('; ')}`);
    this.name = 'InvalidRecurrenceError';
  }
}

// ---------------------------------------------------------------------------------------------------
// Validation

const usesDaysOfWeek = (type: RecurrencePatternType): boolean =>
  type === 'weekly' || type === 'relativeMonthly' || type === 'relativeYearly';
const usesDayOfMonth = (type: RecurrencePatternType): boolean =>
  type === 'absoluteMonthly' || type === 'absoluteYearly';
const usesMonth = (type: RecurrencePatternType): boolean =>
  type === 'absoluteYearly' || type === 'relativeYearly';
const usesIndex = (type: RecurrencePatternType): boolean =>
  type === 'relativeMonthly' || type === 'relativeYearly';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function oneOf<T extends string>(values: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (values as readonly string[]).includes(value);
}

const show = (value: unknown): string => (typeof value === 'string' ? `'${value}'` : JSON.stringify(value));

/**
 * The problems Graph answers 400 for, one message per problem, each naming the field
 * (`recurrence.pattern.interval …`). Empty when the recurrence is acceptable. Fields a pattern type
 * does not use are still checked when present (Graph validates them too), but their Graph defaults
 * (`0`, `[]`, `'first'`, `'0001-01-01'`) are accepted. Pass the event's local start date to check
 * that `range.startDate` matches it.
 */
export function validateRecurrence(recurrence: unknown, seriesStartLocalDate?: string): string[] {
  if (!isRecord(recurrence)) return ['recurrence must be an object with pattern and range'];
  const errors: string[] = [];
  const { pattern, range } = recurrence;
  if (!isRecord(pattern)) errors.push('recurrence.pattern is required');
  else errors.push(...validatePattern(pattern));
  if (!isRecord(range)) errors.push('recurrence.range is required');
  else errors.push(...validateRange(range, seriesStartLocalDate));
  return errors;
}

function validatePattern(pattern: Record<string, unknown>): string[] {
  const errors: string[] = [];
  const field = (name: string): string => `recurrence.pattern.${name}`;
  const { type, interval, daysOfWeek, dayOfMonth, month, index, firstDayOfWeek } = pattern;
  const knownType = oneOf(PATTERN_TYPES, type) ? type : undefined;
  if (type === undefined) errors.push(`${field('type')} is required`);
  else if (!knownType)
    errors.push(`${field('type')} must be one of ${PATTERN_TYPES.join(', ')} (got ${show(type)})`);

  if (interval === undefined) errors.push(`${field('interval')} is required`);
  else if (typeof interval !== 'number' || !Number.isInteger(interval) || interval < 1)
    errors.push(`${field('interval')} must be an integer of at least 1 (got ${show(interval)})`);

  const daysNeeded = knownType !== undefined && usesDaysOfWeek(knownType);
  if (daysOfWeek === undefined || (Array.isArray(daysOfWeek) && daysOfWeek.length === 0)) {
    if (daysNeeded)
      errors.push(`${field('daysOfWeek')} must list at least one day for a ${knownType} pattern`);
  } else if (!Array.isArray(daysOfWeek)) {
    errors.push(`${field('daysOfWeek')} must be an array of day names`);
  } else {
    daysOfWeek.forEach((day: unknown, i) => {
      if (!oneOf(DAYS_OF_WEEK, day))
        errors.push(
          `${field(`daysOfWeek[${i}]`)} must be one of ${DAYS_OF_WEEK.join(', ')} (got ${show(day)})`,
        );
    });
  }

  const dayNeeded = knownType !== undefined && usesDayOfMonth(knownType);
  if (dayOfMonth === undefined || dayOfMonth === 0) {
    if (dayNeeded) errors.push(`${field('dayOfMonth')} is required for a ${knownType} pattern (1 to 31)`);
  } else if (
    typeof dayOfMonth !== 'number' ||
    !Number.isInteger(dayOfMonth) ||
    dayOfMonth < 1 ||
    dayOfMonth > 31
  ) {
    errors.push(`${field('dayOfMonth')} must be an integer from 1 to 31 (got ${show(dayOfMonth)})`);
  }

  const monthNeeded = knownType !== undefined && usesMonth(knownType);
  if (month === undefined || month === 0) {
    if (monthNeeded) errors.push(`${field('month')} is required for a ${knownType} pattern (1 to 12)`);
  } else if (typeof month !== 'number' || !Number.isInteger(month) || month < 1 || month > 12) {
    errors.push(`${field('month')} must be an integer from 1 to 12 (got ${show(month)})`);
  }

  if (
    knownType === 'absoluteYearly' &&
    typeof month === 'number' &&
    typeof dayOfMonth === 'number' &&
    month >= 1 &&
    month <= 12 &&
    dayOfMonth > daysInMonth(2000, month)
  ) {
    // Outlook refuses a yearly day the month never has (30 February); 29 February is allowed.
    errors.push(`${field('dayOfMonth')} ${dayOfMonth} does not exist in month ${month}`);
  }

  if (index !== undefined && !oneOf(WEEK_INDEXES, index))
    errors.push(`${field('index')} must be one of ${WEEK_INDEXES.join(', ')} (got ${show(index)})`);
  if (firstDayOfWeek !== undefined && !oneOf(DAYS_OF_WEEK, firstDayOfWeek))
    errors.push(
      `${field('firstDayOfWeek')} must be one of ${DAYS_OF_WEEK.join(', ')} (got ${show(firstDayOfWeek)})`,
    );
  return errors;
}

function validateRange(range: Record<string, unknown>, seriesStartLocalDate: string | undefined): string[] {
  const errors: string[] = [];
  const field = (name: string): string => `recurrence.range.${name}`;
  const { type, startDate, endDate, numberOfOccurrences, recurrenceTimeZone } = range;
  const knownType = oneOf(RANGE_TYPES, type) ? type : undefined;
  if (type === undefined) errors.push(`${field('type')} is required`);
  else if (!knownType)
    errors.push(`${field('type')} must be one of ${RANGE_TYPES.join(', ')} (got ${show(type)})`);

  const validStart = typeof startDate === 'string' && isValidDate(startDate);
  if (startDate === undefined) errors.push(`${field('startDate')} is required`);
  else if (!validStart)
    errors.push(`${field('startDate')} must be a date as YYYY-MM-DD (got ${show(startDate)})`);
  else if (seriesStartLocalDate !== undefined && startDate !== seriesStartLocalDate)
    errors.push(
      `${field('startDate')} ${show(startDate)} must equal the event's start date '${seriesStartLocalDate}'`,
    );

  if (endDate === undefined || endDate === NO_END_DATE) {
    if (knownType === 'endDate') errors.push(`${field('endDate')} is required for an endDate range`);
  } else if (typeof endDate !== 'string' || !isValidDate(endDate)) {
    errors.push(`${field('endDate')} must be a date as YYYY-MM-DD (got ${show(endDate)})`);
  } else if (knownType === 'endDate' && validStart && endDate < (startDate as string)) {
    errors.push(
      `${field('endDate')} '${endDate}' must not be before ${field('startDate')} '${String(startDate)}'`,
    );
  }

  const countIsInteger = typeof numberOfOccurrences === 'number' && Number.isInteger(numberOfOccurrences);
  if (knownType === 'numbered') {
    if (numberOfOccurrences === undefined)
      errors.push(`${field('numberOfOccurrences')} is required for a numbered range`);
    else if (!countIsInteger || (numberOfOccurrences as number) < 1)
      errors.push(
        `${field('numberOfOccurrences')} must be an integer of at least 1 (got ${show(numberOfOccurrences)})`,
      );
  } else if (numberOfOccurrences !== undefined && (!countIsInteger || (numberOfOccurrences as number) < 0)) {
    errors.push(
      `${field('numberOfOccurrences')} must be a non-negative integer (got ${show(numberOfOccurrences)})`,
    );
  }

  if (recurrenceTimeZone !== undefined && recurrenceTimeZone !== '') {
    if (typeof recurrenceTimeZone !== 'string')
      errors.push(`${field('recurrenceTimeZone')} must be a string`);
    else if (recurrenceTimeZone === CUSTOM_TIME_ZONE)
      errors.push(`${field('recurrenceTimeZone')} cannot be an Outlook custom zone (${CUSTOM_TIME_ZONE})`);
    else if (tryResolveTimeZone(recurrenceTimeZone) === undefined)
      errors.push(`${field('recurrenceTimeZone')} ${show(recurrenceTimeZone)} is not a known time zone`);
  }
  return errors;
}

function assertValid(recurrence: PatternedRecurrence): void {
  const errors = validateRecurrence(recurrence);
  if (errors.length > 0) throw new InvalidRecurrenceError(errors);
}

// ---------------------------------------------------------------------------------------------------
// Normal and compact forms

function sortedDays(days: readonly DayOfWeek[] | undefined): DayOfWeek[] {
  const set = new Set(days ?? []);
  return DAYS_OF_WEEK.filter((day) => set.has(day));
}

/**
 * The recurrence as Graph answers with it: every field present, the ones the type does not use set
 * to Graph's defaults. `timeZone` (the event's start zone) fills a missing `recurrenceTimeZone`, as
 * Graph does; without it the field stays absent.
 */
export function normalizeRecurrence(
  recurrence: PatternedRecurrence,
  options: { timeZone?: string } = {},
): PatternedRecurrence {
  const { pattern, range } = recurrence;
  const type = pattern.type;
  const recurrenceTimeZone = range.recurrenceTimeZone || options.timeZone;
  return {
    pattern: {
      type,
      interval: pattern.interval,
      month: usesMonth(type) ? (pattern.month ?? 0) : 0,
      dayOfMonth: usesDayOfMonth(type) ? (pattern.dayOfMonth ?? 0) : 0,
      daysOfWeek: usesDaysOfWeek(type) ? [...(pattern.daysOfWeek ?? [])] : [],
      firstDayOfWeek: type === 'weekly' ? (pattern.firstDayOfWeek ?? 'sunday') : 'sunday',
      index: usesIndex(type) ? (pattern.index ?? 'first') : 'first',
    },
    range: {
      type: range.type,
      startDate: range.startDate,
      endDate: range.type === 'endDate' ? (range.endDate ?? NO_END_DATE) : NO_END_DATE,
      ...(recurrenceTimeZone ? { recurrenceTimeZone } : {}),
      numberOfOccurrences: range.type === 'numbered' ? (range.numberOfOccurrences ?? 0) : 0,
    },
  };
}

/**
 * The smallest recurrence with the same meaning: only the fields the type uses, days of the week
 * sorted and unique, defaults dropped. `firstDayOfWeek` is kept only where it changes anything (a
 * weekly pattern with interval > 1). Two recurrences mean the same series when their compact forms
 * are deep-equal (up to time zone spelling; see {@link sameRecurrence}).
 */
export function compactRecurrence(recurrence: PatternedRecurrence): PatternedRecurrence {
  const { pattern, range } = recurrence;
  const type = pattern.type;
  const compactPattern: RecurrencePattern = { type, interval: pattern.interval };
  if (usesDaysOfWeek(type)) compactPattern.daysOfWeek = sortedDays(pattern.daysOfWeek);
  if (usesDayOfMonth(type) && pattern.dayOfMonth !== undefined)
    compactPattern.dayOfMonth = pattern.dayOfMonth;
  if (usesMonth(type) && pattern.month !== undefined) compactPattern.month = pattern.month;
  if (usesIndex(type)) compactPattern.index = pattern.index ?? 'first';
  const firstDayOfWeek = pattern.firstDayOfWeek ?? 'sunday';
  if (type === 'weekly' && pattern.interval > 1 && firstDayOfWeek !== 'sunday')
    compactPattern.firstDayOfWeek = firstDayOfWeek;

  const compactRange: RecurrenceRange = { type: range.type, startDate: range.startDate };
  if (range.type === 'endDate' && range.endDate !== undefined) compactRange.endDate = range.endDate;
  if (range.type === 'numbered' && range.numberOfOccurrences !== undefined)
    compactRange.numberOfOccurrences = range.numberOfOccurrences;
  if (range.recurrenceTimeZone) compactRange.recurrenceTimeZone = range.recurrenceTimeZone;
  return { pattern: compactPattern, range: compactRange };
}

function zoneKey(zone: string | undefined): string | undefined {
  if (!zone) return undefined;
  const iana = tryResolveTimeZone(zone);
  return iana ? (ianaToWindows(iana) ?? iana) : zone;
}

/**
 * True when two recurrences describe the same series. Zones compare by the Windows zone they map
 * to, so "Romance Standard Time", "Europe/Paris" and "Europe/Madrid" are equal: Graph may answer with
 * another spelling than the one written, and that must not look like a change.
 */
export function sameRecurrence(a: PatternedRecurrence, b: PatternedRecurrence): boolean {
  const ca = compactRecurrence(a);
  const cb = compactRecurrence(b);
  const key = (r: PatternedRecurrence): string =>
    JSON.stringify({ ...r, range: { ...r.range, recurrenceTimeZone: zoneKey(r.range.recurrenceTimeZone) } });
  return key(ca) === key(cb);
}

// ---------------------------------------------------------------------------------------------------
// Occurrence dates

const weekdayNumber = (day: DayOfWeek): number => DAYS_OF_WEEK.indexOf(day);

/** Gives up on a pattern that produces nothing for this many periods in a row (30 February). */
const MAX_EMPTY_PERIODS = 1000;

function dayInMonth(
  year: number,
  month: number,
  day: number,
  overflow: MonthDayOverflow,
): number | undefined {
  const last = daysInMonth(year, month);
  if (day <= last) return dayNumberOf({ year, month, day });
  return overflow === 'lastDay' ? dayNumberOf({ year, month, day: last }) : undefined;
}

function nthWeekdayInMonth(
  year: number,
  month: number,
  days: ReadonlySet<number>,
  index: WeekIndex,
): number | undefined {
  const first = dayNumberOf({ year, month, day: 1 });
  const last = first + daysInMonth(year, month) - 1;
  if (index === 'last') {
    for (let n = last; n >= first; n--) if (days.has(weekdayOfDayNumber(n))) return n;
    return undefined;
  }
  let wanted = WEEK_INDEXES.indexOf(index) + 1;
  for (let n = first; n <= last; n++) if (days.has(weekdayOfDayNumber(n)) && --wanted === 0) return n;
  return undefined;
}

interface PeriodPlan {
  /** Day numbers of the pattern's dates in period `p` (0 = the period containing startDate), ascending. */
  datesIn(p: number): number[];
  /** The period containing a day number (may be negative). */
  periodOf(n: number): number;
  /** Dates per period when it never varies; undefined when it does. */
  perPeriod: number | undefined;
}

function planPeriods(pattern: RecurrencePattern, startDay: number, overflow: MonthDayOverflow): PeriodPlan {
  const interval = pattern.interval;
  const days = new Set(sortedDays(pattern.daysOfWeek).map(weekdayNumber));
  const index = pattern.index ?? 'first';
  const start = dateOfDayNumber(startDay);
  const startMonthIndex = start.year * 12 + start.month - 1;
  const monthIndexOf = (n: number): number => {
    const d = dateOfDayNumber(n);
    return d.year * 12 + d.month - 1;
  };
  const dayOfMonth = pattern.dayOfMonth ?? 1;
  const month = pattern.month ?? 1;
  const fixedDay = overflow === 'lastDay' || dayOfMonth <= 28 ? 1 : undefined;
  const present = (n: number | undefined): number[] => (n === undefined ? [] : [n]);

  switch (pattern.type) {
    case 'daily':
      return {
        datesIn: (p) => [startDay + p * interval],
        periodOf: (n) => Math.floor((n - startDay) / interval),
        perPeriod: 1,
      };
    case 'weekly': {
      const firstDay = weekdayNumber(pattern.firstDayOfWeek ?? 'sunday');
      const weekStart = startDay - ((weekdayOfDayNumber(startDay) - firstDay + 7) % 7);
      const offsets = [...days].map((d) => (d - firstDay + 7) % 7).sort((a, b) => a - b);
      return {
        datesIn: (p) => offsets.map((o) => weekStart + p * 7 * interval + o),
        periodOf: (n) => Math.floor((n - weekStart) / (7 * interval)),
        perPeriod: offsets.length,
      };
    }
    case 'absoluteMonthly':
    case 'relativeMonthly': {
      const monthOf = (p: number): [number, number] => {
        const m = startMonthIndex + p * interval;
        return [Math.floor(m / 12), (m % 12) + 1];
      };
      return {
        datesIn: (p) => {
          const [y, m] = monthOf(p);
          return present(
            pattern.type === 'absoluteMonthly'
              ? dayInMonth(y, m, dayOfMonth, overflow)
              : nthWeekdayInMonth(y, m, days, index),
          );
        },
        periodOf: (n) => Math.floor((monthIndexOf(n) - startMonthIndex) / interval),
        perPeriod: pattern.type === 'relativeMonthly' ? 1 : fixedDay,
      };
    }
    case 'absoluteYearly':
    case 'relativeYearly':
      return {
        datesIn: (p) => {
          const y = start.year + p * interval;
          return present(
            pattern.type === 'absoluteYearly'
              ? dayInMonth(y, month, dayOfMonth, overflow)
              : nthWeekdayInMonth(y, month, days, index),
          );
        },
        periodOf: (n) => Math.floor((dateOfDayNumber(n).year - start.year) / interval),
        perPeriod: pattern.type === 'relativeYearly' ? 1 : fixedDay,
      };
  }
}

/**
 * The series' occurrence dates (day numbers) on or after `fromDay`, in order, within the range.
 * Skips straight to the period holding `fromDay` rather than walking from the start, counting the
 * skipped occurrences arithmetically when a numbered range needs them.
 */
function* occurrenceDayNumbers(
  recurrence: PatternedRecurrence,
  fromDay: number | undefined,
  overflow: MonthDayOverflow,
): Generator<number> {
  const { pattern, range } = recurrence;
  const startDay = dayNumber(range.startDate);
  const endDay = range.type === 'endDate' && range.endDate ? dayNumber(range.endDate) : undefined;
  const limit = range.type === 'numbered' ? (range.numberOfOccurrences ?? 0) : undefined;
  const plan = planPeriods(pattern, startDay, overflow);
  const firstPeriodCount = plan.datesIn(0).filter((n) => n >= startDay).length;

  let period = 0;
  let counted = 0;
  if (fromDay !== undefined && fromDay > startDay) {
    const target = Math.max(0, plan.periodOf(fromDay));
    if (limit === undefined) period = target;
    else if (plan.perPeriod !== undefined && target > 0) {
      period = target;
      counted = firstPeriodCount + (target - 1) * plan.perPeriod;
    }
  }

  let emptyPeriods = 0;
  for (; ; period++) {
    if (limit !== undefined && counted >= limit) return;
    // Every date of a later period is past the end date.
    if (endDay !== undefined && period > plan.periodOf(endDay)) return;
    const dates = plan.datesIn(period).filter((n) => n >= startDay);
    emptyPeriods = dates.length === 0 ? emptyPeriods + 1 : 0;
    if (emptyPeriods > MAX_EMPTY_PERIODS) return;
    for (const n of dates) {
      if (endDay !== undefined && n > endDay) return;
      if (limit !== undefined && counted >= limit) return;
      counted++;
      if (fromDay === undefined || n >= fromDay) yield n;
    }
  }
}

export interface OccurrenceDateOptions {
  /** First date of interest (inclusive), `YYYY-MM-DD`. */
  fromDate?: string;
  /** Last date of interest (inclusive), `YYYY-MM-DD`. */
  toDate?: string;
  /** At most this many dates are returned (default 1000): the first ones from `fromDate`. */
  limit?: number;
  monthDayOverflow?: MonthDayOverflow;
}

/**
 * The dates (`YYYY-MM-DD`) on which the series has an occurrence, in order: each occurrence's
 * identity within the series (Graph's occurrence ids and `originalStart` derive from it).
 */
export function occurrenceDates(
  recurrence: PatternedRecurrence,
  options: OccurrenceDateOptions = {},
): string[] {
  assertValid(recurrence);
  const limit = options.limit ?? 1000;
  const toDay = options.toDate === undefined ? undefined : dayNumber(options.toDate);
  const fromDay = options.fromDate === undefined ? undefined : dayNumber(options.fromDate);
  const dates: string[] = [];
  if (limit <= 0) return dates;
  for (const n of occurrenceDayNumbers(recurrence, fromDay, options.monthDayOverflow ?? 'lastDay')) {
    if (toDay !== undefined && n > toDay) break;
    dates.push(formatDate(dateOfDayNumber(n)));
    if (dates.length >= limit) break;
  }
  return dates;
}

/** True if the series has an occurrence on this date (an exception's `originalStart` must be one). */
export function isOccurrenceDate(
  recurrence: PatternedRecurrence,
  date: string,
  monthDayOverflow: MonthDayOverflow = 'lastDay',
): boolean {
  return (
    occurrenceDates(recurrence, { fromDate: date, toDate: date, limit: 1, monthDayOverflow }).length === 1
  );
}

// ---------------------------------------------------------------------------------------------------
// Expansion into timed occurrences

export interface ExpandOptions {
  /**
   * The series master's start and end as wall times in `timeZone` (`YYYY-MM-DDTHH:mm:ss[.fffffff]`);
   * for an all-day series the dates (`YYYY-MM-DD`, end exclusive) or midnights.
   */
  start: string;
  end: string;
  /** Windows or IANA zone of `start`/`end`. Defaults to `range.recurrenceTimeZone`, then UTC for all-day. */
  timeZone?: string;
  isAllDay?: boolean;
  /** Window `[from, to)`: occurrences that overlap it are returned. Both optional. */
  from?: Date | string;
  to?: Date | string;
  /** Safety cap on the number of occurrences returned (default 1000). */
  maxOccurrences?: number;
  monthDayOverflow?: MonthDayOverflow;
}

export interface Occurrence {
  /** The pattern date of this occurrence: its identity within the series. */
  originalStartDate: string;
  start: Date;
  end: Date;
  /** Wall times in the series' zone as Graph writes them (`YYYY-MM-DDTHH:mm:ss.0000000`). */
  startLocal: string;
  endLocal: string;
}

export interface Expansion {
  occurrences: Occurrence[];
  /** True when the cap stopped the expansion before the window or the series ended. */
  truncated: boolean;
}

const MS_PER_DAY = 86_400_000;

function toInstant(value: Date | string): Date {
  return typeof value === 'string' ? parseInstant(value) : value;
}

function wallMsOfBoundary(value: string, isAllDay: boolean): number {
  if (isAllDay && /^\d{4}-\d{2}-\d{2}$/.test(value)) return dayNumber(value) * MS_PER_DAY;
  return parseLocalDateTime(value);
}

/**
 * Expands a series into occurrences that overlap `[from, to)` (an occurrence with no duration is
 * in the window when it starts in it). Each occurrence starts at the master's wall-clock time on its
 * pattern date and lasts the master's wall-clock duration, so a 09:00 Madrid meeting is 08:00Z in
 * winter and 07:00Z in summer. A start inside a DST gap moves forward by the gap and keeps the
 * duration in elapsed time. Work is proportional to the occurrences near the window, not to the
 * series' age. Throws {@link InvalidRecurrenceError} for an invalid recurrence.
 */
export function expandRecurrence(recurrence: PatternedRecurrence, options: ExpandOptions): Expansion {
  assertValid(recurrence);
  const isAllDay = options.isAllDay ?? false;
  const zone = options.timeZone || recurrence.range.recurrenceTimeZone || (isAllDay ? 'UTC' : undefined);
  if (!zone) throw new RangeError('expandRecurrence needs a timeZone (or range.recurrenceTimeZone)');

  const startWall = wallMsOfBoundary(options.start, isAllDay);
  const endWall = wallMsOfBoundary(options.end, isAllDay);
  const durationMs = endWall - startWall;
  if (durationMs < 0)
    throw new RangeError(`Series end '${options.end}' is before its start '${options.start}'`);
  const timeOfDayMs = isAllDay ? 0 : startWall - Math.floor(startWall / MS_PER_DAY) * MS_PER_DAY;

  const from = options.from === undefined ? undefined : toInstant(options.from).getTime();
  const to = options.to === undefined ? undefined : toInstant(options.to).getTime();
  const cap = options.maxOccurrences ?? 1000;
  // Pattern dates bracketing the window, with a day to spare for the zone's offset and DST shifts.
  const fromDay =
    from === undefined
      ? undefined
      : Math.floor((instantToWallMs(new Date(from), zone) - durationMs - timeOfDayMs) / MS_PER_DAY) - 1;
  const toDay =
    to === undefined ? undefined : Math.floor(instantToWallMs(new Date(to), zone) / MS_PER_DAY) + 1;

  const occurrences: Occurrence[] = [];
  for (const n of occurrenceDayNumbers(recurrence, fromDay, options.monthDayOverflow ?? 'lastDay')) {
    if (toDay !== undefined && n > toDay) break;
    const wallStart = n * MS_PER_DAY + timeOfDayMs;
    const start = wallMsToInstant(wallStart, zone);
    const startWallShown = instantToWallMs(start, zone);
    // A start moved forward out of a DST gap keeps the series' duration, so it cannot end before it
    // starts; otherwise the end is the wall-clock end, like the start.
    const end =
      startWallShown === wallStart
        ? wallMsToInstant(wallStart + durationMs, zone)
        : new Date(start.getTime() + durationMs);
    const startMs = start.getTime();
    if (to !== undefined && startMs >= to) continue;
    if (from !== undefined && end.getTime() <= from && startMs < from) continue;
    if (occurrences.length >= cap) return { occurrences, truncated: true };
    occurrences.push({
      originalStartDate: formatDate(dateOfDayNumber(n)),
      start,
      end,
      startLocal: formatLocalDateTime(startWallShown),
      endLocal: formatLocalDateTime(instantToWallMs(end, zone)),
    });
  }
  return { occurrences, truncated: false };
}
