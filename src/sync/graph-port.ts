import type { GraphContact, GraphExtendedProperty } from '../domain/graph-contact-fields';
import type { GraphItem, GraphChange } from './changes';
import { GraphError, type BatchRequest, type BatchResult, type GraphClient } from './graph';
import {
  CONTAINER_PROPERTY,
  containerProperty,
  crmIdFilter,
  crmIdOf,
  crmIdProperty,
  expandContainerProperty,
  expandTandemProperties,
  readExtendedProperty,
  withCrmId,
} from './mapping/extended-properties';
import { planOccurrenceWrites } from './mapping/event-mapper';
import type { GraphEvent, GraphEventItem, GraphSeries } from './mapping/graph-event';
import type { ResourceMapper, Snapshot, SyncResource } from './model';
import { completeSnapshot, sameSnapshot } from './snapshot';
import {
  PortError,
  type GraphChanges,
  type GraphPort,
  type GraphWrite,
  type GraphWritten,
  type LinksOf,
  type Outcome,
  type PortErrorKind,
} from './ports';

/**
 * `GraphPort` over the Graph client and the mappers. Items are read with text bodies and immutable
 * ids (the client adds the latter to every call), and the CRM id travels in our extended property.
 */

const TEXT_BODIES = 'outlook.body-content-type="text"';
const PAGE_SIZE = 500;
const DAY_MS = 86_400_000;

export interface GraphPortOptions {
  client: GraphClient;
  /**
   * Calendar only: the span the calendar view delta covers. Events outside it are created and
   * updated from the CRM but their Outlook edits are not read. Default: one year back, two ahead.
   */
  window?: { start: string; end: string };
  now?: () => number;
}

export function createContactsGraphPort(
  options: GraphPortOptions & { mapper: ResourceMapper<unknown, GraphContact> },
): GraphPort {
  return new ContactsGraphPort(options.client, options.mapper);
}

export function createCalendarGraphPort(
  options: GraphPortOptions & { mapper: ResourceMapper<unknown, GraphEventItem> },
): GraphPort {
  const now = options.now?.() ?? Date.now();
  const window = options.window ?? {
    start: new Date(now - 365 * DAY_MS).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    end: new Date(now + 730 * DAY_MS).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
  return new CalendarGraphPort(options.client, options.mapper, window);
}

/** Graph failures in the engine's terms: the kinds are the same closed set. */
export function toPortError(error: unknown): unknown {
  return error instanceof GraphError ? new PortError(error.kind as PortErrorKind, error.message) : error;
}

async function mapped<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toPortError(error);
  }
}

/**
 * How far Graph's clock may be ahead of ours: an item last modified longer than this before a run's
 * delta read began is older than that read.
 */
const CLOCK_SKEW_MS = 5 * 60_000;

/** An update that would have written over an Outlook edit the merge has not seen. */
const EDITED_MEANWHILE =
  'The item was changed in Outlook while the sync was running; the next sync merges that change.';

function failed(kind: PortErrorKind, message: string): Outcome<GraphWritten> {
  return { ok: false, error: { kind, message } };
}

function outcomeOf(w: GraphWrite, result: BatchResult): Outcome<GraphWritten> {
  const fallbackId = w.op === 'create' ? '' : w.graphId;
  if (result.error) {
    if (w.op === 'delete' && result.error.kind === 'notFound')
      return { ok: true, value: { graphId: fallbackId, changeKey: null } };
    // A stale If-Match (412, or 409 in some reports) on an update.
    if (w.op === 'update' && result.error.kind === 'conflict') return failed('conflict', EDITED_MEANWHILE);
    return failed(result.error.kind as PortErrorKind, result.error.message);
  }
  const body = (result.body ?? {}) as { id?: string; changeKey?: string };
  return { ok: true, value: { graphId: body.id ?? fallbackId, changeKey: body.changeKey ?? null } };
}

/** An item as read in this run, and the change key of that version. */
interface Version<Item> {
  item: Item;
  changeKey: string | null;
}

const expandQuery = () => ({ $expand: expandTandemProperties() });

