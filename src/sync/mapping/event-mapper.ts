/**
 * CRM event ⇄ Graph event.
 *
 * - Times: the CRM keeps instants and an IANA zone; Graph keeps wall times with a zone. We write the
 *   wall time in the event's zone under its Windows name, and read any zone Graph answers in
 *   (Windows or IANA; UTC unless `Prefer: outlook.timezone` was sent). A wall time that happens
 *   twice (DST fall-back) cannot say which instant it means, so such a boundary is written in UTC.
 *   Zones compare by the Windows zone they map to (Graph answers "Romance Standard Time" for
 *   Europe/Madrid), so snapshots carry that zone's canonical IANA name.
 * - All-day events are dates with an exclusive end, midnight to midnight on the Graph side.
 * - Attendees are never written to Graph: Graph mails every attendee of an event it creates,
 *   updates or deletes, and that cannot be switched off. CRM participants travel in a plain-text
 *   block at the end of the body (for people) and in an extended property (for us). Attendees made
 *   in Outlook are read as CRM participants.
 * - A recurring series maps its pattern both ways. Occurrences edited or cancelled in Outlook become
 *   CRM `exceptions`, read from the series' instances ({@link GraphSeries}).
 */
import type { Attendee, EventFields, OccurrenceException } from '../../domain/event';
import {
  compactRecurrence,
  expandRecurrence,
  occurrenceDates,
  type PatternedRecurrence,
} from '../../domain/recurrence';
import {
  addDays,
  chosenTimeZone,
  dayNumber,
  graphTimeZoneName,
  ianaToWindows,
  instantToLocal,
  localDateOf,
  localToInstant,
  parseInstant,
  tryResolveTimeZone,
  windowsToIana,
} from '../../domain/time-zones';
import type { FieldValue, GraphBody, ResourceMapper, Snapshot } from '../model';
import {
  isGraphSeries,
  type GraphAttendee,
  type GraphEvent,
  type GraphEventItem,
  type GraphSeries,
} from './graph-event';
import { PARTICIPANTS_PROPERTY, readExtendedProperty } from './extended-properties';
import { normaliseLine, normaliseText, sortedObject } from './normalise';

export const EVENT_FIELDS = [
  'title',
  'description',
  'location',
  'isAllDay',
  'start',
  'end',
  'startDate',
  'endDate',
  'timeZone',
  'attendees',
  'reminderMinutes',
  'recurrence',
  'exceptions',
] as const;

export class EventMappingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EventMappingError';
  }
}

// ---------------------------------------------------------------------------------------------------
// Zones and instants

/** The IANA name snapshots use for a zone: the canonical zone of its Windows zone, if it has one. */
export function canonicalZone(zone: string): string {
  const iana = tryResolveTimeZone(zone);
  if (!iana) throw new EventMappingError(`Unknown time zone '${zone}'`);
  const windows = ianaToWindows(iana);
  return (windows && windowsToIana(windows)) || iana;
}

/**
 * The zone a snapshot keeps: the one the person chose (Europe/Madrid stays Europe/Madrid, though
 * Windows files it under Romance Standard Time with Paris), so an event comes back in its own zone.
 */
export function snapshotZone(zone: string): string {
  const chosen = chosenTimeZone(zone);
  if (!chosen) throw new EventMappingError(`Unknown time zone '${zone}'`);
  return chosen;
}

/** The zone name written to Graph: the Windows id when it names exactly this zone, else the IANA name. */
export function graphZoneName(zone: string): string {
  return graphTimeZoneName(zone);
}

const isUtcName = (zone: string | null | undefined): boolean =>
  !!zone && ['utc', 'etc/utc', 'tzone://microsoft/utc', 'gmt', 'etc/gmt'].includes(zone.toLowerCase());

function normaliseInstant(value: unknown, field: string): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value !== 'string') throw new EventMappingError(`${field} must be an instant`);
  return parseInstant(value).toISOString();
}

