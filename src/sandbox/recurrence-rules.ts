import { GraphError } from './graph-error';

/** What the sandbox needs from the shared recurrence rules (validation, defaults, expansion). */
export interface RecurrenceRules {
  /**
   * Validates a patternedRecurrence for a series whose first start is on `startDate` (YYYY-MM-DD) and
   * returns it with Graph's defaults filled in; throws a 400 GraphError when Graph would refuse it.
   */
  normalise(recurrence: unknown, startDate: string): Record<string, unknown>;
  /** Local dates (YYYY-MM-DD) of the series' occurrences between `from` and `to`, inclusive. */
  occurrenceDates(recurrence: Record<string, unknown>, from: string, to: string): string[];
}

/** Stands in until the shared recurrence module is wired in: recurring series are refused. */
export const pendingRecurrenceRules: RecurrenceRules = {
  normalise() {
    throw new GraphError(501, 'NotImplemented', 'Recurring series are not supported by this sandbox build.');
  },
  occurrenceDates() {
    return [];
  },
};