interface Container {
  id?: string;
  singleValueExtendedProperties?: GraphExtendedProperty[];
}

abstract class BaseGraphPort<Item> implements GraphPort {
  /**
   * Items read while collecting this run's changes, by id: the versions the plan was made against.
   * Updates send collections whole and need what Outlook holds, and name the version in `If-Match`.
   */
  /** When this run's delta read began (our clock). */
  private readStartedAt = 0;
  protected readonly seen = new Map<string, Version<Item>>();

  constructor(
    protected readonly client: GraphClient,
    protected readonly mapper: ResourceMapper<unknown, Item>,
  ) {}

  protected abstract readonly containers: string;
  protected abstract readonly nameProperty: 'name' | 'displayName';
  protected abstract itemPath(graphId: string): string;
  protected abstract collectionPath(containerId: string): string;

  /** The value of our container marker: which resource the container holds. */
  protected abstract readonly resource: SyncResource;

  private isOurs(container: Container): boolean {
    return (
      readExtendedProperty(container.singleValueExtendedProperties, CONTAINER_PROPERTY) === this.resource
    );
  }

  findContainer(): Promise<string | null> {
    return mapped(async () => {
      const query = { $expand: expandContainerProperty() };
      for await (const c of this.client.list<Container>(`/me/${this.containers}`, { query })) {
        if (c.id && this.isOurs(c)) return c.id;
      }
      return null;
    });
  }

  createContainer(name: string): Promise<string | null> {
    return mapped(async () => {
      try {
        const created = await this.client.request<{ id: string }>('POST', `/me/${this.containers}`, {
          body: {
            [this.nameProperty]: name,
            singleValueExtendedProperties: [containerProperty(this.resource)],
          },
        });
        return created.id;
      } catch (error) {
        if (error instanceof GraphError && error.code?.toLowerCase() === 'errorfolderexists') return null;
        throw error;
      }
    });
  }

  /** Reads the marker first: a container that is not ours (stored by an earlier version) is kept. */
  deleteContainer(containerId: string): Promise<void> {
    return mapped(async () => {
      const path = `/me/${this.containers}/${encodeURIComponent(containerId)}`;
      try {
        const container = await this.client.request<Container>('GET', path, {
          query: { $expand: expandContainerProperty() },
        });
        if (!this.isOurs(container)) return;
        await this.client.request('DELETE', path);
      } catch (error) {
        if (!(error instanceof GraphError && error.kind === 'notFound')) throw error;
      }
    });
  }

  changes(containerId: string, cursor: string | null, links: LinksOf): Promise<GraphChanges> {
    // A new run: versions read by an earlier one say nothing about what this one merges against.
    this.seen.clear();
    this.readStartedAt = Date.now();
    return mapped(() => this.collect(containerId, cursor, links));
  }

  protected abstract collect(
    containerId: string,
    cursor: string | null,
    links: LinksOf,
  ): Promise<GraphChanges>;

  findByMarker(containerId: string, crmIds: readonly string[]): Promise<GraphItem[]> {
    return mapped(async () => {
      const results = await this.client.batch<{ value: Item[] }>(
        crmIds.map((crmId) => ({
          method: 'GET',
          path: this.collectionPath(containerId),
          query: { $filter: crmIdFilter(crmId), ...expandQuery() },
          headers: { Prefer: TEXT_BODIES },
        })),
      );
      const items: GraphItem[] = [];
      for (const r of results) {
        if (r.error) throw r.error;
        for (const item of r.body?.value ?? []) items.push(...(await this.toItems([item])));
      }
      return items;
    });
  }

  /** Graph items as the engine's changes (a calendar port turns occurrences into their series). */
  protected abstract toItems(items: readonly Item[]): Promise<GraphItem[]>;

  protected complete(snapshot: Snapshot): Snapshot {
    return completeSnapshot(snapshot, this.mapper.fields);
  }

  protected graphItem(
    graphId: string,
    item: Item,
    changeKey: string | null,
    marker: string | null,
  ): GraphItem {
    this.seen.set(graphId, { item, changeKey });
    return { graphId, snapshot: this.mapper.fromGraph(item), changeKey, marker };
  }