function readGraphInstant(time: GraphEvent['start'], field: string): string {
  if (!time?.dateTime || !time.timeZone) throw new EventMappingError(`Graph event has no ${field}`);
  const zone = tryResolveTimeZone(time.timeZone);
  if (!zone) throw new EventMappingError(`Graph event ${field} has an unknown time zone '${time.timeZone}'`);
  return localToInstant(time.dateTime, zone).toISOString();
}

/**
 * The event's own zone. Outlook's custom zones have no name we can resolve, and a boundary we wrote
 * in UTC says nothing about the zone, so the other hints are tried in turn.
 */
function graphEventZone(event: GraphEvent): string {
  const hints = [
    event.originalStartTimeZone,
    event.originalEndTimeZone,
    event.recurrence?.range.recurrenceTimeZone,
  ];
  for (const hint of hints) {
    if (!hint || isUtcName(hint)) continue;
    const zone = tryResolveTimeZone(hint);
    if (zone) return snapshotZone(zone);
  }
  return snapshotZone('Etc/UTC');
}

/** A wall time for Graph, or UTC when the wall time is ambiguous in the zone. */
function toGraphTime(instant: string, zone: string): { dateTime: string; timeZone: string } {
  const local = instantToLocal(instant, zone);
  if (localToInstant(local, zone).toISOString() === parseInstant(instant).toISOString()) {
    return { dateTime: local, timeZone: graphZoneName(zone) };
  }
  return { dateTime: instantToLocal(instant, 'Etc/UTC'), timeZone: 'UTC' };
}

// ---------------------------------------------------------------------------------------------------
// Body, participants

const PARTICIPANTS_MARKER = '---- Participants ----';

export interface SnapshotAttendee {
  email: string;
  name: string | null;
  response: NonNullable<Attendee['response']>;
}

function normaliseAttendees(list: readonly Partial<Attendee>[] | undefined | null): SnapshotAttendee[] {
  const byEmail = new Map<string, SnapshotAttendee>();
  for (const a of list ?? []) {
    const email = normaliseLine(a.email)?.toLowerCase();
    if (!email) continue;
    let name = normaliseLine(a.name);
    if (name?.toLowerCase() === email) name = null;
    const response = a.response ?? 'none';
    const earlier = byEmail.get(email);
    byEmail.set(email, {
      email,
      name: name ?? earlier?.name ?? null,
      response: response !== 'none' ? response : (earlier?.response ?? 'none'),
    });
  }
  return [...byEmail.values()].sort((a, b) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0));
}

function participantLine(a: SnapshotAttendee): string {
  return a.name ? `${a.name} <${a.email}>` : a.email;
}

/** The body Outlook shows: the description, then the participants block. */
export function composeBody(description: string | null, attendees: readonly SnapshotAttendee[]): string {
  const parts: string[] = [];
  if (description) parts.push(description);
  if (attendees.length > 0) parts.push([PARTICIPANTS_MARKER, ...attendees.map(participantLine)].join('\n'));
  return parts.join('\n\n');
}

/** Splits a text body into the description and the participants listed in our block. */
export function splitBody(text: string): { description: string | null; listed: SnapshotAttendee[] } {
  const normalised = text.replace(/\r\n?/g, '\n');
  const at = normalised.lastIndexOf(PARTICIPANTS_MARKER);
  if (at < 0 || (at > 0 && normalised[at - 1] !== '\n')) {
    return { description: normaliseText(normalised), listed: [] };
  }
  const listed = normalised
    .slice(at + PARTICIPANTS_MARKER.length)
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const match = /^(.*?)\s*<([^<>\s]+@[^<>\s]+)>$/.exec(line);
      return match ? { email: match[2]!, name: match[1]! } : { email: line };
    });
  return { description: normaliseText(normalised.slice(0, at)), listed: normaliseAttendees(listed) };
}

