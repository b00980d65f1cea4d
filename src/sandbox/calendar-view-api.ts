import { eventCollection, routeCalendar } from './calendars-api';
import { deltaStart, servePage, startRound, type DeltaEntry } from './delta-rounds';
import {
  overlaps,
  renderEvent,
  resolveEvent,
  seriesInstances,
  storedView,
  type EventView,
} from './event-model';
import type { GraphContext, RouteDefinition } from './graph-dispatcher';
import { badRequest, itemNotFound } from './graph-error';
import { graphUrl } from './graph-request';
import { parseQueryInstant } from './graph-time';

const READ = ['Calendars.Read', 'Calendars.ReadWrite'];

function window(ctx: GraphContext): { start: number; end: number } {
  const start = parseQueryInstant(
    ctx.req.query.get('startDateTime') ?? ctx.req.query.get('startdatetime'),
    'startDateTime',
  );
  const end = parseQueryInstant(
    ctx.req.query.get('endDateTime') ?? ctx.req.query.get('enddatetime'),
    'endDateTime',
  );
  if (end < start)
    throw badRequest('The end of the time window must not be before its start.', 'ErrorInvalidParameter');
  return { start, end };
}

/** What a calendar shows in a window: single events, occurrences and exceptions, never masters. */
function viewsInWindow(ctx: GraphContext, calendarId: string, start: number, end: number): EventView[] {
  const views: EventView[] = [];
  for (const event of Object.values(ctx.mailbox.events)) {
    if (event.calendarId !== calendarId) continue;
    if (event.data.recurrence) views.push(...seriesInstances(ctx.sandbox, event, start, end));
    else {
      const view = storedView(ctx.sandbox, event);
      if (overlaps(view, start, end)) views.push(view);
    }
  }
  return views.sort((a, b) => a.startInstant - b.startInstant || a.id.localeCompare(b.id));
}

function calendarView(ctx: GraphContext) {
  const calendar = routeCalendar(ctx);
  const { start, end } = window(ctx);
  return eventCollection(
    ctx,
    viewsInWindow(ctx, calendar.id, start, end),
    `users('${ctx.caller.id}')/calendarView`,
  );
}

function calendarViewDelta(ctx: GraphContext) {
  const calendar = routeCalendar(ctx);
  for (const unsupported of ['$select', '$filter', '$orderby', '$search', '$expand']) {
    if (ctx.req.query.has(unsupported)) {
      throw badRequest(
        `The query parameter '${unsupported}' is not supported with change tracking over the 'CalendarView' resource.`,
        'ErrorInvalidUrlQuery',
      );
    }
  }
  const start = deltaStart(ctx, calendar.id);
  if (start.kind === 'page') return servePage(ctx, start.page);
  let windowStart: number;
  let windowEnd: number;
  let previous;
  if (start.kind === 'round') {
    previous = start.previous;
    windowStart = previous.windowStart!;
    windowEnd = previous.windowEnd!;
  } else {
    ({ start: windowStart, end: windowEnd } = window(ctx));
  }
  const entries: DeltaEntry[] = viewsInWindow(ctx, calendar.id, windowStart, windowEnd).map((view) => ({
    id: view.id,
    fingerprint: view.changeKey,
    render: () => renderEvent(ctx, view, { stub: view.type === 'occurrence' }),
  }));
  const restart = new URLSearchParams({
    startDateTime: new Date(windowStart).toISOString(),
    endDateTime: new Date(windowEnd).toISOString(),
  });
  const restartPath = graphUrl('', ctx.requestPath, restart).slice('/graph/v1.0'.length);
  return startRound(
    ctx,
    {
      kind: 'calendarView',
      containerId: calendar.id,
      odataType: '#microsoft.graph.event',
      windowStart,
      windowEnd,
    },
    previous,
    entries,
    null,
    restartPath,
  );
}

function instances(ctx: GraphContext) {
  const master = resolveEvent(ctx.sandbox, ctx.mailbox, ctx.params.id!);
  if (ctx.params.calendarId !== undefined && master.master.calendarId !== routeCalendar(ctx).id)
    throw itemNotFound();
  const { start, end } = window(ctx);
  const views = master.type === 'seriesMaster' ? seriesInstances(ctx.sandbox, master.master, start, end) : [];
  return eventCollection(ctx, views, `users('${ctx.caller.id}')/events('${master.id}')/instances`);
}

const containers = ['/me', '/me/calendar', '/me/calendars/{calendarId}'];

export const calendarViewRoutes: RouteDefinition[] = [
  ...containers.flatMap((prefix): RouteDefinition[] => [
    { method: 'GET', template: `${prefix}/calendarView/delta`, scopes: READ, handler: calendarViewDelta },
    { method: 'GET', template: `${prefix}/calendarView`, scopes: READ, handler: calendarView },
    { method: 'GET', template: `${prefix}/events/{id}/instances`, scopes: READ, handler: instances },
  ]),
];