  /**
   * Reads, in one batched round, the items updates need that this run has not read: the plan took
   * them to be as last synced. A failed read comes back as its error.
   */
  private async current(ids: readonly string[]): Promise<Map<string, Version<Item> | GraphError>> {
    const missing = [...new Set(ids)].filter((id) => !this.seen.has(id));
    const read = new Map<string, Version<Item> | GraphError>();
    if (missing.length === 0) return read;
    const results = await this.client.batch<Item & { changeKey?: string }>(
      missing.map((id) => ({ method: 'GET', path: this.itemPath(id), headers: { Prefer: TEXT_BODIES } })),
    );
    results.forEach((r, i) => {
      const id = missing[i] as string;
      if (r.error || !r.body) {
        read.set(id, r.error ?? new GraphError({ kind: 'permanent', message: `No body for item ${id}.` }));
      } else read.set(id, { item: r.body, changeKey: r.body.changeKey ?? null });
    });
    return read;
  }

  /**
   * The version an update writes over, named in its `If-Match`. An item read in this run is that
   * version. One the run read no change of is read now: it is that version if it still has the
   * link's change key, or the content the merge took it to have (a mark or an edit of an unmapped
   * field changes the key alone), or if it was last modified before this run's delta read began (the
   * delta did not report it, so it is a change the sync does not read — an event outside the calendar
   * window — or one already merged whose content does not map back exactly; waiting would not bring
   * it). Anything else is an edit that landed after this run's delta read: the update waits for the
   * next run, whose delta brings that edit to the merge.
   */
  private versionFor(
    w: Extract<GraphWrite, { op: 'update' }>,
    read: ReadonlyMap<string, Version<Item> | GraphError>,
  ): Version<Item> | Outcome<GraphWritten> {
    const seen = this.seen.get(w.graphId);
    if (seen) return seen;
    const now = read.get(w.graphId);
    if (now === undefined) return failed('temporary', `Item ${w.graphId} could not be read.`);
    if (now instanceof GraphError) return failed(now.kind as PortErrorKind, now.message);
    if (now.changeKey !== null && now.changeKey === w.changeKey) return now;
    if (this.holds(now.item, w.base)) return now;
    const modified = Date.parse(
      String((now.item as { lastModifiedDateTime?: unknown }).lastModifiedDateTime),
    );
    if (modified < this.readStartedAt - CLOCK_SKEW_MS) return now;
    return failed('conflict', EDITED_MEANWHILE);
  }

  /** Whether `item` has the content `base` (as far as reading the item alone shows it). */
  protected holds(item: Item, base: Snapshot): boolean {
    try {
      return sameSnapshot(this.mapper.fromGraph(item), base);
    } catch {
      return false;
    }
  }

  write(containerId: string, writes: readonly GraphWrite[]): Promise<Outcome<GraphWritten>[]> {
    return mapped(async () => {
      const read = await this.current(writes.flatMap((w) => (w.op === 'update' ? [w.graphId] : [])));
      const outcomes: Outcome<GraphWritten>[] = new Array(writes.length);
      const requests: BatchRequest[] = [];
      const sent: number[] = [];
      writes.forEach((w, i) => {
        const request = this.request(containerId, w, read);
        if ('ok' in request) outcomes[i] = request;
        else {
          sent.push(i);
          requests.push(request);
        }
      });
      const results = requests.length > 0 ? await this.client.batch(requests) : [];
      results.forEach((r, j) => {
        const i = sent[j] as number;
        outcomes[i] = outcomeOf(writes[i] as GraphWrite, r);
      });
      await this.afterWrite(writes, outcomes);
      return outcomes;
    });
  }