function htmlToText(html: string): string {
  return html
    .replace(/<head[\s\S]*?<\/head>/gi, '')
    .replace(/<(br|\/p|\/div|\/li|\/tr|\/h\d)\s*\/?>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

function bodyText(event: GraphEvent): string {
  const content = event.body?.content ?? '';
  return event.body?.contentType?.toLowerCase() === 'html' ? htmlToText(content) : content;
}

const GRAPH_RESPONSES: Record<string, SnapshotAttendee['response']> = {
  accepted: 'accepted',
  declined: 'declined',
  tentativelyAccepted: 'tentative',
};

function readAttendees(event: GraphEvent, listed: SnapshotAttendee[]): SnapshotAttendee[] {
  const stored = readExtendedProperty(event.singleValueExtendedProperties, PARTICIPANTS_PROPERTY);
  let ours = listed;
  if (stored !== undefined) {
    try {
      ours = normaliseAttendees(JSON.parse(stored) as Attendee[]);
    } catch {
      // A property we cannot read falls back to the block in the body.
    }
  }
  const invited = (event.attendees ?? []).map((a: GraphAttendee) => ({
    email: a.emailAddress?.address ?? '',
    name: a.emailAddress?.name ?? null,
    response: GRAPH_RESPONSES[a.status?.response ?? ''] ?? 'none',
  }));
  return normaliseAttendees([...ours, ...invited]);
}

// ---------------------------------------------------------------------------------------------------
// Recurrence and exceptions

function normaliseRecurrence(recurrence: PatternedRecurrence, zone: string): PatternedRecurrence {
  const compact = compactRecurrence(recurrence);
  compact.range.recurrenceTimeZone = snapshotZone(recurrence.range.recurrenceTimeZone || zone);
  return compact;
}

/** The master's timing, enough to place a regular occurrence on a pattern date. */
interface SeriesTiming {
  recurrence: PatternedRecurrence;
  zone: string;
  isAllDay: boolean;
  start: string; // wall time or date
  end: string;
}

function seriesTiming(snapshot: Snapshot): SeriesTiming | undefined {
  const recurrence = snapshot.recurrence as PatternedRecurrence | null;
  if (!recurrence) return undefined;
  const zone = snapshot.timeZone as string;
  if (snapshot.isAllDay) {
    return {
      recurrence,
      zone,
      isAllDay: true,
      start: snapshot.startDate as string,
      end: snapshot.endDate as string,
    };
  }
  return {
    recurrence,
    zone,
    isAllDay: false,
    start: instantToLocal(snapshot.start as string, zone),
    end: instantToLocal(snapshot.end as string, zone),
  };
}

function regularOccurrence(timing: SeriesTiming, date: string): { start: string; end: string } | undefined {
  const from = localToInstant(`${addDays(date, -1)}T00:00:00`, timing.zone);
  const to = localToInstant(`${addDays(date, 2)}T00:00:00`, timing.zone);
  const found = expandRecurrence(timing.recurrence, {
    start: timing.start,
    end: timing.end,
    timeZone: timing.zone,
    isAllDay: timing.isAllDay,
    from,
    to,
    maxOccurrences: 10,
  }).occurrences.find((o) => o.originalStartDate === date);
  return found && { start: found.start.toISOString(), end: found.end.toISOString() };
}

interface ExceptionDraft {
  originalStartDate: string;
  cancelled?: boolean;
  start?: string | null;
  end?: string | null;
  title?: string | null;
  location?: string | null;
  description?: string | null;
}

/** Keeps only what differs from the series; drops exceptions that change nothing. */
function normaliseExceptions(drafts: readonly ExceptionDraft[], master: Snapshot): FieldValue {
  const timing = seriesTiming(master);
  if (!timing) return [];
  const out = new Map<string, FieldValue>();
  for (const draft of drafts) {
    const date = draft.originalStartDate;
    if (draft.cancelled) {
      out.set(date, { cancelled: true, originalStartDate: date });
      continue;
    }
    const regular = regularOccurrence(timing, date);
    const entry: Record<string, FieldValue | undefined> = { originalStartDate: date };
    const start = draft.start ?? regular?.start;
    let end = draft.end ?? regular?.end;
    if (draft.start && !draft.end && regular) {
      end = new Date(
        Date.parse(draft.start) + Date.parse(regular.end) - Date.parse(regular.start),
      ).toISOString();
    }
    if (start && start !== regular?.start) entry.start = start;
    if (end && end !== regular?.end) entry.end = end;
    if (draft.title !== undefined && draft.title !== master.title) entry.title = draft.title;
    if (draft.location !== undefined && draft.location !== master.location) entry.location = draft.location;
    if (draft.description !== undefined && draft.description !== master.description)
      entry.description = draft.description;
    if (Object.keys(entry).length > 1) out.set(date, sortedObject(entry));
  }
  return [...out.keys()].sort().map((date) => out.get(date)!);
}

function crmExceptionDraft(e: OccurrenceException): ExceptionDraft {
  if (e.cancelled) return { originalStartDate: e.originalStartDate, cancelled: true };
  return {
    originalStartDate: e.originalStartDate,
    ...(e.start ? { start: normaliseInstant(e.start, 'exceptions.start') } : {}),
    ...(e.end ? { end: normaliseInstant(e.end, 'exceptions.end') } : {}),
    ...(e.title !== undefined ? { title: normaliseLine(e.title) } : {}),
    ...(e.location !== undefined ? { location: normaliseLine(e.location) } : {}),
    ...(e.description !== undefined ? { description: normaliseText(e.description) } : {}),
  };
}

/** The pattern date an instance stands for, when Graph says (`originalStart`) or it is unmoved. */
function knownOriginalDate(instance: GraphEvent, timing: SeriesTiming): string | undefined {
  if (instance.originalStart) return localDateOf(instantToLocal(instance.originalStart, timing.zone));
  if (instance.type === 'occurrence' && instance.start?.dateTime) {
    if (timing.isAllDay) return instance.start.dateTime.slice(0, 10);
    return localDateOf(instantToLocal(readGraphInstant(instance.start, 'start'), timing.zone));
  }
  return undefined;
}

function instanceStartDate(instance: GraphEvent, timing: SeriesTiming): string {
  if (timing.isAllDay) return instance.start!.dateTime.slice(0, 10);
  return localDateOf(instantToLocal(readGraphInstant(instance.start, 'start'), timing.zone));
}

/** Pattern dates the instances were asked for: those overlapping the window, or the whole series. */
function expectedDates(
  series: { window?: { start: string; end: string } },
  timing: SeriesTiming,
  latest?: string,
) {
  if (series.window) {
    return expandRecurrence(timing.recurrence, {
      start: timing.start,
      end: timing.end,
      timeZone: timing.zone,
      isAllDay: timing.isAllDay,
      from: series.window.start,
      to: series.window.end,
      maxOccurrences: 5000,
    }).occurrences.map((o) => o.originalStartDate);
  }
  const bounded = timing.recurrence.range.type !== 'noEnd';
  if (!bounded && !latest) return [];
  return occurrenceDates(timing.recurrence, { ...(bounded ? {} : { toDate: latest }), limit: 5000 });
}

/** Which instance stands for which pattern date, and the pattern dates the instances were asked for. */
function placeInstances(
  item: GraphSeries,
  timing: SeriesTiming,
): { claimed: Map<string, GraphEvent>; expected: string[] } {
  const instances = item.instances.filter((i) => !i.isCancelled);
  const claimed = new Map<string, GraphEvent>();
  const unplaced: GraphEvent[] = [];
  for (const instance of instances) {
    const date = knownOriginalDate(instance, timing);
    if (date) claimed.set(date, instance);
    else unplaced.push(instance);
  }
  const latest = [...claimed.keys(), ...unplaced.map((i) => instanceStartDate(i, timing))].sort().pop();
  const expected = expectedDates(item, timing, latest);
  // Without `originalStart`, a moved exception is taken for the free pattern date nearest to it.
  const free = expected.filter((d) => !claimed.has(d));
  for (const instance of unplaced) {
    if (free.length === 0) break;
    const at = dayNumber(instanceStartDate(instance, timing));
    let best = 0;
    free.forEach((d, i) => {
      if (Math.abs(dayNumber(d) - at) < Math.abs(dayNumber(free[best]!) - at)) best = i;
    });
    claimed.set(free.splice(best, 1)[0]!, instance);
  }
  return { claimed, expected };
}

function graphExceptionDrafts(item: GraphSeries, master: Snapshot): ExceptionDraft[] {
  const timing = seriesTiming(master);
  if (!timing) return [];
  const { claimed, expected } = placeInstances(item, timing);
  const drafts: ExceptionDraft[] = expected
    .filter((d) => !claimed.has(d))
    .map((d) => ({ originalStartDate: d, cancelled: true }));
  for (const [date, instance] of claimed) {
    if (instance.type === 'occurrence') continue;
    const { description } = splitBody(bodyText(instance));
    drafts.push({
      originalStartDate: date,
      start: timing.isAllDay
        ? localToInstant(instance.start!.dateTime, timing.zone).toISOString()
        : readGraphInstant(instance.start, 'start'),
      end: timing.isAllDay
        ? localToInstant(instance.end!.dateTime, timing.zone).toISOString()
        : readGraphInstant(instance.end, 'end'),
      title: normaliseLine(instance.subject),
      location: normaliseLine(instance.location?.displayName),
      description,
    });
  }
  return drafts;
}

// ---------------------------------------------------------------------------------------------------
// The mapper

function snapshotOfTimes(fields: {
  isAllDay: boolean;
  start: string | null;
  end: string | null;
  startDate: string | null;
  endDate: string | null;
  timeZone: string;
}): Record<string, FieldValue> {
  return fields.isAllDay
    ? { isAllDay: true, start: null, end: null, startDate: fields.startDate, endDate: fields.endDate }
    : { isAllDay: false, start: fields.start, end: fields.end, startDate: null, endDate: null };
}

function ordered(snapshot: Record<string, FieldValue>): Snapshot {
  const out: Record<string, FieldValue> = {};
  for (const key of EVENT_FIELDS) out[key] = snapshot[key] ?? null;
  return out;
}

function fromCrm(record: EventFields): Snapshot {
  if (!record.timeZone) throw new EventMappingError('event has no timeZone');
  const timeZone = snapshotZone(record.timeZone);
  const isAllDay = record.isAllDay ?? false;
  const base: Record<string, FieldValue> = {
    title: normaliseLine(record.title),
    description: normaliseText(record.description),
    location: normaliseLine(record.location),
    ...snapshotOfTimes({
      isAllDay,
      start: normaliseInstant(record.start, 'start'),
      end: normaliseInstant(record.end, 'end'),
      startDate: record.startDate ?? null,
      endDate: record.endDate ?? null,
      timeZone,
    }),
    timeZone,
    attendees: normaliseAttendees(record.attendees) as unknown as FieldValue,
    reminderMinutes: record.reminderMinutes ?? null,
    recurrence: record.recurrence
      ? (normaliseRecurrence(record.recurrence, timeZone) as unknown as FieldValue)
      : null,
  };
  base.exceptions = normaliseExceptions((record.exceptions ?? []).map(crmExceptionDraft), base);
  return ordered(base);
}

function graphMasterSnapshot(event: GraphEvent): Record<string, FieldValue> {
  const timeZone = graphEventZone(event);
  const isAllDay = event.isAllDay ?? false;
  const { description, listed } = splitBody(bodyText(event));
  if (!event.start?.dateTime || !event.end?.dateTime)
    throw new EventMappingError('Graph event has no start or end');
  return {
    title: normaliseLine(event.subject),
    description,
    location: normaliseLine(event.location?.displayName),
    ...snapshotOfTimes({
      isAllDay,
      // All-day events come back midnight to midnight whatever zone was asked for.
      startDate: isAllDay ? event.start.dateTime.slice(0, 10) : null,
      endDate: isAllDay ? event.end.dateTime.slice(0, 10) : null,
      start: isAllDay ? null : readGraphInstant(event.start, 'start'),
      end: isAllDay ? null : readGraphInstant(event.end, 'end'),
      timeZone,
    }),
    timeZone,
    attendees: readAttendees(event, listed) as unknown as FieldValue,
    reminderMinutes: event.isReminderOn === false ? null : (event.reminderMinutesBeforeStart ?? null),
    recurrence: event.recurrence
      ? (normaliseRecurrence(event.recurrence, timeZone) as unknown as FieldValue)
      : null,
  };
}

function fromGraph(item: GraphEventItem): Snapshot {
  if (isGraphSeries(item)) {
    const base = graphMasterSnapshot(item.master);
    base.exceptions = normaliseExceptions(graphExceptionDrafts(item, base), base);
    return ordered(base);
  }
  return ordered({ ...graphMasterSnapshot(item), exceptions: [] });
}

const TIME_FIELDS = new Set(['isAllDay', 'start', 'end', 'startDate', 'endDate', 'timeZone']);

function toGraph(snapshot: Snapshot, changed?: readonly string[]): GraphBody {
  const keys = new Set(changed ?? EVENT_FIELDS);
  const body: GraphBody = {};
  const zone = snapshot.timeZone as string | null;
  if (keys.has('title')) body.subject = (snapshot.title as string | null) ?? '';
  if (keys.has('description') || keys.has('attendees')) {
    const attendees = (snapshot.attendees ?? []) as unknown as SnapshotAttendee[];
    body.body = {
      contentType: 'text',
      content: composeBody(snapshot.description as string | null, attendees),
    };
    body.singleValueExtendedProperties = [{ id: PARTICIPANTS_PROPERTY, value: JSON.stringify(attendees) }];
  }
  if (keys.has('location')) body.location = { displayName: (snapshot.location as string | null) ?? '' };
  const timesChanged = [...keys].some((k) => TIME_FIELDS.has(k));
  if (timesChanged) {
    if (!zone) throw new EventMappingError('event has no timeZone');
    body.isAllDay = snapshot.isAllDay === true;
    if (snapshot.isAllDay) {
      if (!snapshot.startDate || !snapshot.endDate)
        throw new EventMappingError('all-day event needs startDate and endDate');
      const name = graphZoneName(zone);
      body.start = { dateTime: `${snapshot.startDate as string}T00:00:00.0000000`, timeZone: name };
      body.end = { dateTime: `${snapshot.endDate as string}T00:00:00.0000000`, timeZone: name };
    } else {
      if (!snapshot.start || !snapshot.end) throw new EventMappingError('event needs start and end');
      body.start = toGraphTime(snapshot.start as string, zone);
      body.end = toGraphTime(snapshot.end as string, zone);
    }
  }
  if (keys.has('reminderMinutes')) {
    const minutes = snapshot.reminderMinutes as number | null;
    body.isReminderOn = minutes !== null;
    if (minutes !== null) body.reminderMinutesBeforeStart = minutes;
  }
  // A new start must move the series' start date with it, so the pattern goes along.
  if (keys.has('recurrence') || (timesChanged && snapshot.recurrence)) {
    const recurrence = snapshot.recurrence as unknown as PatternedRecurrence | null;
    body.recurrence = recurrence
      ? {
          pattern: { ...recurrence.pattern },
          range: {
            ...recurrence.range,
            recurrenceTimeZone: graphZoneName(recurrence.range.recurrenceTimeZone || zone || 'UTC'),
          },
        }
      : null;
  }
  return body;
}

function toCrm(snapshot: Snapshot, changed?: readonly string[]): Partial<EventFields> {
  const keys = changed ?? EVENT_FIELDS;
  const patch: Record<string, unknown> = {};
  for (const key of keys) {
    const value = snapshot[key];
    if (value === undefined) continue;
    switch (key) {
      case 'title':
        patch.title = (value as string | null) ?? '';
        break;
      case 'isAllDay':
        patch.isAllDay = value === true;
        break;
      case 'timeZone':
        if (value !== null) patch.timeZone = value;
        break;
      case 'attendees':
        patch.attendees = ((value ?? []) as unknown as SnapshotAttendee[]).map((a) => ({
          email: a.email,
          ...(a.name ? { name: a.name } : {}),
          response: a.response,
        }));
        break;
      case 'exceptions':
        patch.exceptions = ((value ?? []) as unknown as ExceptionDraft[]).map((e) => {
          const exception: Record<string, unknown> = { ...e };
          // The CRM keeps an exception's title as text; a cleared one is empty.
          if ('title' in exception && exception.title === null) exception.title = '';
          return exception;
        });
        break;
      case 'recurrence':
        patch.recurrence = value === null ? null : structuredClone(value);
        break;
      default:
        patch[key] = value;
    }
  }
  return patch as Partial<EventFields>;
}

/** The event mapper. Fields are the CRM event fields that sync, in a stable order. */
export function createEventMapper(): ResourceMapper<EventFields, GraphEventItem> {
  return { fields: EVENT_FIELDS, fromCrm, fromGraph, toGraph, toCrm };
}

// ---------------------------------------------------------------------------------------------------
// Occurrence writes

export interface OccurrenceWrites {
  /** Instances to delete: each cancels its date (Graph mails no one for events without attendees). */
  cancel: { id: string; originalStartDate: string }[];
  /** Instances to patch, turning them into (or back from) exceptions. */
  update: { id: string; originalStartDate: string; body: GraphBody }[];
  /**
   * Dates the CRM wants held but Outlook cancelled: Graph cannot bring a cancelled occurrence back,
   * so the caller reports them (or reads the cancellation back into the CRM).
   */
  unrestorable: string[];
}

/**
 * The writes that make a Graph series' occurrences match a snapshot's `exceptions`, after its
 * master is written. Only dates the series' instances cover are touched.
 */
export function planOccurrenceWrites(snapshot: Snapshot, series: GraphSeries): OccurrenceWrites {
  const writes: OccurrenceWrites = { cancel: [], update: [], unrestorable: [] };
  const timing = seriesTiming(snapshot);
  if (!timing) return writes;
  const { claimed, expected } = placeInstances(series, timing);
  const current = new Map(
    (fromGraph(series).exceptions as unknown as ExceptionDraft[]).map((e) => [e.originalStartDate, e]),
  );
  const wanted = new Map(
    ((snapshot.exceptions ?? []) as unknown as ExceptionDraft[]).map((e) => [e.originalStartDate, e]),
  );
  const inReach = new Set(expected);
  const attendees = (snapshot.attendees ?? []) as unknown as SnapshotAttendee[];
  for (const date of [...new Set([...current.keys(), ...wanted.keys()])].sort()) {
    if (!inReach.has(date)) continue;
    const want = wanted.get(date);
    const have = current.get(date);
    if (JSON.stringify(want ?? null) === JSON.stringify(have ?? null)) continue;
    if (have?.cancelled) {
      writes.unrestorable.push(date);
      continue;
    }
    const instance = claimed.get(date);
    if (!instance?.id) continue;
    if (want?.cancelled) {
      writes.cancel.push({ id: instance.id, originalStartDate: date });
      continue;
    }
    const regular = regularOccurrence(timing, date);
    const start = want?.start ?? regular?.start;
    const end = want?.end ?? regular?.end;
    if (!start || !end) continue;
    const description =
      want?.description !== undefined ? want.description : (snapshot.description as string | null);
    const body: GraphBody = {
      subject: (want?.title !== undefined ? want.title : (snapshot.title as string | null)) ?? '',
      location: {
        displayName:
          (want?.location !== undefined ? want.location : (snapshot.location as string | null)) ?? '',
      },
      body: { contentType: 'text', content: composeBody(description ?? null, attendees) },
    };
    if (timing.isAllDay) {
      const name = graphZoneName(timing.zone);
      body.start = { dateTime: instantToLocal(start, timing.zone), timeZone: name };
      body.end = { dateTime: instantToLocal(end, timing.zone), timeZone: name };
    } else {
      body.start = toGraphTime(start, timing.zone);
      body.end = toGraphTime(end, timing.zone);
    }
    writes.update.push({ id: instance.id, originalStartDate: date, body });
  }
  return writes;
}
