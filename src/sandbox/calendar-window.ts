import {
  exceptionView,
  occurrencePlace,
  occurrenceView,
  overlaps,
  storedTiming,
  storedView,
  type EventTiming,
  type EventView,
} from './event-model';
import type { GraphSandbox } from './graph-sandbox';
import { DAY_MS, dateOnly, type NaiveMs, type ZoneRules } from './graph-time';
import type { RecurrenceRules } from './recurrence-rules';
import { occurrenceId } from './sandbox-ids';
import type { EventRecord, ExceptionRecord, MailboxRecord } from './sandbox-state';

/*
 * What a calendar shows in a window, worked out cheaply enough for a delta round to redo it every
 * time: each item's id, instants and the record its change key comes from, with its full view built
 * only for items that are sent. Time conversions and series expansions are memoised on the stored
 * records, and every memo is checked against the values it was computed from and the zone and
 * recurrence rules in use, so an event changed, a record replaced or a snapshot restored is never
 * answered from a stale memo.
 */

/** One item a calendar view shows, placed in time; its full view is built only when it is sent. */
export type ViewPlacement = SinglePlacement | OccurrencePlacement | ExceptionPlacement;

interface PlacementBase {
  readonly id: string;
  readonly startInstant: number;
  readonly endInstant: number;
}

interface SinglePlacement extends PlacementBase {
  readonly type: 'singleInstance';
  readonly event: EventRecord;
}

/** Where the pattern puts an occurrence; kept in the series' memo and shared by every round. */
interface OccurrencePlacement extends PlacementBase {
  readonly type: 'occurrence';
  /** The occurrence's local start (with the instants, what `occurrenceView` places it by). */
  readonly startLocal: NaiveMs;
  /** The series master. */
  readonly event: EventRecord;
  readonly date: string;
}

interface ExceptionPlacement extends PlacementBase {
  readonly type: 'exception';
  /** The series master. */
  readonly event: EventRecord;
  readonly date: string;
  readonly exception: ExceptionRecord;
}

/** The item's change key, read when asked: an occurrence's is its master's. */
export function placementChangeKey(placement: ViewPlacement): string {
  return placement.type === 'exception' ? placement.exception.changeKey : placement.event.changeKey;
}

/** The full view of a placement (event data with the occurrence's times), for an item being sent. */
export function placementView(sandbox: GraphSandbox, placement: ViewPlacement): EventView {
  switch (placement.type) {
    case 'occurrence': {
      const { event, date } = placement;
      return occurrenceView(sandbox, event, date, storedTiming(sandbox, event.data), placement);
    }
    case 'exception':
      return exceptionView(sandbox, placement.event, placement.date);
    default:
      return storedView(sandbox, placement.event);
  }
}

/** In the order a calendar view lists its items: by start, then id. Sorts in place. */
export function inViewOrder(placements: ViewPlacement[]): ViewPlacement[] {
  return placements.sort((a, b) => a.startInstant - b.startInstant || a.id.localeCompare(b.id));
}

interface ExpansionMemo {
  /** Everything of the master that decides where its occurrences fall. */
  key: string;
  zones: ZoneRules;
  rules: RecurrenceRules;
  /** The pattern's occurrences by window (`start/end`), cancelled or excepted or not. */
  windows: Map<string, readonly OccurrencePlacement[]>;
}

/** A few windows per series (a delta's, a calendar view's), the oldest dropped first. */
const MAX_WINDOWS_PER_SERIES = 4;
const expansions = new WeakMap<EventRecord, ExpansionMemo>();

function expansionKey(master: EventRecord): string {
  const { start, end, isAllDay, recurrence } = master.data;
  return JSON.stringify([start.dateTime, start.timeZone, end.dateTime, end.timeZone, isAllDay, recurrence]);
}

/** The pattern's occurrences of `master` overlapping [windowStart, windowEnd), by original date. */
function expandPattern(
  sandbox: GraphSandbox,
  master: EventRecord,
  timing: EventTiming,
  windowStart: number,
  windowEnd: number,
): OccurrencePlacement[] {
  const duration = timing.endInstant - timing.startInstant;
  // Local dates that could hold an overlapping occurrence, with a day of slack for zone offsets.
  const from = dateOnly(sandbox.zones.toLocal(windowStart - duration, timing.zone) - DAY_MS);
  const to = dateOnly(sandbox.zones.toLocal(windowEnd, timing.zone) + DAY_MS);
  const occurrences: OccurrencePlacement[] = [];
  for (const date of sandbox.recurrence.occurrenceDates(master.data.recurrence!, from, to)) {
    const place = occurrencePlace(sandbox, master, date, timing);
    if (!overlaps(place, windowStart, windowEnd)) continue;
    occurrences.push({
      type: 'occurrence',
      id: occurrenceId(master.id, date),
      event: master,
      date,
      startLocal: place.startLocal,
      startInstant: place.startInstant,
      endInstant: place.endInstant,
    });
  }
  return occurrences;
}