  /** The request for a write, or the outcome of one that is not sent. */
  private request(
    containerId: string,
    w: GraphWrite,
    read: ReadonlyMap<string, Version<Item> | GraphError>,
  ): BatchRequest | Outcome<GraphWritten> {
    switch (w.op) {
      case 'create':
        return {
          method: 'POST',
          path: this.collectionPath(containerId),
          body: this.createBody(w.snapshot, w.crmId, w.transactionId),
          headers: { Prefer: TEXT_BODIES },
        };
      case 'update': {
        const version = this.versionFor(w, read);
        if ('ok' in version) return version;
        return {
          method: 'PATCH',
          path: this.itemPath(w.graphId),
          body: this.mapper.toGraph(this.complete(w.snapshot), w.fields, version.item),
          headers: { Prefer: TEXT_BODIES },
          // For a series, the master's change key.
          ...(version.changeKey !== null ? { ifMatch: `W/"${version.changeKey}"` } : {}),
        };
      }
      case 'delete':
        return { method: 'DELETE', path: this.itemPath(w.graphId) };
      case 'mark':
        // No If-Match: the patch holds only our own property, so it cannot overwrite an edit, and a
        // refused mark would not be tried again.
        return {
          method: 'PATCH',
          path: this.itemPath(w.graphId),
          body: { singleValueExtendedProperties: [crmIdProperty(w.crmId)] },
        };
    }
  }

  protected abstract createBody(
    snapshot: Snapshot,
    crmId: string,
    transactionId: string,
  ): Record<string, unknown>;

  protected async afterWrite(
    _writes: readonly GraphWrite[],
    _outcomes: Outcome<GraphWritten>[],
  ): Promise<void> {}
}

class ContactsGraphPort extends BaseGraphPort<GraphContact> {
  protected readonly containers = 'contactFolders';
  protected readonly resource = 'contacts' as const;
  protected readonly nameProperty = 'displayName' as const;

  protected itemPath(graphId: string): string {
    return `/me/contacts/${encodeURIComponent(graphId)}`;
  }

  protected collectionPath(containerId: string): string {
    return `/me/contactFolders/${encodeURIComponent(containerId)}/contacts`;
  }

  protected createBody(snapshot: Snapshot, crmId: string): Record<string, unknown> {
    return withCrmId(this.mapper.toGraph(this.complete(snapshot)), crmId);
  }

  protected async collect(
    containerId: string,
    cursor: string | null,
    getLinks: LinksOf,
  ): Promise<GraphChanges> {
    const start = cursor ?? `${this.collectionPath(containerId)}/delta`;
    const round = await this.client.collectDelta<GraphContact & { id: string; changeKey?: string }>(start, {
      maxPageSize: PAGE_SIZE,
    });
    const quiet = round.changed.length === 0 && round.removed.length === 0 && cursor !== null;
    // A full listing needs every link (to find the linked items no longer there); a delta only those
    // of the items it brought.
    const links = quiet
      ? []
      : await getLinks(cursor === null ? undefined : round.changed.map((item) => item.id));
    const linked = new Set(links.map((l) => l.graphId));
    const changes: GraphChange[] = [];
    const unlinked: string[] = [];
    for (const item of round.changed) {
      if (linked.has(item.id)) changes.push(this.graphItem(item.id, item, item.changeKey ?? null, null));
      else unlinked.push(item.id);
    }
    // Delta answers carry no extended properties: read unlinked items again to see whether they are ours.
    changes.push(...(await this.readItems(unlinked)));
    const removed = new Set(round.removed.map((r) => r.id));
    for (const id of removed) changes.push({ graphId: id, deleted: true });
    if (cursor === null) {
      const present = new Set(round.changed.map((i) => i.id));
      for (const l of links) {
        if (!present.has(l.graphId) && !removed.has(l.graphId))
          changes.push({ graphId: l.graphId, deleted: true });
      }
    }
    return { changes, cursor: round.deltaLink };
  }

  private async readItems(ids: readonly string[]): Promise<GraphItem[]> {
    if (ids.length === 0) return [];
    const results = await this.client.batch<GraphContact & { id: string; changeKey?: string }>(
      ids.map((id) => ({ method: 'GET', path: this.itemPath(id), query: expandQuery() })),
    );
    const items: GraphItem[] = [];
    results.forEach((r) => {
      // Gone since the delta was read: the next round reports the removal.
      if (r.error?.kind === 'notFound' || !r.body) return;
      if (r.error) throw r.error;
      items.push(this.graphItem(r.body.id, r.body, r.body.changeKey ?? null, crmIdOf(r.body) ?? null));
    });
    return items;
  }

