import type { GraphContext } from './graph-dispatcher';
import { GraphError } from './graph-error';
import { graphUrl, odataContext } from './graph-request';
import { newToken } from './sandbox-ids';
import type { DeltaStateRecord } from './sandbox-state';

/** Most delta tokens a mailbox keeps; older ones answer 410 like an expired sync state. */
const MAX_STATES_PER_MAILBOX = 200;
const DEFAULT_PAGE_SIZE = 10;
const MAX_PAGE_SIZE = 1000;
const MAX_OPEN_PAGES = 10_000;

/**
 * The items of a container now, and how a round reads them. Accessors rather than an entry object per
 * item, so a quiet round over a large container allocates next to nothing.
 */
export interface DeltaItems<T> {
  /** In any order: {@link order} puts them in the order a round lists them. */
  items: T[];
  id(item: T): string;
  /** Changes whenever the client should be sent the item again (its change key). */
  fingerprint(item: T): string;
  /** Renders the item; called only for items the round sends, so a quiet round renders nothing. */
  render(item: T): Record<string, unknown>;
  /** The items in the order a round sends them; not needed (so not called) for a quiet round. */
  order(items: T[]): T[];
}

export interface DeltaRequestBase {
  kind: DeltaStateRecord['kind'];
  containerId: string;
  odataType: string;
  windowStart?: number;
  windowEnd?: number;
}

interface RoundCursor {
  userId: string;
  pages: Record<string, unknown>[][];
  state: DeltaStateRecord;
  path: string;
}

interface PageToken {
  cursor: RoundCursor;
  index: number;
}

/**
 * What a delta request continues from: nothing (a first request), a `$deltatoken` (a new round diffed
 * against that state) or a `$skiptoken` (the next page of a round in progress).
 */
export type DeltaStart =
  { kind: 'initial' } | { kind: 'round'; previous: DeltaStateRecord } | { kind: 'page'; page: PageToken };

function gone(ctx: GraphContext, restartPath: string): GraphError {
  return new GraphError(
    410,
    'syncStateNotFound',
    'The sync state generation is not found. Restart the sync from the beginning.',
    {
      Location: `${ctx.req.origin}/graph/v1.0${restartPath}`,
    },
  );
}

export function deltaStart(ctx: GraphContext, containerId: string): DeltaStart {
  const { query } = ctx.req;
  const skipToken = query.get('$skiptoken');
  const deltaToken = query.get('$deltatoken');
  if (skipToken) {
    const page = ctx.sandbox.pages.get(skipToken) as PageToken | undefined;
    if (!page || page.cursor.userId !== ctx.mailbox.userId || page.cursor.state.containerId !== containerId) {
      throw gone(ctx, ctx.requestPath);
    }
    return { kind: 'page', page };
  }
  if (deltaToken) {
    const previous = ctx.mailbox.deltaStates[deltaToken];
    if (!previous || previous.containerId !== containerId) throw gone(ctx, ctx.requestPath);
    if (previous.expired) throw gone(ctx, previous.restartPath);
    return { kind: 'round', previous };
  }
  return { kind: 'initial' };
}

/** Whether the client already holds every current item in its current version, and nothing else. */
function holdsExactly<T>(previous: DeltaStateRecord, current: DeltaItems<T>): boolean {
  const { seen } = previous;
  for (const item of current.items) if (seen[current.id(item)] !== current.fingerprint(item)) return false;
  return Object.keys(seen).length === current.items.length;
}

