/** The Graph v1.0 event as the event mapper reads it, and a recurring series as read from Graph. */
import type { GraphExtendedProperty } from '../../domain/graph-contact-fields';
import type { PatternedRecurrence } from '../../domain/recurrence';

export interface GraphDateTimeTimeZone {
  dateTime: string;
  /** Windows id, IANA name or `UTC`: the zone `dateTime` is expressed in. */
  timeZone: string;
}

export interface GraphAttendee {
  type?: string;
  status?: { response?: string | null; time?: string } | null;
  emailAddress?: { name?: string | null; address?: string | null } | null;
}

export type GraphEventType = 'singleInstance' | 'occurrence' | 'exception' | 'seriesMaster';

export interface GraphEvent {
  id?: string;
  changeKey?: string;
  type?: GraphEventType;
  seriesMasterId?: string | null;
  subject?: string | null;
  body?: { contentType?: string; content?: string | null } | null;
  location?: { displayName?: string | null } | null;
  start?: GraphDateTimeTimeZone | null;
  end?: GraphDateTimeTimeZone | null;
  /** For occurrences and exceptions: where the pattern put it (an instant). */
  originalStart?: string | null;
  originalStartTimeZone?: string | null;
  originalEndTimeZone?: string | null;
  isAllDay?: boolean;
  isCancelled?: boolean;
  isReminderOn?: boolean;
  reminderMinutesBeforeStart?: number | null;
  recurrence?: PatternedRecurrence | null;
  attendees?: GraphAttendee[] | null;
  transactionId?: string | null;
  singleValueExtendedProperties?: GraphExtendedProperty[];
}

/**
 * A recurring series as Graph gives it: the master (subject, body, pattern) and what
 * `/events/{master}/instances` answered for `window`: occurrences and exceptions, cancelled dates
 * left out. Pattern dates in the window with no instance are read as cancelled; pass the window the
 * instances were asked for, or omit it when they cover the whole series.
 */
export interface GraphSeries {
  master: GraphEvent;
  instances: readonly GraphEvent[];
  window?: { start: string; end: string };
}

/** What the event mapper reads: a single event, or a series with its instances. */
export type GraphEventItem = GraphEvent | GraphSeries;

export function isGraphSeries(item: GraphEventItem): item is GraphSeries {
  return 'master' in item && 'instances' in item;
}
