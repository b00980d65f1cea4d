import type { GraphChange, GraphItem } from '../changes';
import type { BatchRequest, BatchResult, GraphClient } from '../graph';
import { crmIdOf, withCrmId } from '../mapping/extended-properties';
import { planOccurrenceWrites } from '../mapping/event-mapper';
import type { GraphEvent, GraphEventItem, GraphSeries } from '../mapping/graph-event';
import type { ResourceMapper, Snapshot } from '../model';
import {
  PortError,
  type GraphChanges,
  type GraphWrite,
  type GraphWritten,
  type LinksOf,
  type Outcome,
} from '../ports';
import { BaseGraphPort, PAGE_SIZE, TEXT_BODIES, expandQuery, type ReadItem } from './base';

type EventRead = GraphEvent & ReadItem;
type InstancesPage = { value?: GraphEvent[]; '@odata.nextLink'?: string };

/** The change key a delta stub carries in its etag (`W/"<changeKey>"`). */
function etagKey(e: EventRead): string | undefined {
  const etag = (e as { '@odata.etag'?: unknown })['@odata.etag'];
  return typeof etag === 'string' ? /^W\/"(.*)"$/.exec(etag)?.[1] : undefined;
}

/** What one delta round says to read: single events, and series with whether they may be skipped. */
interface RoundPlan {
  singles: EventRead[];
  /** Each series to read, and whether every stub of it still carries the change key it was linked with. */
  series: Map<string, boolean>;
}

/**
 * Calendar: the calendar view delta over a window gives single events, occurrences and exceptions,
 * never series masters. A series is read whole, from its master and `/instances` in the window, when
 * any of its instances changed (or, since a cancelled occurrence may just vanish, when an unknown
 * item is removed). Removals are checked: an event that left the window is not deleted.
 */
export class CalendarGraphPort extends BaseGraphPort<GraphEventItem> {
  protected readonly containers = 'calendars';
  protected readonly resource = 'calendar' as const;
  protected readonly nameProperty = 'name' as const;

  constructor(
    client: GraphClient,
    mapper: ResourceMapper<unknown, GraphEventItem>,
    now: () => number,
    private readonly window: { start: string; end: string },
  ) {
    super(client, mapper, now);
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
    const { singles, series } = this.planRound(round.changed, linked);
    const removed = round.removed.map((r) => r.id);
    // A vanished occurrence names no series: re-read the linked series (few, next to single events).
    if (removed.some((id) => !linked.has(id))) {
      for (const l of links) if (l.snapshot.recurrence) series.set(l.graphId, false);
    }
    // Skipping needs a cursor: a full read must report every item.
    const toRead = [...series.keys()].filter((id) => cursor === null || !series.get(id));
    const changes: GraphChange[] = [];
    const unlinkedSingles: string[] = [];
    for (const e of singles) {
      if (linked.has(e.id)) changes.push(...this.graphItem(e.id, e, e.changeKey ?? null, null));
      else unlinkedSingles.push(e.id);
    }
    changes.push(...(await this.readItems(unlinkedSingles)));
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

  /**
   * Sorts a round's events: single events are read as they are, occurrences and exceptions name the
   * series to read. A series whose stubs all still carry the change key it was linked with is as we
   * last wrote or read it (our own writes echoing).
   */
  private planRound(
    changed: readonly EventRead[],
    linked: ReadonlyMap<string, { changeKey: string | null }>,
  ): RoundPlan {
    const singles: EventRead[] = [];
    const series = new Map<string, boolean>();
    const note = (id: string, unchanged: boolean) => series.set(id, (series.get(id) ?? true) && unchanged);
    for (const e of changed) {
      if (e.type === 'occurrence' || e.type === 'exception') {
        if (e.seriesMasterId) {
          const key = linked.get(e.seriesMasterId)?.changeKey;
          note(e.seriesMasterId, e.type === 'occurrence' && !!key && etagKey(e) === key);
        }
      } else if (e.type === 'seriesMaster') note(e.id, false);
      else singles.push(e);
    }
    return { singles, series };
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

  /** Each series whole: its master (with our properties) and its instances in the window. */
  private async readSeries(masterIds: readonly string[]): Promise<GraphChange[]> {
    if (masterIds.length === 0) return [];
    // Each master and its first page of instances travel in the same $batch rounds.
    const results = await this.client.batch<EventRead & InstancesPage>(
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
      if (master.error?.kind === 'notFound') {
        out.push({ graphId: id, deleted: true });
        continue;
      }
      if (master.error || !master.body) {
        throw master.error ?? new PortError('permanent', `No body for event ${id}.`);
      }
      const series = await this.seriesFrom(master.body, results[2 * i + 1] as BatchResult<InstancesPage>);
      out.push(...this.graphItem(id, series, master.body.changeKey ?? null, crmIdOf(master.body) ?? null));
    }
    return out;
  }

  /** A series from its master and the first page of its instances (read again if that page failed). */
  private async seriesFrom(master: EventRead, first: BatchResult<InstancesPage>): Promise<GraphSeries> {
    if (first.error || !first.body) return this.series(master);
    const instances = [...(first.body.value ?? [])];
    const next = first.body['@odata.nextLink'];
    if (next) {
      for await (const page of this.client.pages<GraphEvent>(next, { headers: { Prefer: TEXT_BODIES } })) {
        instances.push(...page.value);
      }
    }
    return { master, instances, window: this.window };
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
      if (e.type !== 'seriesMaster') out.push(...this.markedItem(e));
      else out.push(...this.graphItem(e.id, await this.series(e), e.changeKey ?? null, crmIdOf(e) ?? null));
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
