/**
 * Typebox schemas for {@link PatternedRecurrence}, for the server and the sandbox to validate request
 * bodies. They check shape only (types, enums, date format); the rules that depend on several fields
 * (weekly needs daysOfWeek, endDate not before startDate, …) are `validateRecurrence`'s, which gives
 * Graph-like messages.
 *
 * Kept apart from recurrence.ts so that the pure logic loads without typebox.
 */
import Type from 'typebox';
import {
  DAYS_OF_WEEK,
  PATTERN_TYPES,
  RANGE_TYPES,
  WEEK_INDEXES,
  type PatternedRecurrence,
  type RecurrencePattern,
  type RecurrenceRange,
} from './recurrence';

const DATE = '^\\d{4}-\\d{2}-\\d{2}$';
const DayOfWeekSchema = Type.Enum(DAYS_OF_WEEK);

export const RecurrencePatternSchema = Type.Object({
  type: Type.Enum(PATTERN_TYPES),
  interval: Type.Integer({ minimum: 1 }),
  daysOfWeek: Type.Optional(Type.Array(DayOfWeekSchema)),
  dayOfMonth: Type.Optional(Type.Integer({ minimum: 0, maximum: 31 })),
  month: Type.Optional(Type.Integer({ minimum: 0, maximum: 12 })),
  index: Type.Optional(Type.Enum(WEEK_INDEXES)),
  firstDayOfWeek: Type.Optional(DayOfWeekSchema),
});

export const RecurrenceRangeSchema = Type.Object({
  type: Type.Enum(RANGE_TYPES),
  startDate: Type.String({ pattern: DATE }),
  endDate: Type.Optional(Type.String({ pattern: DATE })),
  numberOfOccurrences: Type.Optional(Type.Integer({ minimum: 0 })),
  recurrenceTimeZone: Type.Optional(Type.String()),
});

export const PatternedRecurrenceSchema = Type.Object({
  pattern: RecurrencePatternSchema,
  range: RecurrenceRangeSchema,
});

// The schemas and the interfaces must describe the same values; these fail to compile if they drift.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const patternMatches: Same<Type.Static<typeof RecurrencePatternSchema>, RecurrencePattern> = true;
const rangeMatches: Same<Type.Static<typeof RecurrenceRangeSchema>, RecurrenceRange> = true;
const recurrenceMatches: Same<Type.Static<typeof PatternedRecurrenceSchema>, PatternedRecurrence> = true;
void [patternMatches, rangeMatches, recurrenceMatches];
