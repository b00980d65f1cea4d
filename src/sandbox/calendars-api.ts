import { randomBytes } from 'node:crypto';
import { canonicalJson, ifMatchSatisfied, offsetPage, orderByComparator } from './collection-page';
import {
  filterSubject,
  parseEventInput,
  renderEvent,
  resolveEvent,
  storedView,
  type EventView,
} from './event-model';
import { expandedProperties, mergeExtendedProperties, parseExtendedProperties } from './extended-properties';
import type { GraphContext, RouteDefinition } from './graph-dispatcher';
import { badRequest, GraphError, itemNotFound, unknownProperty } from './graph-error';
import { applySelect, odataContext, parseSelect } from './graph-request';
import { attendeeAddresses, sendMeetingMessage } from './mail-api';
import { matchesFilter, parseFilter } from './odata-filter';
import { newChangeKey, newItemId } from './sandbox-ids';
import type { CalendarRecord, EmailAddress, EventData, EventRecord } from './sandbox-state';

const READ = ['Calendars.Read', 'Calendars.ReadWrite'];
const WRITE = ['Calendars.ReadWrite'];
const CALENDAR_WRITABLE = new Set(['name', 'color', 'hexColor']);
const COLORS = [
  'auto',
  'lightBlue',
  'lightGreen',
  'lightOrange',
  'lightGray',
  'lightYellow',
  'lightTeal',
  'lightPink',
  'lightBrown',
  'lightRed',
  'maxColor',
];

export function defaultCalendar(ctx: GraphContext): CalendarRecord {
  return Object.values(ctx.mailbox.calendars).find((c) => c.isDefault)!;
}

/** The calendar a route addresses: `{calendarId}`, or the default one for `/me/calendar` and `/me/events`. */
export function routeCalendar(ctx: GraphContext): CalendarRecord {
  const id = ctx.params.calendarId;
  if (id === undefined) return defaultCalendar(ctx);
  const calendar = ctx.mailbox.calendars[id];
  if (!calendar) throw itemNotFound();
  return calendar;
}

function renderCalendar(ctx: GraphContext, calendar: CalendarRecord): Record<string, unknown> {
  const owner = ctx.sandbox.state.users[ctx.mailbox.userId]!;
  const expanded = expandedProperties(ctx.req.query.get('$expand'), calendar.extended ?? []);
  return {
    id: calendar.id,
    name: calendar.name,
    color: calendar.color,
    hexColor: calendar.hexColor,
    isDefaultCalendar: calendar.isDefault,
    changeKey: calendar.changeKey,
    canShare: true,
    canViewPrivateItems: true,
    canEdit: true,
    allowedOnlineMeetingProviders: ['teamsForBusiness'],
    defaultOnlineMeetingProvider: 'teamsForBusiness',
    isTallyingResponses: true,
    isRemovable: !calendar.isDefault,
    owner: { name: owner.displayName, address: owner.mail ?? owner.userPrincipalName },
    ...(expanded ? { singleValueExtendedProperties: expanded } : {}),
  };
}

function parseCalendarBody(body: unknown, requireName: boolean): Partial<CalendarRecord> {
  if (body === null || typeof body !== 'object')
    throw badRequest('A calendar body is required.', 'RequestBodyRead');
  const out: Partial<CalendarRecord> = {};
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (key.startsWith('@odata.') || key === 'id' || key === 'changeKey') continue;
    if (key === 'singleValueExtendedProperties') {
      out.extended = parseExtendedProperties(value);
      continue;
    }
    if (
      !CALENDAR_WRITABLE.has(key) &&
      !['isDefaultCalendar', 'canEdit', 'canShare', 'canViewPrivateItems', 'isRemovable', 'owner'].includes(
        key,
      )
    ) {
      throw unknownProperty(key, 'calendar');
    }
    if (key === 'name') {
      if (typeof value !== 'string' || value.trim() === '')
        throw badRequest('The calendar name is required.', 'ErrorInvalidRequest');
      out.name = value;
    } else if (key === 'color') {
      if (typeof value !== 'string' || !COLORS.includes(value)) {
        throw badRequest(
          `Cannot convert the literal '${String(value)}' to the expected type 'microsoft.graph.calendarColor'.`,
          'RequestBodyRead',
        );
      }
      out.color = value;
    } else if (key === 'hexColor' && typeof value === 'string') {
      out.hexColor = value;
    }
  }
  if (requireName && !out.name) throw badRequest('The calendar name is required.', 'ErrorInvalidRequest');
  return out;
}

