/**
 * The sandbox in this tree still runs its interim rules: IANA zones only (Graph also takes Windows
 * names, which is what the mapper writes) and no recurring series. Until it is wired to the shared
 * domain modules, the mapping tests plug those in themselves.
 */
import { normalizeRecurrence, occurrenceDates, validateRecurrence } from '../../../../src/domain/recurrence';
import type { PatternedRecurrence } from '../../../../src/domain/recurrence';
import { instantToWallMs, tryResolveTimeZone, wallMsToInstant } from '../../../../src/domain/time-zones';
import type { GraphSandbox } from '../../../../src/sandbox';
import { GraphError } from '../../../../src/sandbox/graph-error';
import type { ZoneRules } from '../../../../src/sandbox/graph-time';
import type { RecurrenceRules } from '../../../../src/sandbox/recurrence-rules';

const domainZones: ZoneRules = {
  resolve: (zone) => tryResolveTimeZone(zone),
  toInstant: (local, zone) => wallMsToInstant(local, zone).getTime(),
  toLocal: (instant, zone) => instantToWallMs(new Date(instant), zone),
};

const domainRecurrence: RecurrenceRules = {
  normalise(recurrence, startDate) {
    const errors = validateRecurrence(recurrence, startDate);
    if (errors.length > 0) throw new GraphError(400, 'ErrorInvalidRequest', errors.join('; '));
    return normalizeRecurrence(recurrence as PatternedRecurrence) as unknown as Record<string, unknown>;
  },
  occurrenceDates: (recurrence, from, to) =>
    occurrenceDates(recurrence as unknown as PatternedRecurrence, {
      fromDate: from,
      toDate: to,
      limit: 5000,
    }),
};

/** Gives the sandbox Graph's zone names and recurring series, when it does not have them yet. */
export function withDomainRules(sandbox: GraphSandbox): void {
  if (!sandbox.zones.resolve('Romance Standard Time')) sandbox.zones = domainZones;
  try {
    sandbox.recurrence.normalise(
      { pattern: { type: 'daily', interval: 1 }, range: { type: 'noEnd', startDate: '2026-01-01' } },
      '2026-01-01',
    );
  } catch {
    sandbox.recurrence = domainRecurrence;
  }
}