function patternOccurrences(
  sandbox: GraphSandbox,
  master: EventRecord,
  timing: EventTiming,
  windowStart: number,
  windowEnd: number,
): readonly OccurrencePlacement[] {
  const key = expansionKey(master);
  let memo = expansions.get(master);
  if (!memo || memo.key !== key || memo.zones !== sandbox.zones || memo.rules !== sandbox.recurrence) {
    memo = { key, zones: sandbox.zones, rules: sandbox.recurrence, windows: new Map() };
    expansions.set(master, memo);
  }
  const windowKey = `${windowStart}/${windowEnd}`;
  let occurrences = memo.windows.get(windowKey);
  if (!occurrences) {
    occurrences = expandPattern(sandbox, master, timing, windowStart, windowEnd);
    memo.windows.set(windowKey, occurrences);
    if (memo.windows.size > MAX_WINDOWS_PER_SERIES) memo.windows.delete(memo.windows.keys().next().value!);
  }
  return occurrences;
}

function hasKeys(record: object): boolean {
  for (const _key in record) return true;
  return false;
}

/**
 * Adds the occurrences and exceptions of a series overlapping [windowStart, windowEnd) to `out`,
 * cancelled dates left out: occurrences by date, then exceptions.
 */
function addSeries(
  sandbox: GraphSandbox,
  master: EventRecord,
  windowStart: number,
  windowEnd: number,
  out: ViewPlacement[],
): void {
  const timing = storedTiming(sandbox, master.data);
  const occurrences = patternOccurrences(sandbox, master, timing, windowStart, windowEnd);
  const { cancelledDates, exceptions } = master;
  const cancelled = cancelledDates.length > 0 ? new Set(cancelledDates) : null;
  const excepted = hasKeys(exceptions);
  if (!cancelled && !excepted) {
    // Most series: every date of the pattern is an occurrence.
    for (const occurrence of occurrences) out.push(occurrence);
    return;
  }
  for (const occurrence of occurrences) {
    if (!cancelled?.has(occurrence.date) && !exceptions[occurrence.date]) out.push(occurrence);
  }
  for (const [date, exception] of Object.entries(exceptions)) {
    if (cancelled?.has(date)) continue;
    const { startInstant, endInstant } = storedTiming(sandbox, exception.data);
    if (!overlaps({ startInstant, endInstant }, windowStart, windowEnd)) continue;
    const id = occurrenceId(master.id, date);
    out.push({ type: 'exception', id, event: master, date, exception, startInstant, endInstant });
  }
}

/**
 * Occurrences and exceptions of a series overlapping [windowStart, windowEnd), cancelled dates left
 * out, sorted by start.
 */
export function seriesInstances(
  sandbox: GraphSandbox,
  master: EventRecord,
  windowStart: number,
  windowEnd: number,
): EventView[] {
  const placements: ViewPlacement[] = [];
  addSeries(sandbox, master, windowStart, windowEnd, placements);
  return placements
    .sort((a, b) => a.startInstant - b.startInstant)
    .map((placement) => placementView(sandbox, placement));
}

/**
 * What a calendar shows in a window: single events, occurrences and exceptions, never masters; in no
 * particular order ({@link inViewOrder} sorts them).
 */
export function placementsInWindow(
  sandbox: GraphSandbox,
  mailbox: MailboxRecord,
  calendarId: string,
  windowStart: number,
  windowEnd: number,
): ViewPlacement[] {
  const placements: ViewPlacement[] = [];
  for (const event of Object.values(mailbox.events)) {
    if (event.calendarId !== calendarId) continue;
    if (event.data.recurrence) {
      addSeries(sandbox, event, windowStart, windowEnd, placements);
      continue;
    }
    const timing = storedTiming(sandbox, event.data);
    if (!overlaps(timing, windowStart, windowEnd)) continue;
    const { startInstant, endInstant } = timing;
    placements.push({ type: 'singleInstance', id: event.id, event, startInstant, endInstant });
  }
  return placements;
}