function assertUniqueName(ctx: GraphContext, name: string, except?: string): void {
  const clash = Object.values(ctx.mailbox.calendars).some(
    (c) => c.id !== except && c.name.toLowerCase() === name.toLowerCase(),
  );
  if (clash)
    throw new GraphError(409, 'ErrorFolderExists', 'A folder with the specified name already exists.');
}

function listCalendars(ctx: GraphContext) {
  const select = parseSelect(ctx.req.query);
  const calendars = Object.values(ctx.mailbox.calendars)
    .sort((a, b) => Number(b.isDefault) - Number(a.isDefault))
    .map((c) => applySelect(renderCalendar(ctx, c), select));
  return offsetPage(ctx, calendars, {
    defaultTop: 10,
    maxTop: 1000,
    context: `users('${ctx.caller.id}')/calendars`,
  });
}

function createCalendar(ctx: GraphContext) {
  const input = parseCalendarBody(ctx.req.body, true);
  assertUniqueName(ctx, input.name!);
  const calendar: CalendarRecord = {
    id: newItemId(),
    name: input.name!,
    color: input.color ?? 'auto',
    hexColor: input.hexColor ?? '',
    changeKey: newChangeKey(),
    isDefault: false,
    extended: input.extended ?? [],
  };
  ctx.mailbox.calendars[calendar.id] = calendar;
  ctx.sandbox.touch(ctx.mailbox, 'calendars', calendar.id);
  return {
    status: 201,
    body: {
      '@odata.context': odataContext(ctx.req.origin, `users('${ctx.caller.id}')/calendars/$entity`),
      ...renderCalendar(ctx, calendar),
    },
  };
}

function getCalendar(ctx: GraphContext) {
  const calendar = routeCalendar(ctx);
  return {
    body: {
      '@odata.context': odataContext(ctx.req.origin, `users('${ctx.caller.id}')/calendars/$entity`),
      ...applySelect(renderCalendar(ctx, calendar), parseSelect(ctx.req.query)),
    },
  };
}

function updateCalendar(ctx: GraphContext) {
  const calendar = routeCalendar(ctx);
  const input = parseCalendarBody(ctx.req.body, false);
  if (input.name) assertUniqueName(ctx, input.name, calendar.id);
  const { extended, ...fields } = input;
  Object.assign(calendar, fields, { changeKey: newChangeKey() });
  if (extended) calendar.extended = mergeExtendedProperties(calendar.extended ?? [], extended);
  ctx.sandbox.touch(ctx.mailbox, 'calendars', calendar.id);
  return { body: renderCalendar(ctx, calendar) };
}

function deleteCalendar(ctx: GraphContext) {
  const calendar = routeCalendar(ctx);
  if (calendar.isDefault) {
    throw badRequest('The default calendar cannot be deleted.', 'ErrorInvalidRequest');
  }
  delete ctx.mailbox.calendars[calendar.id];
  ctx.sandbox.touch(ctx.mailbox, 'calendars', calendar.id);
  for (const event of Object.values(ctx.mailbox.events)) {
    if (event.calendarId !== calendar.id) continue;
    delete ctx.mailbox.events[event.id];
    ctx.sandbox.touch(ctx.mailbox, 'events', event.id);
  }
  for (const [token, state] of Object.entries(ctx.mailbox.deltaStates)) {
    if (state.containerId !== calendar.id) continue;
    delete ctx.mailbox.deltaStates[token];
    ctx.sandbox.touch(ctx.mailbox, 'deltaStates', token);
  }
  return { status: 204 };
}

const EVENT_ORDER = ['start/dateTime', 'end/dateTime', 'createdDateTime', 'lastModifiedDateTime', 'subject'];

/** Applies `$filter`, `$orderby`, `$select`/`$expand` and `$top`/`$skip` to a list of events. */
export function eventCollection(ctx: GraphContext, views: EventView[], context: string) {
  const filterText = ctx.req.query.get('$filter');
  if (filterText) {
    const filter = parseFilter(filterText);
    views = views.filter((v) => matchesFilter(filter, filterSubject(ctx, v)));
  }
  const orderBy = ctx.req.query.get('$orderby');
  const comparator = orderByComparator(orderBy, EVENT_ORDER);
  if (orderBy && !comparator) {
    throw badRequest(`The $orderby expression '${orderBy}' is not supported.`, 'ErrorInvalidProperty');
  }
  let rendered = views.map((v) => ({ view: v, full: renderEvent(ctx, v) }));
  if (comparator) rendered = rendered.sort((a, b) => comparator(a.full, b.full));
  const items = rendered.map(({ view }) => renderEvent(ctx, view, { query: true }));
  return offsetPage(ctx, items, { defaultTop: 10, maxTop: 1000, context });
}

