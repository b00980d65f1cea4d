import { eventCollection, routeCalendar } from './calendars-api';
import {
  inViewOrder,
  placementChangeKey,
  placementView,
  placementsInWindow,
  seriesInstances,
} from './calendar-window';
import { deltaStart, servePage, startRound } from './delta-rounds';
import { renderEvent, resolveEvent } from './event-model';
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

function calendarView(ctx: GraphContext) {
  const calendar = routeCalendar(ctx);
  const { start, end } = window(ctx);
  const placements = inViewOrder(placementsInWindow(ctx.sandbox, ctx.mailbox, calendar.id, start, end));
  const views = placements.map((placement) => placementView(ctx.sandbox, placement));
  return eventCollection(ctx, views, `users('${ctx.caller.id}')/calendarView`);
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
    {
      items: placementsInWindow(ctx.sandbox, ctx.mailbox, calendar.id, windowStart, windowEnd),
      id: (placement) => placement.id,
      fingerprint: placementChangeKey,
      // Only the items the round sends are rendered (and, for occurrences, given their data).
      render: (placement) =>
        renderEvent(ctx, placementView(ctx.sandbox, placement), { stub: placement.type === 'occurrence' }),
      order: inViewOrder,
    },
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
