import type { GraphContext } from './graph-dispatcher';
import { badRequest, GraphError, itemNotFound, unknownProperty } from './graph-error';
import { applySelect, parseSelect } from './graph-request';
import type { GraphSandbox } from './graph-sandbox';
import {
  DAY_MS,
  dateOnly,
  formatInstant,
  formatLocal,
  parseDateOnly,
  parseLocalDateTime,
  type NaiveMs,
  type ZoneRules,
} from './graph-time';
import { expandedProperties, parseExtendedProperties } from './extended-properties';
import { occurrenceId, parseOccurrenceId } from './sandbox-ids';
import type {
  AttendeeRecord,
  EventData,
  EventRecord,
  ExtendedPropertyRecord,
  MailboxRecord,
} from './sandbox-state';

/** v1.0 event properties a client may write. */
const WRITABLE = new Set([
  'subject',
  'body',
  'start',
  'end',
  'isAllDay',
  'location',
  'locations',
  'attendees',
  'categories',
  'importance',
  'sensitivity',
  'showAs',
  'isReminderOn',
  'reminderMinutesBeforeStart',
  'responseRequested',
  'allowNewTimeProposals',
  'isOnlineMeeting',
  'onlineMeetingProvider',
  'hideAttendees',
  'recurrence',
  'originalStartTimeZone',
  'originalEndTimeZone',
]);

/** Read-only properties clients often echo back; Graph ignores them on write. */
const IGNORED = new Set([
  'id',
  'changeKey',
  'createdDateTime',
  'lastModifiedDateTime',
  'iCalUId',
  'uid',
  'seriesMasterId',
  'type',
  'webLink',
  'organizer',
  'responseStatus',
  'isCancelled',
  'isOrganizer',
  'hasAttachments',
  'bodyPreview',
  'onlineMeeting',
  'onlineMeetingUrl',
  'isDraft',
  'multiValueExtendedProperties',
]);

const ENUMS: Record<string, string[]> = {
  importance: ['low', 'normal', 'high'],
  sensitivity: ['normal', 'personal', 'private', 'confidential'],
  showAs: ['free', 'tentative', 'busy', 'oof', 'workingElsewhere', 'unknown'],
  onlineMeetingProvider: ['unknown', 'teamsForBusiness', 'skypeForBusiness', 'skypeForConsumer'],
};

export interface EventInput {
  data: EventData;
  extended?: ExtendedPropertyRecord[];
  transactionId?: string;
  /** Whether the when/what-repeats of the event changed (drops a series' exceptions). */
  scheduleChanged: boolean;
}

export function defaultEventData(): Omit<EventData, 'start' | 'end'> {
  return {
    subject: '',
    body: { contentType: 'html', content: '' },
    isAllDay: false,
    location: emptyLocation(),
    locations: [],
    attendees: [],
    categories: [],
    importance: 'normal',
    sensitivity: 'normal',
    showAs: 'busy',
    isReminderOn: true,
    reminderMinutesBeforeStart: 15,
    responseRequested: true,
    allowNewTimeProposals: true,
    isOnlineMeeting: false,
    onlineMeetingProvider: 'unknown',
    hideAttendees: false,
    recurrence: null,
  };
}

function emptyLocation(displayName = ''): Record<string, unknown> {
  return { displayName, locationType: 'default', uniqueIdType: 'unknown', address: {}, coordinates: {} };
}

function asObject(value: unknown, property: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw badRequest(`Property '${property}' must be an object.`, 'RequestBodyRead');
  }
  return value as Record<string, unknown>;
}

/**
 * Validates a create or update body like Graph and merges it over `base` (the stored event, or the
 * occurrence being turned into an exception). `allowRecurrence` is false for occurrences.
 */