  protected async toItems(items: readonly GraphContact[]): Promise<GraphItem[]> {
    return items.map((item) => {
      const c = item as GraphContact & { id: string; changeKey?: string };
      return this.graphItem(c.id, c, c.changeKey ?? null, crmIdOf(c) ?? null);
    });
  }
}

type EventRead = GraphEvent & { id: string };

/** The change key a delta stub carries in its etag (`W/"<changeKey>"`). */
function etagKey(e: EventRead): string | undefined {
  const etag = (e as { '@odata.etag'?: unknown })['@odata.etag'];
  return typeof etag === 'string' ? /^W\/"(.*)"$/.exec(etag)?.[1] : undefined;
}

/**
 * Calendar: the calendar view delta over a window gives single events, occurrences and exceptions,
 * never series masters. A series is read whole, from its master and `/instances` in the window, when
 * any of its instances changed (or, since a cancelled occurrence may just vanish, when an unknown
 * item is removed). Removals are checked: an event that left the window is not deleted.
 */
class CalendarGraphPort extends BaseGraphPort<GraphEventItem> {
  protected readonly containers = 'calendars';
  protected readonly resource = 'calendar' as const;
  protected readonly nameProperty = 'name' as const;

  constructor(
    client: GraphClient,
    mapper: ResourceMapper<unknown, GraphEventItem>,
    private readonly window: { start: string; end: string },
  ) {
    super(client, mapper);
  }

  protected itemPath(graphId: string): string {
    return `/me/events/${encodeURIComponent(graphId)}`;
  }

  protected collectionPath(containerId: string): string {
    return `/me/calendars/${encodeURIComponent(containerId)}/events`;
  }

  protected createBody(snapshot: Snapshot, crmId: string, transactionId: string): Record<string, unknown> {
    // The transactionId makes a resent create (after a timeout) answer with the first event.
    return { ...withCrmId(this.mapper.toGraph(this.complete(snapshot)), crmId), transactionId };
  }

  /**
   * A series master read alone shows none of its occurrences, so the check covers the fields the
   * master carries; its change key guards the write.
   */
  protected override holds(item: GraphEventItem, base: Snapshot): boolean {
    const { exceptions: _exceptions, ...rest } = base;
    return super.holds(item, { ...rest, exceptions: [] });
  }

  protected async collect(
    containerId: string,
    cursor: string | null,
    getLinks: LinksOf,
  ): Promise<GraphChanges> {
    const start =
      cursor ??
      `/me/calendars/${encodeURIComponent(containerId)}/calendarView/delta?startDateTime=${this.window.start}&endDateTime=${this.window.end}`;
    const round = await this.client.collectDelta<EventRead>(start, {
      maxPageSize: PAGE_SIZE,
      headers: { Prefer: TEXT_BODIES },
    });
    const quiet = round.changed.length === 0 && round.removed.length === 0 && cursor !== null;
    const links = quiet ? [] : await getLinks();
    const linked = new Map(links.map((l) => [l.graphId, l]));
    const singles: EventRead[] = [];
    // Each series to read, and whether every stub of it in this round still carries the change key
    // it was linked with: then the master is as we last wrote or read it (our own writes echoing).
    const series = new Map<string, boolean>();
    const note = (id: string, unchanged: boolean) => series.set(id, (series.get(id) ?? true) && unchanged);
    for (const e of round.changed) {
      if (e.type === 'occurrence' || e.type === 'exception') {
        if (e.seriesMasterId) {
          const key = linked.get(e.seriesMasterId)?.changeKey;
          note(e.seriesMasterId, e.type === 'occurrence' && !!key && etagKey(e) === key);
        }
      } else if (e.type === 'seriesMaster') note(e.id, false);
      else singles.push(e);
    }
    const removed = round.removed.map((r) => r.id);
    // A vanished occurrence names no series: re-read the linked series (few, next to single events).
    if (removed.some((id) => !linked.has(id))) {
      for (const l of links) if (l.snapshot.recurrence) note(l.graphId, false);
    }
    // Skipping needs a cursor: a full read must report every item.
    const toRead = [...series.keys()].filter((id) => cursor === null || !series.get(id));
    const changes: GraphChange[] = [];
    const unlinkedSingles: string[] = [];
    for (const e of singles) {
      if (linked.has(e.id)) changes.push(this.graphItem(e.id, e, e.changeKey ?? null, null));
      else unlinkedSingles.push(e.id);
    }
    changes.push(...(await this.readEvents(unlinkedSingles)));
    changes.push(...(await this.readSeries(toRead)));
    const seen = new Set(changes.map((c) => c.graphId));

    // Removed from the view: deleted, or only moved out of the window. Ask for linked ones.
    const suspects = removed.filter((id) => linked.has(id) && !seen.has(id));
    if (cursor === null) {
      const present = new Set([...seen, ...round.changed.map((e) => e.id)]);
      for (const l of links)
        if (!present.has(l.graphId) && this.inWindow(l.snapshot)) suspects.push(l.graphId);
    }
    changes.push(...(await this.confirmDeleted([...new Set(suspects)])));
    return { changes, cursor: round.deltaLink };
  }

