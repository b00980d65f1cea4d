import { Type, type Static } from 'typebox';
import type { EventFields } from './event';
import { DateOnly, Instant, Nullable, ShortText } from './record';
import { expandRecurrence, isOccurrenceDate } from './recurrence';
import { instantToLocal, localToInstant } from './time-zones';

/**
 * Where an event stands with Outlook, as its owner's sync sees it. `notSynced` says why: an import
 * not yet mass-updated, another user's event (it syncs to its owner's mailbox), sync turned off, or
 * beyond the number of events the initial sync takes.
 */
export const SYNC_STATES = ['inOutlook', 'waiting', 'conflict', 'notSynced'] as const;
export const NOT_SYNCED_REASONS = ['imported', 'notYours', 'syncOff', 'beyondCap'] as const;
export type NotSyncedReason = (typeof NOT_SYNCED_REASONS)[number];
export type EventSyncStatus =
  { state: 'inOutlook' | 'waiting' | 'conflict' } | { state: 'notSynced'; reason: NotSyncedReason };

/** The longest window one calendar request may cover. */
export const MAX_RANGE_DAYS = 400;

/** One occurrence in a date window: a single event, or one date of a series (exceptions applied). */
export interface CalendarItem {
  eventId: string;
  /** The series date this occurrence stands for (its identity within the series); null for a single event. */
  occurrenceDate: string | null;
  title: string;
  location: string | null;
  start: string;
  end: string;
  isAllDay: boolean;
  /** All-day items: the dates they cover, end exclusive. */
  startDate: string | null;
  endDate: string | null;
  timeZone: string;
  recurring: boolean;
  /** An occurrence that differs from its series (moved or retitled). */
  modified: boolean;
  ownerId: string;
  version: number;
}

/** What changes in one occurrence of a series (`PATCH /api/events/:id/occurrences/:date`). */
export const OccurrenceChange = Type.Object(
  {
    start: Type.Optional(Instant),
    end: Type.Optional(Instant),
    title: Type.Optional(ShortText(255)),
    location: Type.Optional(Nullable(ShortText(255))),
    description: Type.Optional(Nullable(Type.String({ maxLength: 32000 }))),
  },
  { additionalProperties: false },
);
export type OccurrenceChange = Static<typeof OccurrenceChange>;
export const OccurrenceDate = DateOnly;

type StoredEvent = EventFields & { id: string; ownerId: string; version: number };

const DAY_MS = 86_400_000;

function allDayInstant(date: string, zone: string): string {
  return localToInstant(`${date}T00:00:00`, zone).toISOString();
}

function shiftDate(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/**
 * The occurrences of one stored event that overlap `[from, to)`: a single event once, a series
 * expanded by its pattern with its exceptions applied (cancelled dates left out, moved ones where
 * they were moved to, even from outside the window).
 */
export function eventOccurrences(event: StoredEvent, from: Date, to: Date): CalendarItem[] {
  const zone = event.timeZone ?? 'UTC';
  const isAllDay = event.isAllDay ?? false;
  const base = {
    eventId: event.id,
    title: event.title ?? '',
    location: event.location ?? null,
    isAllDay,
    timeZone: zone,
    ownerId: event.ownerId,
    version: event.version,
  };
  const start = isAllDay ? allDayInstant(event.startDate!, zone) : event.start!;
  const end = isAllDay ? allDayInstant(event.endDate!, zone) : event.end!;
  const overlaps = (s: string, e: string) =>
    Date.parse(s) < to.getTime() && (Date.parse(e) > from.getTime() || Date.parse(s) >= from.getTime());
  if (!event.recurrence) {
    if (!overlaps(start, end)) return [];
    return [
      {
        ...base,
        occurrenceDate: null,
        start,
        end,
        startDate: isAllDay ? event.startDate! : null,
        endDate: isAllDay ? event.endDate! : null,
        recurring: false,
        modified: false,
      },
    ];
  }
  const exceptions = new Map((event.exceptions ?? []).map((x) => [x.originalStartDate, x]));
  const lengthDays = isAllDay
    ? Math.round(
        (Date.parse(`${event.endDate}T00:00:00Z`) - Date.parse(`${event.startDate}T00:00:00Z`)) / DAY_MS,
      )
    : 0;
  const expansion = expandRecurrence(event.recurrence, {
    start: isAllDay ? event.startDate! : instantToLocal(start, zone),
    end: isAllDay ? event.endDate! : instantToLocal(end, zone),
    timeZone: zone,
    isAllDay,
    from,
    to,
  });
  const items: CalendarItem[] = [];
  const seen = new Set<string>();
  const push = (date: string, s: string, e: string) => {
    const x = exceptions.get(date);
    seen.add(date);
    if (x?.cancelled) return;
    const itemStart = x?.start ?? s;
    const itemEnd = x?.end ?? e;
    if (!overlaps(itemStart, itemEnd)) return;
    items.push({
      ...base,
      occurrenceDate: date,
      title: x?.title ?? base.title,
      location: x?.location !== undefined ? x.location : base.location,
      start: itemStart,
      end: itemEnd,
      startDate: isAllDay ? date : null,
      endDate: isAllDay ? shiftDate(date, lengthDays) : null,
      recurring: true,
      modified: x !== undefined,
    });
  };
  for (const o of expansion.occurrences) {
    const s = isAllDay ? allDayInstant(o.originalStartDate, zone) : o.start.toISOString();
    const e = isAllDay
      ? allDayInstant(shiftDate(o.originalStartDate, lengthDays), zone)
      : o.end.toISOString();
    push(o.originalStartDate, s, e);
  }
  // A moved occurrence whose own date is outside the window may have been moved into it.
  for (const x of exceptions.values()) {
    if (seen.has(x.originalStartDate) || x.cancelled || !x.start || !x.end) continue;
    if (!isOccurrenceDate(event.recurrence, x.originalStartDate)) continue;
    push(x.originalStartDate, x.start, x.end);
  }
  return items;
}

/** Calendar order: by start, then event id, then occurrence date. */
export function compareItems(a: CalendarItem, b: CalendarItem): number {
  return (
    Date.parse(a.start) - Date.parse(b.start) ||
    (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0) ||
    (a.occurrenceDate ?? '').localeCompare(b.occurrenceDate ?? '')
  );
}