export function parseEventInput(
  sandbox: GraphSandbox,
  body: unknown,
  base: EventData | undefined,
  allowRecurrence = true,
): EventInput {
  const input = asObject(body ?? {}, 'event');
  const data = structuredClone(base ?? { ...defaultEventData() }) as EventData;
  let extended: ExtendedPropertyRecord[] | undefined;
  let transactionId: string | undefined;
  let scheduleChanged = false;

  for (const [key, value] of Object.entries(input)) {
    if (key.startsWith('@odata.') || IGNORED.has(key)) continue;
    if (key === 'singleValueExtendedProperties') {
      extended = parseExtendedProperties(value);
      continue;
    }
    if (key === 'transactionId') {
      if (value !== null && typeof value !== 'string')
        throw badRequest('transactionId must be a string.', 'RequestBodyRead');
      if (typeof value === 'string') transactionId = value;
      continue;
    }
    if (!WRITABLE.has(key)) throw unknownProperty(key, 'event');
    switch (key) {
      case 'subject':
        if (value !== null && typeof value !== 'string')
          throw badRequest('subject must be a string.', 'RequestBodyRead');
        data.subject = value ?? '';
        break;
      case 'body': {
        const b = asObject(value, 'body');
        const contentType = String(b.contentType ?? 'text').toLowerCase();
        if (contentType !== 'text' && contentType !== 'html') {
          throw badRequest(
            `Cannot convert the literal '${String(b.contentType)}' to the expected type 'microsoft.graph.bodyType'.`,
            'RequestBodyRead',
          );
        }
        data.body = { contentType, content: typeof b.content === 'string' ? b.content : '' };
        break;
      }
      case 'start':
      case 'end': {
        const t = asObject(value, key);
        const local = parseLocalDateTime(t.dateTime, `${key}.dateTime`);
        if (typeof t.timeZone !== 'string' || !sandbox.zones.resolve(t.timeZone)) {
          throw new GraphError(
            400,
            'TimeZoneNotSupportedException',
            `A valid TimeZone value must be specified. The following TimeZone value is not supported: '${String(t.timeZone ?? '')}'.`,
          );
        }
        const next = { dateTime: formatLocal(local), timeZone: t.timeZone };
        if (JSON.stringify(next) !== JSON.stringify(data[key])) scheduleChanged = true;
        data[key] = next;
        break;
      }
      case 'isAllDay':
        if (typeof value !== 'boolean') throw badRequest('isAllDay must be a boolean.', 'RequestBodyRead');
        if (value !== data.isAllDay) scheduleChanged = true;
        data.isAllDay = value;
        break;
      case 'location':
        data.location =
          value === null ? emptyLocation() : { ...emptyLocation(), ...asObject(value, 'location') };
        break;
      case 'locations':
      case 'categories':
        if (!Array.isArray(value)) throw badRequest(`${key} must be a collection.`, 'RequestBodyRead');
        if (key === 'categories' && value.some((c) => typeof c !== 'string')) {
          throw badRequest('categories must be strings.', 'RequestBodyRead');
        }
        data[key] = structuredClone(value);
        break;
      case 'attendees':
        data.attendees = parseAttendees(value);
        break;
      case 'recurrence':
        if (!allowRecurrence && value !== null) {
          throw badRequest('Recurrence cannot be set on an occurrence of a series.', 'ErrorInvalidRequest');
        }
        if (JSON.stringify(value) !== JSON.stringify(data.recurrence)) scheduleChanged = true;
        data.recurrence = value === null ? null : asObject(value, 'recurrence');
        break;
      case 'isReminderOn':
      case 'responseRequested':
      case 'allowNewTimeProposals':
      case 'isOnlineMeeting':
      case 'hideAttendees':
        if (typeof value !== 'boolean') throw badRequest(`${key} must be a boolean.`, 'RequestBodyRead');
        data[key] = value;
        break;
      case 'reminderMinutesBeforeStart':
        if (!Number.isInteger(value)) throw badRequest(`${key} must be an integer.`, 'RequestBodyRead');
        data[key] = value;
        break;
      default:
        if (ENUMS[key]) {
          if (typeof value !== 'string' || !ENUMS[key]!.includes(value)) {
            throw badRequest(
              `Cannot convert the literal '${String(value)}' to the expected type 'microsoft.graph.${key}'.`,
              'RequestBodyRead',
            );
          }
        }
        data[key] = value;
    }
  }
  if (!data.start || !data.end) {
    throw badRequest('An event needs both a start and an end.', 'ErrorInvalidRequest');
  }
  const timing = eventTiming(sandbox, data);
  if (timing.endInstant < timing.startInstant) {
    throw badRequest(
      'The end date occurs before the start date.',
      'ErrorCalendarEndDateIsEarlierThanStartDate',
    );
  }
  if (data.isAllDay) {
    const midnight = (local: NaiveMs) => local % DAY_MS === 0;
    const sameZone = sandbox.zones.resolve(data.start.timeZone) === sandbox.zones.resolve(data.end.timeZone);
    if (
      !midnight(timing.startLocal) ||
      !midnight(timing.endLocal) ||
      !sameZone ||
      timing.endLocal <= timing.startLocal
    ) {
      throw badRequest(
        "Your request can't be completed. If the event is an all-day event, the start and end times must be set to midnight and must be in the same time zone.",
        'ErrorPropertyValidationFailure',
      );
    }
  }
  if (data.recurrence) {
    data.recurrence = sandbox.recurrence.normalise(
      data.recurrence,
      dateOnly(timing.startLocal),
      data.start.timeZone,
    );
  }
  return {
    data,
    ...(extended ? { extended } : {}),
    ...(transactionId !== undefined ? { transactionId } : {}),
    scheduleChanged,
  };
}