/** Diffs the current items against the previous state and answers the round's first page. */
export function startRound<T>(
  ctx: GraphContext,
  base: DeltaRequestBase,
  previous: DeltaStateRecord | undefined,
  current: DeltaItems<T>,
  select: string | null,
  restartPath: string,
): { body: unknown } {
  const changes: Record<string, unknown>[] = [];
  // A quiet round keeps the previous record of what the client holds rather than building a copy.
  const quiet = previous !== undefined && holdsExactly(previous, current);
  const seen: Record<string, string> = quiet ? previous.seen : {};
  for (const item of quiet ? [] : current.order(current.items)) {
    const id = current.id(item);
    const fingerprint = current.fingerprint(item);
    seen[id] = fingerprint;
    if (!previous || previous.seen[id] !== fingerprint) changes.push(current.render(item));
  }
  if (previous && !quiet) {
    for (const id of Object.keys(previous.seen)) {
      // Deleted items and items that left the window look the same to the client: removed, "deleted".
      if (!(id in seen))
        changes.push({ '@odata.type': base.odataType, id, '@removed': { reason: 'deleted' } });
    }
  }
  const state: DeltaStateRecord = {
    token: newToken(),
    kind: base.kind,
    containerId: base.containerId,
    ...(base.windowStart !== undefined ? { windowStart: base.windowStart, windowEnd: base.windowEnd } : {}),
    issuedAt: ctx.sandbox.now(),
    seen,
    select,
    restartPath,
  };
  const maxPage = ctx.prefer.maxPageSize;
  if (maxPage) ctx.applied.add(`odata.maxpagesize=${maxPage}`);
  const size = Math.min(maxPage ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  const faults = ctx.sandbox.guard.deltaFaults(ctx.caller.userPrincipalName);
  const pages: Record<string, unknown>[][] = [];
  for (let i = 0; i < faults.emptyPages; i++) pages.push([]);
  for (let i = 0; i < changes.length; i += size) {
    const page = changes.slice(i, i + size);
    // Graph may repeat an item it already sent in this round; clients must tolerate it.
    if (faults.replays > 0 && i > 0) page.push(...changes.slice(0, Math.min(faults.replays, i)));
    pages.push(page);
  }
  if (pages.length === 0) pages.push([]);
  const cursor: RoundCursor = {
    userId: ctx.mailbox.userId,
    pages,
    state,
    path: ctx.requestPath.split('?')[0]!,
  };
  return servePage(ctx, { cursor, index: 0 });
}

export function servePage(ctx: GraphContext, page: PageToken): { body: unknown } {
  const { cursor, index } = page;
  const maxPage = ctx.prefer.maxPageSize;
  if (maxPage) ctx.applied.add(`odata.maxpagesize=${maxPage}`);
  const body: Record<string, unknown> = {
    '@odata.context': odataContext(
      ctx.req.origin,
      `Collection(${cursor.state.kind === 'contacts' ? 'contact' : 'event'})`,
    ),
  };
  if (index + 1 < cursor.pages.length) {
    const token = newToken();
    const open = ctx.sandbox.pages;
    open.set(token, { cursor, index: index + 1 } satisfies PageToken);
    // Abandoned rounds would otherwise pile up; the oldest page tokens go first.
    if (open.size > MAX_OPEN_PAGES) open.delete(open.keys().next().value!);
    body['@odata.nextLink'] = graphUrl(
      ctx.req.origin,
      cursor.path,
      new URLSearchParams({ $skiptoken: token }),
    );
  } else {
    commitState(ctx, cursor.state);
    body['@odata.deltaLink'] = graphUrl(
      ctx.req.origin,
      cursor.path,
      new URLSearchParams({ $deltatoken: cursor.state.token }),
    );
  }
  body.value = cursor.pages[index] ?? [];
  return { body };
}

function commitState(ctx: GraphContext, state: DeltaStateRecord): void {
  const states = ctx.mailbox.deltaStates;
  if (states[state.token]) return;
  states[state.token] = state;
  ctx.sandbox.touch(ctx.mailbox, 'deltaStates', state.token);
  const tokens = Object.keys(states);
  if (tokens.length > MAX_STATES_PER_MAILBOX) {
    tokens
      .sort((a, b) => states[a]!.issuedAt - states[b]!.issuedAt)
      .slice(0, tokens.length - MAX_STATES_PER_MAILBOX)
      .forEach((token) => {
        delete states[token];
        ctx.sandbox.touch(ctx.mailbox, 'deltaStates', token);
      });
  }
}