  /** Whether a linked event's last known time falls in the delta's window. */
  private inWindow(snapshot: Snapshot): boolean {
    const start = (snapshot.start ?? snapshot.startDate) as string | null;
    if (typeof start !== 'string') return true;
    if (snapshot.recurrence) return Date.parse(start) < Date.parse(this.window.end);
    const end = (snapshot.end ?? snapshot.endDate ?? start) as string;
    return (
      Date.parse(end) >= Date.parse(this.window.start) && Date.parse(start) < Date.parse(this.window.end)
    );
  }

  private async confirmDeleted(ids: readonly string[]): Promise<GraphChange[]> {
    if (ids.length === 0) return [];
    const results = await this.client.batch(
      ids.map((id) => ({ method: 'GET', path: this.itemPath(id), query: { $select: 'id' } })),
    );
    const out: GraphChange[] = [];
    results.forEach((r, i) => {
      if (r.error?.kind === 'notFound') out.push({ graphId: ids[i] as string, deleted: true });
      else if (r.error) throw r.error;
    });
    return out;
  }

  private async readEvents(ids: readonly string[]): Promise<GraphItem[]> {
    if (ids.length === 0) return [];
    const results = await this.client.batch<EventRead>(
      ids.map((id) => ({
        method: 'GET',
        path: this.itemPath(id),
        query: expandQuery(),
        headers: { Prefer: TEXT_BODIES },
      })),
    );
    const items: GraphItem[] = [];
    for (const r of results) {
      if (r.error?.kind === 'notFound' || !r.body) continue;
      if (r.error) throw r.error;
      items.push(this.graphItem(r.body.id, r.body, r.body.changeKey ?? null, crmIdOf(r.body) ?? null));
    }
    return items;
  }