function parseAttendees(value: unknown): AttendeeRecord[] {
  if (!Array.isArray(value)) throw badRequest('attendees must be a collection.', 'RequestBodyRead');
  return value.map((entry) => {
    const a = asObject(entry, 'attendee');
    const email = asObject(a.emailAddress ?? {}, 'emailAddress');
    if (typeof email.address !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(email.address)) {
      throw badRequest('Each attendee needs an emailAddress.address.', 'ErrorInvalidRecipients');
    }
    const type = typeof a.type === 'string' ? a.type : 'required';
    if (!['required', 'optional', 'resource'].includes(type)) {
      throw badRequest(
        `Cannot convert the literal '${type}' to the expected type 'microsoft.graph.attendeeType'.`,
        'RequestBodyRead',
      );
    }
    return {
      type,
      status: { response: 'none', time: '0001-01-01T00:00:00Z' },
      emailAddress: {
        ...(typeof email.name === 'string' ? { name: email.name } : { name: email.address }),
        address: email.address,
      },
    };
  });
}

export interface EventTiming {
  zone: string;
  startLocal: NaiveMs;
  endLocal: NaiveMs;
  startInstant: number;
  endInstant: number;
}

export function eventTiming(sandbox: GraphSandbox, data: EventData): EventTiming {
  const startZone = sandbox.zones.resolve(data.start.timeZone) ?? 'UTC';
  const endZone = sandbox.zones.resolve(data.end.timeZone) ?? 'UTC';
  const startLocal = parseLocalDateTime(data.start.dateTime, 'start.dateTime');
  const endLocal = parseLocalDateTime(data.end.dateTime, 'end.dateTime');
  return {
    zone: startZone,
    startLocal,
    endLocal,
    startInstant: sandbox.zones.toInstant(startLocal, startZone),
    endInstant: sandbox.zones.toInstant(endLocal, endZone),
  };
}

interface TimingMemo {
  start: { dateTime: string; timeZone: string };
  end: { dateTime: string; timeZone: string };
  zones: ZoneRules;
  timing: EventTiming;
}