function listEvents(ctx: GraphContext) {
  const calendar = routeCalendar(ctx);
  const views = Object.values(ctx.mailbox.events)
    .filter((e) => e.calendarId === calendar.id)
    .sort((a, b) => a.createdAt - b.createdAt)
    .map((e) => storedView(ctx.sandbox, e));
  return eventCollection(ctx, views, `users('${ctx.caller.id}')/events`);
}

function createEvent(ctx: GraphContext) {
  const calendar = routeCalendar(ctx);
  const input = parseEventInput(ctx.sandbox, ctx.req.body, undefined);
  let transactionBody: string | null = null;
  if (input.transactionId !== undefined) {
    transactionBody = canonicalJson({ calendar: calendar.id, body: ctx.req.body });
    const existing = Object.values(ctx.mailbox.events).find((e) => e.transactionId === input.transactionId);
    if (existing) {
      // A retried create is answered with the event the first attempt made; a different body is refused.
      if (existing.transactionBody !== transactionBody) {
        throw badRequest(
          `Another item with the same transactionId '${input.transactionId}' already exists.`,
          'ErrorDuplicateTransactionId',
        );
      }
      return { status: 201, body: eventEntity(ctx, storedView(ctx.sandbox, existing)) };
    }
  }
  const now = ctx.sandbox.now();
  const event: EventRecord = {
    id: newItemId(),
    calendarId: calendar.id,
    changeKey: newChangeKey(),
    createdAt: now,
    modifiedAt: now,
    iCalUId: '040000008200E00074C5B7101A82E00800000000' + randomBytes(24).toString('hex').toUpperCase(),
    transactionId: input.transactionId ?? null,
    transactionBody,
    data: input.data,
    extended: input.extended ?? [],
    exceptions: {},
    cancelledDates: [],
  };
  ctx.mailbox.events[event.id] = event;
  ctx.sandbox.touch(ctx.mailbox, 'events', event.id);
  sendMeetingMessage(ctx, 'invitation', event.id, event.data, attendeeAddresses(event.data));
  return { status: 201, body: eventEntity(ctx, storedView(ctx.sandbox, event)) };
}

function eventEntity(ctx: GraphContext, view: EventView): Record<string, unknown> {
  return {
    '@odata.context': odataContext(ctx.req.origin, `users('${ctx.caller.id}')/events/$entity`),
    ...renderEvent(ctx, view, { query: true }),
  };
}

/** Resolves `{id}` and, for `/me/calendars/{calendarId}/events/{id}`, checks it lives there. */
function routeEvent(ctx: GraphContext): EventView {
  const view = resolveEvent(ctx.sandbox, ctx.mailbox, ctx.params.id!);
  if (ctx.params.calendarId !== undefined || ctx.route.startsWith('/me/calendar/')) {
    if (view.master.calendarId !== routeCalendar(ctx).id) throw itemNotFound();
  }
  return view;
}

function assertIfMatch(ctx: GraphContext, view: EventView): void {
  if (!ifMatchSatisfied(ctx.req.headers['if-match'], view.changeKey)) {
    throw new GraphError(
      ctx.sandbox.behaviour.staleIfMatchStatus,
      'ErrorIrresolvableConflict',
      'The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.',
    );
  }
}

function getEvent(ctx: GraphContext) {
  return { body: eventEntity(ctx, routeEvent(ctx)) };
}

function withoutNoise(data: EventData): string {
  const { categories: _categories, ...rest } = data;
  return canonicalJson(rest);
}

/** Invitations to new attendees, cancellations to removed ones, updates to the rest when it matters. */
function notifyChange(ctx: GraphContext, eventId: string, before: EventData, after: EventData): void {
  const key = (a: EmailAddress) => a.address.toLowerCase();
  const old = new Map(attendeeAddresses(before).map((a) => [key(a), a]));
  const now = new Map(attendeeAddresses(after).map((a) => [key(a), a]));
  const added = [...now.values()].filter((a) => !old.has(key(a)));
  const removed = [...old.values()].filter((a) => !now.has(key(a)));
  const kept = [...now.values()].filter((a) => old.has(key(a)));
  sendMeetingMessage(ctx, 'invitation', eventId, after, added);
  sendMeetingMessage(ctx, 'cancellation', eventId, before, removed);
  if (withoutNoise(before) !== withoutNoise(after)) sendMeetingMessage(ctx, 'update', eventId, after, kept);
}