  /** Each series whole: its master (with our properties) and its instances in the window. */
  private async readSeries(masterIds: readonly string[]): Promise<GraphChange[]> {
    if (masterIds.length === 0) return [];
    // Each master and its first page of instances travel in the same $batch rounds.
    const results = await this.client.batch<EventRead & { value?: GraphEvent[]; '@odata.nextLink'?: string }>(
      masterIds.flatMap((id) => [
        { method: 'GET', path: this.itemPath(id), query: expandQuery(), headers: { Prefer: TEXT_BODIES } },
        {
          method: 'GET',
          path: `${this.itemPath(id)}/instances`,
          query: { startDateTime: this.window.start, endDateTime: this.window.end },
          headers: { Prefer: `${TEXT_BODIES}, odata.maxpagesize=${PAGE_SIZE}` },
        },
      ]),
    );
    const out: GraphChange[] = [];
    for (let i = 0; i < masterIds.length; i++) {
      const id = masterIds[i] as string;
      const master = results[2 * i] as BatchResult<EventRead>;
      const first = results[2 * i + 1] as BatchResult<{ value?: GraphEvent[]; '@odata.nextLink'?: string }>;
      if (master.error?.kind === 'notFound') {
        out.push({ graphId: id, deleted: true });
        continue;
      }
      if (master.error || !master.body) {
        throw master.error ?? new PortError('permanent', `No body for event ${id}.`);
      }
      let series: GraphSeries;
      if (first.error || !first.body) {
        series = await this.series(master.body);
      } else {
        const instances = [...(first.body.value ?? [])];
        const next = first.body['@odata.nextLink'];
        if (next) {
          for await (const page of this.client.pages<GraphEvent>(next, {
            headers: { Prefer: TEXT_BODIES },
          })) {
            instances.push(...page.value);
          }
        }
        series = { master: master.body, instances, window: this.window };
      }
      out.push(this.graphItem(id, series, master.body.changeKey ?? null, crmIdOf(master.body) ?? null));
    }
    return out;
  }

  private async series(master: EventRead): Promise<GraphSeries> {
    const instances: GraphEvent[] = [];
    for await (const e of this.client.list<GraphEvent>(`${this.itemPath(master.id)}/instances`, {
      query: { startDateTime: this.window.start, endDateTime: this.window.end },
      headers: { Prefer: TEXT_BODIES },
      maxPageSize: PAGE_SIZE,
    })) {
      instances.push(e);
    }
    return { master, instances, window: this.window };
  }

  protected async toItems(items: readonly GraphEventItem[]): Promise<GraphItem[]> {
    const out: GraphItem[] = [];
    for (const item of items) {
      const e = item as EventRead;
      if (e.type === 'seriesMaster') {
        out.push(this.graphItem(e.id, await this.series(e), e.changeKey ?? null, crmIdOf(e) ?? null));
      } else {
        out.push(this.graphItem(e.id, e, e.changeKey ?? null, crmIdOf(e) ?? null));
      }
    }
    return out;
  }

  /**
   * A series' edited and cancelled occurrences are written after its master: read its instances,
   * then cancel or patch the ones that differ from the snapshot's exceptions.
   */
  protected override async afterWrite(
    writes: readonly GraphWrite[],
    outcomes: Outcome<GraphWritten>[],
  ): Promise<void> {
    const requests: BatchRequest[] = [];
    for (let i = 0; i < writes.length; i++) {
      const w = writes[i] as GraphWrite;
      const outcome = outcomes[i];
      if (!outcome?.ok || (w.op !== 'create' && w.op !== 'update')) continue;
      if (!w.snapshot.recurrence) continue;
      const exceptions = w.snapshot.exceptions;
      const touched = w.op === 'create' || w.fields.some((f) => f === 'exceptions' || f === 'recurrence');
      if (!touched || !Array.isArray(exceptions) || exceptions.length === 0) continue;
      const master = await this.client.request<EventRead>('GET', this.itemPath(outcome.value.graphId), {
        headers: { Prefer: TEXT_BODIES },
      });
      const plan = planOccurrenceWrites(w.snapshot, await this.series(master));
      for (const c of plan.cancel) requests.push({ method: 'DELETE', path: this.itemPath(c.id) });
      for (const u of plan.update)
        requests.push({ method: 'PATCH', path: this.itemPath(u.id), body: u.body });
    }
    if (requests.length === 0) return;
    // The master is written; an occurrence write that failed shows as a difference on the next read.
    await this.client.batch(requests);
  }
}

export function createGraphPort(
  resource: SyncResource,
  options: GraphPortOptions & { mapper: ResourceMapper<unknown, never> },
): GraphPort {
  return resource === 'calendar'
    ? createCalendarGraphPort(
        options as GraphPortOptions & { mapper: ResourceMapper<unknown, GraphEventItem> },
      )
    : createContactsGraphPort(
        options as GraphPortOptions & { mapper: ResourceMapper<unknown, GraphContact> },
      );
}