/**
 * Timings of stored event data (a single event's, a master's or an exception's), by the data object,
 * each checked against the start and end it was read from and the zone rules in use: a calendar view
 * or delta round then converts no times for events that did not move.
 */
const storedTimings = new WeakMap<EventData, TimingMemo>();

/** {@link eventTiming} of stored event data, remembered while its start, end and zone rules stay the same. */
export function storedTiming(sandbox: GraphSandbox, data: EventData): EventTiming {
  const { start, end } = data;
  const memo = storedTimings.get(data);
  if (
    memo &&
    memo.zones === sandbox.zones &&
    memo.start.dateTime === start.dateTime &&
    memo.start.timeZone === start.timeZone &&
    memo.end.dateTime === end.dateTime &&
    memo.end.timeZone === end.timeZone
  ) {
    return memo.timing;
  }
  const timing = eventTiming(sandbox, data);
  storedTimings.set(data, { start: { ...start }, end: { ...end }, zones: sandbox.zones, timing });
  return timing;
}

/** One thing a calendar shows: a single event, a series master, an occurrence or an exception. */
export interface EventView {
  id: string;
  type: 'singleInstance' | 'occurrence' | 'exception' | 'seriesMaster';
  master: EventRecord;
  seriesMasterId: string | null;
  changeKey: string;
  modifiedAt: number;
  data: EventData;
  originalDate?: string;
  startInstant: number;
  endInstant: number;
}

export function storedView(sandbox: GraphSandbox, event: EventRecord): EventView {
  const timing = storedTiming(sandbox, event.data);
  return {
    id: event.id,
    type: event.data.recurrence ? 'seriesMaster' : 'singleInstance',
    master: event,
    seriesMasterId: null,
    changeKey: event.changeKey,
    modifiedAt: event.modifiedAt,
    data: event.data,
    startInstant: timing.startInstant,
    endInstant: timing.endInstant,
  };
}

/** Where the pattern puts the occurrence of `master` on its original local date. */
export interface OccurrencePlace {
  startLocal: NaiveMs;
  startInstant: number;
  endInstant: number;
}

export function occurrencePlace(
  sandbox: GraphSandbox,
  master: EventRecord,
  date: string,
  timing: EventTiming,
): OccurrencePlace {
  const timeOfDay = ((timing.startLocal % DAY_MS) + DAY_MS) % DAY_MS;
  const startLocal = parseDateOnly(date) + timeOfDay;
  const startInstant = sandbox.zones.toInstant(startLocal, timing.zone);
  const endInstant = master.data.isAllDay
    ? sandbox.zones.toInstant(startLocal + (timing.endLocal - timing.startLocal), timing.zone)
    : startInstant + (timing.endInstant - timing.startInstant);
  return { startLocal, startInstant, endInstant };
}

/** The occurrence of `master` on its original local date, as the pattern makes it. */
export function occurrenceView(
  sandbox: GraphSandbox,
  master: EventRecord,
  date: string,
  timing: EventTiming,
  place: OccurrencePlace = occurrencePlace(sandbox, master, date, timing),
): EventView {
  const { startLocal, startInstant, endInstant } = place;
  const data = structuredClone(master.data);
  data.recurrence = null;
  data.start = { dateTime: formatLocal(startLocal), timeZone: master.data.start.timeZone };
  if (data.isAllDay) {
    const endLocal = startLocal + (timing.endLocal - timing.startLocal);
    data.end = { dateTime: formatLocal(endLocal), timeZone: master.data.end.timeZone };
  } else {
    const endZone = sandbox.zones.resolve(master.data.end.timeZone) ?? 'UTC';
    data.end = {
      dateTime: formatLocal(sandbox.zones.toLocal(endInstant, endZone)),
      timeZone: master.data.end.timeZone,
    };
  }
  return {
    id: occurrenceId(master.id, date),
    type: 'occurrence',
    master,
    seriesMasterId: master.id,
    changeKey: master.changeKey,
    modifiedAt: master.modifiedAt,
    data,
    originalDate: date,
    startInstant,
    endInstant,
  };
}

