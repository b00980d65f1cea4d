import {
  normalizeRecurrence,
  occurrenceDates,
  validateRecurrence,
  type PatternedRecurrence,
} from '../domain/recurrence';
import { badRequest } from './graph-error';

/** What the sandbox needs from the shared recurrence rules (validation, defaults, expansion). */
export interface RecurrenceRules {
  /**
   * Validates a patternedRecurrence for a series whose first start is on `startDate` (YYYY-MM-DD) and
   * returns it with Graph's defaults filled in (`recurrenceTimeZone` from the event's start zone);
   * throws a 400 GraphError when Graph would refuse it.
   */
  normalise(recurrence: unknown, startDate: string, startTimeZone?: string): Record<string, unknown>;
  /** Local dates (YYYY-MM-DD) of the series' occurrences between `from` and `to`, inclusive. */
  occurrenceDates(recurrence: Record<string, unknown>, from: string, to: string): string[];
}

/** Most occurrence dates one window asks for: daily over about 27 years. */
const MAX_DATES = 10_000;

/** The domain's recurrence rules, the same the CRM validates and expands with. */
export const domainRecurrenceRules: RecurrenceRules = {
  normalise(recurrence, startDate, startTimeZone) {
    const errors = validateRecurrence(recurrence, startDate);
    if (errors.length > 0) throw badRequest(errors.join('; '), 'ErrorInvalidRequest');
    return normalizeRecurrence(recurrence as PatternedRecurrence, {
      ...(startTimeZone ? { timeZone: startTimeZone } : {}),
    }) as unknown as Record<string, unknown>;
  },
  occurrenceDates(recurrence, from, to) {
    return occurrenceDates(recurrence as unknown as PatternedRecurrence, {
      fromDate: from,
      toDate: to,
      limit: MAX_DATES,
    });
  },
};
