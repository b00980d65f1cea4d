import type { GraphExtendedProperty } from '../../domain/graph-contact-fields';
import type { GraphItem } from '../changes';
import { GraphError, type BatchRequest, type BatchResult, type GraphClient } from '../graph';
import {
  CONTAINER_PROPERTY,
  containerProperty,
  crmIdFilter,
  crmIdOf,
  crmIdProperty,
  expandContainerProperty,
  expandTandemProperties,
  readExtendedProperty,
} from '../mapping/extended-properties';
import { replaceUnstorableText } from '../mapping/normalise';
import type { ResourceMapper, Snapshot, SyncResource } from '../model';
import type { PortErrorKind } from '../port-errors';
import {
  PortError,
  type GraphChanges,
  type GraphPort,
  type GraphWrite,
  type GraphWritten,
  type LinksOf,
  type Outcome,
  type UnreadableItem,
} from '../ports';
import { completeSnapshot, sameSnapshot } from '../snapshot';

/**
 * What the contacts and calendar ports share: containers, reads by id and by marker, and writes
 * guarded by the version each update was merged against. Items are read with text bodies and
 * immutable ids (the client adds the latter to every call); the CRM id travels in our extended
 * property. Every string read from Graph has NUL and lone surrogates replaced by U+FFFD.
 */

export const TEXT_BODIES = 'outlook.body-content-type="text"';
export const PAGE_SIZE = 500;

export interface GraphPortOptions {
  client: GraphClient;
  /**
   * Calendar only: the span the calendar view delta covers. Events outside it are created and
   * updated from the CRM but their Outlook edits are not read. Default: one year back, two ahead.
   */
  window?: { start: string; end: string };
  /** The clock, in milliseconds since the epoch (tests pass their own). */
  now?: () => number;
}

/** Graph failures in the engine's terms: the kinds are the same closed set. */
export function toPortError(error: unknown): unknown {
  return error instanceof GraphError ? new PortError(error.kind, error.message) : error;
}

export async function mapped<T>(work: () => Promise<T>): Promise<T> {
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
    return failed(result.error.kind, result.error.message);
  }
  const body = (result.body ?? {}) as { id?: string; changeKey?: string };
  return { ok: true, value: { graphId: body.id ?? fallbackId, changeKey: body.changeKey ?? null } };
}

/** An item as read in this run, and the change key of that version. */
interface Version<Item> {
  item: Item;
  changeKey: string | null;
}

/** What every item read from Graph carries besides its mapped content. */
export interface ReadItem {
  id: string;
  changeKey?: string;
}

export const expandQuery = () => ({ $expand: expandTandemProperties() });

interface Container {
  id?: string;
  singleValueExtendedProperties?: GraphExtendedProperty[];
}

export abstract class BaseGraphPort<Item> implements GraphPort {
  /**
   * Items read while collecting this run's changes, by id: the versions the plan was made against.
   * Updates send collections whole and need what Outlook holds, and name the version in `If-Match`.
   */
  protected readonly seen = new Map<string, Version<Item>>();
  /** Items of this run's read whose content the mapping refused. */
  private unreadable: UnreadableItem[] = [];
  /** When this run's delta read began (our clock). */
  private readStartedAt = 0;

  constructor(
    protected readonly client: GraphClient,
    protected readonly mapper: ResourceMapper<unknown, Item>,
    private readonly now: () => number,
  ) {}

  protected abstract readonly containers: string;
  protected abstract readonly nameProperty: 'name' | 'displayName';
  /** The value of our container marker: which resource the container holds. */
  protected abstract readonly resource: SyncResource;
  protected abstract itemPath(graphId: string): string;
  protected abstract collectionPath(containerId: string): string;
  protected abstract collect(
    containerId: string,
    cursor: string | null,
    links: LinksOf,
  ): Promise<GraphChanges>;
  /** Graph items as the engine's changes (a calendar port turns a series master into its series). */
  protected abstract toItems(items: readonly Item[]): Promise<GraphItem[]>;
  protected abstract createBody(
    snapshot: Snapshot,
    crmId: string,
    transactionId: string,
  ): Record<string, unknown>;

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
    this.unreadable = [];
    this.readStartedAt = this.now();
    return mapped(async () => {
      const read = await this.collect(containerId, cursor, links);
      return this.unreadable.length > 0 ? { ...read, unreadable: this.unreadable } : read;
    });
  }

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
        items.push(...(await this.toItems(r.body?.value ?? [])));
      }
      return items;
    });
  }

  /**
   * Reads items by id with our properties, in one batched round. One gone since the delta was read
   * is left out: the next round reports its removal.
   */
  protected async readItems(ids: readonly string[]): Promise<GraphItem[]> {
    if (ids.length === 0) return [];
    const results = await this.client.batch<Item & ReadItem>(
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
      items.push(...this.markedItem(r.body));
    }
    return items;
  }

  /** An item read with our properties, as a change carrying its marker; none if it does not map. */
  protected markedItem(item: Item & ReadItem, graphId = item.id): GraphItem[] {
    const marker = crmIdOf(item as { singleValueExtendedProperties?: GraphExtendedProperty[] });
    return this.graphItem(graphId, item, item.changeKey ?? null, marker ?? null);
  }

  /**
   * An item as the engine's change, remembered as the version this run read. An item whose content
   * the mapping refuses is reported as unreadable instead: it must not stop the others.
   */
  protected graphItem(
    graphId: string,
    item: Item,
    changeKey: string | null,
    marker: string | null,
  ): GraphItem[] {
    const clean = replaceUnstorableText(item);
    let snapshot: Snapshot;
    try {
      snapshot = this.mapper.fromGraph(clean);
    } catch (error) {
      this.unreadable.push({ graphId, message: (error as Error).message });
      return [];
    }
    this.seen.set(graphId, { item: clean, changeKey });
    return [{ graphId, snapshot, changeKey, marker }];
  }

  protected complete(snapshot: Snapshot): Snapshot {
    return completeSnapshot(snapshot, this.mapper.fields);
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
      } else read.set(id, { item: replaceUnstorableText(r.body), changeKey: r.body.changeKey ?? null });
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
    if (now instanceof GraphError) return failed(now.kind, now.message);
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
        const request = this.requestOrRefusal(containerId, w, read);
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

  /** The request for a write; a write whose content the mapping refuses fails alone, as `invalid`. */
  private requestOrRefusal(
    containerId: string,
    w: GraphWrite,
    read: ReadonlyMap<string, Version<Item> | GraphError>,
  ): BatchRequest | Outcome<GraphWritten> {
    try {
      return this.request(containerId, w, read);
    } catch (error) {
      if (error instanceof GraphError || error instanceof PortError) throw error;
      return failed('invalid', (error as Error).message);
    }
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

  protected async afterWrite(
    _writes: readonly GraphWrite[],
    _outcomes: Outcome<GraphWritten>[],
  ): Promise<void> {}
}