export function exceptionView(sandbox: GraphSandbox, master: EventRecord, date: string): EventView {
  const exception = master.exceptions[date]!;
  const { startInstant, endInstant } = storedTiming(sandbox, exception.data);
  return {
    id: occurrenceId(master.id, date),
    type: 'exception',
    master,
    seriesMasterId: master.id,
    changeKey: exception.changeKey,
    modifiedAt: exception.modifiedAt,
    data: exception.data,
    originalDate: date,
    startInstant,
    endInstant,
  };
}

/** Whether `date` is an occurrence date of the series (cancelled or not). */
function isSeriesDate(sandbox: GraphSandbox, master: EventRecord, date: string): boolean {
  return sandbox.recurrence.occurrenceDates(master.data.recurrence!, date, date).includes(date);
}

export function overlaps(
  view: { startInstant: number; endInstant: number },
  start: number,
  end: number,
): boolean {
  if (view.startInstant === view.endInstant) return view.startInstant >= start && view.startInstant < end;
  return view.startInstant < end && view.endInstant > start;
}

/** Finds an event, occurrence or exception by id; 404 like Graph when it is not (or no longer) there. */
export function resolveEvent(sandbox: GraphSandbox, mailbox: MailboxRecord, id: string): EventView {
  const stored = mailbox.events[id];
  if (stored) return storedView(sandbox, stored);
  const occurrence = parseOccurrenceId(id);
  const master = occurrence ? mailbox.events[occurrence.masterId] : undefined;
  if (occurrence && master?.data.recurrence) {
    const date = occurrence.originalDate;
    if (!master.cancelledDates.includes(date)) {
      if (master.exceptions[date]) return exceptionView(sandbox, master, date);
      if (isSeriesDate(sandbox, master, date))
        return occurrenceView(sandbox, master, date, storedTiming(sandbox, master.data));
    }
  }
  throw itemNotFound();
}

function htmlToText(html: string): string {
  return html
    .replace(/<(br|\/p|\/div)\s*\/?>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .trim();
}

function textToHtml(text: string): string {
  const escaped = text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\n/g, '<br>');
  return `<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head><body>${escaped}</body></html>`;
}

/** The body in the type the caller prefers (`Prefer: outlook.body-content-type`). */
export function renderBody(ctx: GraphContext, body: { contentType: string; content: string }) {
  const wanted = ctx.prefer.bodyContentType;
  if (!wanted) return { ...body };
  ctx.applied.add(`outlook.body-content-type="${wanted}"`);
  if (wanted === body.contentType) return { ...body };
  return {
    contentType: wanted,
    content: wanted === 'text' ? htmlToText(body.content) : textToHtml(body.content),
  };
}

/** The zone answers are expressed in: `Prefer: outlook.timezone` when Graph knows it, else UTC. */
export function outputZone(ctx: GraphContext): { name: string; zone: string } {
  const requested = ctx.prefer.timeZone;
  const zone = requested ? ctx.sandbox.zones.resolve(requested) : undefined;
  if (requested && zone) {
    ctx.applied.add(`outlook.timezone="${requested}"`);
    return { name: requested, zone };
  }
  return { name: 'UTC', zone: 'UTC' };
}

function renderTimes(ctx: GraphContext, view: EventView) {
  const out = outputZone(ctx);
  if (view.data.isAllDay) {
    // All-day events stay midnight to midnight whatever zone is asked for.
    return {
      start: { dateTime: view.data.start.dateTime, timeZone: out.name },
      end: { dateTime: view.data.end.dateTime, timeZone: out.name },
    };
  }
  return {
    start: {
      dateTime: formatLocal(ctx.sandbox.zones.toLocal(view.startInstant, out.zone)),
      timeZone: out.name,
    },
    end: { dateTime: formatLocal(ctx.sandbox.zones.toLocal(view.endInstant, out.zone)), timeZone: out.name },
  };
}