function updateEvent(ctx: GraphContext) {
  const view = routeEvent(ctx);
  assertIfMatch(ctx, view);
  const now = ctx.sandbox.now();
  const master = view.master;
  ctx.sandbox.touch(ctx.mailbox, 'events', master.id);
  if (view.type === 'occurrence' || view.type === 'exception') {
    const input = parseEventInput(ctx.sandbox, ctx.req.body, view.data, false);
    master.exceptions[view.originalDate!] = { changeKey: newChangeKey(), modifiedAt: now, data: input.data };
    if (input.extended) master.extended = mergeExtendedProperties(master.extended, input.extended);
    notifyChange(ctx, view.id, view.data, input.data);
  } else {
    const before = master.data;
    const input = parseEventInput(ctx.sandbox, ctx.req.body, master.data);
    master.data = input.data;
    if (input.extended) master.extended = mergeExtendedProperties(master.extended, input.extended);
    master.changeKey = newChangeKey();
    master.modifiedAt = now;
    if (input.scheduleChanged || !input.data.recurrence) {
      // A new schedule regenerates the series: its exceptions and cancellations are dropped.
      master.exceptions = {};
      master.cancelledDates = [];
    }
    notifyChange(ctx, master.id, before, input.data);
  }
  return { body: eventEntity(ctx, resolveEvent(ctx.sandbox, ctx.mailbox, view.id)) };
}

function removeEvent(ctx: GraphContext, view: EventView, comment?: string): void {
  const master = view.master;
  ctx.sandbox.touch(ctx.mailbox, 'events', master.id);
  if (view.type === 'occurrence' || view.type === 'exception') {
    master.cancelledDates.push(view.originalDate!);
    delete master.exceptions[view.originalDate!];
    master.modifiedAt = ctx.sandbox.now();
  } else {
    delete ctx.mailbox.events[master.id];
  }
  sendMeetingMessage(ctx, 'cancellation', view.id, view.data, attendeeAddresses(view.data), comment);
}

function deleteEvent(ctx: GraphContext) {
  const view = routeEvent(ctx);
  assertIfMatch(ctx, view);
  removeEvent(ctx, view);
  return { status: 204 };
}

function cancelEvent(ctx: GraphContext) {
  const view = routeEvent(ctx);
  const body = (ctx.req.body ?? {}) as { Comment?: unknown; comment?: unknown };
  const comment = body.Comment ?? body.comment;
  if (view.data.attendees.length === 0) {
    throw badRequest(
      "Your request can't be completed. You need to be an organizer to cancel a meeting.",
      'ErrorInvalidRequest',
    );
  }
  removeEvent(ctx, view, typeof comment === 'string' ? comment : undefined);
  return { status: 202 };
}

const eventContainers = ['/me', '/me/calendar', '/me/calendars/{calendarId}'];

export const calendarRoutes: RouteDefinition[] = [
  { method: 'GET', template: '/me/calendars', scopes: READ, handler: listCalendars },
  { method: 'POST', template: '/me/calendars', scopes: WRITE, handler: createCalendar },
  { method: 'GET', template: '/me/calendar', scopes: READ, handler: getCalendar },
  { method: 'GET', template: '/me/calendars/{calendarId}', scopes: READ, handler: getCalendar },
  { method: 'PATCH', template: '/me/calendars/{calendarId}', scopes: WRITE, handler: updateCalendar },
  { method: 'DELETE', template: '/me/calendars/{calendarId}', scopes: WRITE, handler: deleteCalendar },
  ...eventContainers.flatMap((prefix): RouteDefinition[] => [
    { method: 'GET', template: `${prefix}/events`, scopes: READ, handler: listEvents },
    { method: 'POST', template: `${prefix}/events`, scopes: WRITE, handler: createEvent },
    { method: 'GET', template: `${prefix}/events/{id}`, scopes: READ, handler: getEvent },
    { method: 'PATCH', template: `${prefix}/events/{id}`, scopes: WRITE, handler: updateEvent },
    { method: 'DELETE', template: `${prefix}/events/{id}`, scopes: WRITE, handler: deleteEvent },
    { method: 'POST', template: `${prefix}/events/{id}/cancel`, scopes: WRITE, handler: cancelEvent },
  ]),
];