export interface RenderOptions {
  /** Delta answers give occurrences as stubs: id, type, seriesMasterId, start, end and the etag. */
  stub?: boolean;
  /** Apply the request's `$select`/`$expand` (not in delta, where they are not supported). */
  query?: boolean;
}

export function renderEvent(
  ctx: GraphContext,
  view: EventView,
  options: RenderOptions = {},
): Record<string, unknown> {
  const { master, data } = view;
  const times = renderTimes(ctx, view);
  if (options.stub) {
    return {
      '@odata.type': '#microsoft.graph.event',
      '@odata.etag': `W/"${view.changeKey}"`,
      id: view.id,
      type: view.type,
      seriesMasterId: view.seriesMasterId,
      ...times,
    };
  }
  const organizer = ctx.sandbox.state.users[ctx.mailbox.userId]!;
  const body = renderBody(ctx, data.body as { contentType: string; content: string });
  const text = (data.body as { contentType: string; content: string }).content;
  const event: Record<string, unknown> = {
    '@odata.etag': `W/"${view.changeKey}"`,
    id: view.id,
    createdDateTime: formatInstant(master.createdAt),
    lastModifiedDateTime: formatInstant(view.modifiedAt),
    changeKey: view.changeKey,
    categories: [...(data.categories as string[])],
    transactionId: view.type === 'occurrence' || view.type === 'exception' ? null : master.transactionId,
    originalStartTimeZone: (data.originalStartTimeZone as string | undefined) ?? data.start.timeZone,
    originalEndTimeZone: (data.originalEndTimeZone as string | undefined) ?? data.end.timeZone,
    iCalUId: master.iCalUId,
    uid: master.iCalUId,
    reminderMinutesBeforeStart: data.reminderMinutesBeforeStart,
    isReminderOn: data.isReminderOn,
    hasAttachments: false,
    subject: data.subject,
    bodyPreview: htmlToText(text).slice(0, 255),
    importance: data.importance,
    sensitivity: data.sensitivity,
    isAllDay: data.isAllDay,
    isCancelled: false,
    isOrganizer: true,
    responseRequested: data.responseRequested,
    seriesMasterId: view.seriesMasterId,
    showAs: data.showAs,
    type: view.type,
    webLink: `https://outlook.office365.com/owa/?itemid=${encodeURIComponent(view.id)}&exvsurl=1&path=/calendar/item`,
    onlineMeetingUrl: null,
    isOnlineMeeting: data.isOnlineMeeting,
    onlineMeetingProvider: data.onlineMeetingProvider,
    allowNewTimeProposals: data.allowNewTimeProposals,
    isDraft: false,
    hideAttendees: data.hideAttendees,
    responseStatus: { response: 'organizer', time: '0001-01-01T00:00:00Z' },
    body,
    ...times,
    location: structuredClone(data.location),
    locations: structuredClone(data.locations),
    recurrence: view.type === 'seriesMaster' ? structuredClone(data.recurrence) : null,
    attendees: structuredClone(data.attendees),
    organizer: {
      emailAddress: { name: organizer.displayName, address: organizer.mail ?? organizer.userPrincipalName },
    },
    onlineMeeting: null,
  };
  if (!options.query) return event;
  const expanded = expandedProperties(ctx.req.query.get('$expand'), master.extended);
  const selected = applySelect(event, parseSelect(ctx.req.query));
  if (expanded) selected.singleValueExtendedProperties = expanded;
  return selected;
}

/** The object a `$filter` on an event list is evaluated against (rendered fields plus properties). */
export function filterSubject(ctx: GraphContext, view: EventView): Record<string, unknown> {
  return { ...renderEvent(ctx, view), singleValueExtendedProperties: view.master.extended };
}
