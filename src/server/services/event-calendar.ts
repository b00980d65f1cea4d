import type { Kysely } from 'kysely';
import {
  compareItems,
  eventOccurrences,
  MAX_RANGE_DAYS,
  type CalendarItem,
  type EventSyncStatus,
  type OccurrenceChange,
} from '../../domain/event-calendar';
import type { EventFields, OccurrenceException } from '../../domain/event';
import { isValidDate } from '../../domain/calendar-dates';
import { isOccurrenceDate } from '../../domain/recurrence';
import type { Actor } from '../auth/permissions';
import type { Database } from '../db/schema';
import { badRequest } from '../errors';
import type { CrmRecord, RecordService } from './record-service';
import { eligible } from './sync-crm-port';

export interface CalendarWindow {
  from: Date;
  to: Date;
  owner: string;
  limit: number;
  /** How many items of this window the caller has already read (a previous `nextCursor`). */
  cursor?: string | undefined;
}

export interface CalendarPage {
  items: (CalendarItem & { sync: EventSyncStatus })[];
  nextCursor: string | null;
}

type StoredEvent = CrmRecord & EventFields & { ownerId: string; version: number };

/** The events' side of the workspace: calendar windows, per-event sync status, single occurrences. */
export class EventCalendar {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly records: RecordService,
  ) {}

  /** Occurrences overlapping `[from, to)` in calendar order, paged by position in the window. */
  async window(actor: Actor, w: CalendarWindow): Promise<CalendarPage> {
    if (!(w.to.getTime() > w.from.getTime())) throw badRequest('to must be after from');
    if (w.to.getTime() - w.from.getTime() > MAX_RANGE_DAYS * 86_400_000) {
      throw badRequest(`from and to may be at most ${MAX_RANGE_DAYS} days apart`);
    }
    const offset = parseOffset(w.cursor);
    const rows = await this.records.eventsInWindow(actor, w);
    const all = rows.flatMap((row) => eventOccurrences(row as StoredEvent, w.from, w.to)).sort(compareItems);
    const page = all.slice(offset, offset + w.limit);
    const statuses = await this.syncStatuses(
      actor,
      rows.filter((r) => page.some((i) => i.eventId === r.id)),
    );
    return {
      items: page.map((item) => ({ ...item, sync: statuses.get(item.eventId)! })),
      nextCursor: offset + w.limit < all.length ? String(offset + w.limit) : null,
    };
  }

  /** One event's sync status. */
  async syncStatus(actor: Actor, id: string): Promise<EventSyncStatus> {
    const record = await this.records.get(actor, 'events', id);
    const row = await this.db
      .selectFrom('events')
      .select('seq')
      .where('org_id', '=', actor.orgId)
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    const statuses = await this.syncStatuses(actor, [{ ...record, seq: Number(row.seq) }]);
    return statuses.get(id)!;
  }

  /**
   * Where each event stands with its owner's Outlook, from the sync's own tables. Eligibility is the
   * sync's rule (`eligible`), so the screen and the engine never disagree about imports.
   */
  private async syncStatuses(
    actor: Actor,
    records: (CrmRecord & { seq: number })[],
  ): Promise<Map<string, EventSyncStatus>> {
    const out = new Map<string, EventSyncStatus>();
    const mine = records.filter((r) => r.ownerId === actor.userId);
    for (const r of records) {
      if (r.ownerId !== actor.userId) out.set(r.id, { state: 'notSynced', reason: 'notYours' });
    }
    if (mine.length === 0) return out;
    const ids = mine.map((r) => r.id);
    const scope = <T extends 'sync_links' | 'sync_pending' | 'conflicts'>(table: T) =>
      this.db
        .selectFrom(table as 'sync_links')
        .where('org_id', '=', actor.orgId)
        .where('user_id', '=', actor.userId)
        .where('resource', '=', 'events')
        .where('crm_id', 'in', ids);
    const [state, links, pending, conflicts] = await Promise.all([
      this.db
        .selectFrom('sync_state')
        .select(['enabled', 'initial_done', 'crm_cursor'])
        .where('org_id', '=', actor.orgId)
        .where('user_id', '=', actor.userId)
        .where('resource', '=', 'events')
        .executeTakeFirst(),
      scope('sync_links').select(['crm_id', 'updated_at']).execute(),
      scope('sync_pending').select('crm_id').execute(),
      this.db
        .selectFrom('conflicts')
        .select('crm_id')
        .where('org_id', '=', actor.orgId)
        .where('user_id', '=', actor.userId)
        .where('resource', '=', 'events')
        .where('crm_id', 'in', ids)
        .where('resolved_at', 'is', null)
        .execute(),
    ]);
    const linked = new Map(links.map((l) => [l.crm_id, new Date(l.updated_at).getTime()]));
    const waiting = new Set(pending.map((p) => p.crm_id));
    const conflicted = new Set(conflicts.map((c) => c.crm_id));
    const processedUpTo = state?.crm_cursor ? Number(state.crm_cursor) : undefined;
    for (const r of mine) {
      out.set(r.id, statusOf(r));
    }
    return out;

    function statusOf(r: CrmRecord & { seq: number }): EventSyncStatus {
      if (!eligible(r)) return { state: 'notSynced', reason: 'imported' };
      if (conflicted.has(r.id)) return { state: 'conflict' };
      if (!state?.enabled) return { state: 'notSynced', reason: 'syncOff' };
      const linkedAt = linked.get(r.id);
      if (linkedAt !== undefined) {
        return linkedAt >= Date.parse(r.updatedAt) ? { state: 'inOutlook' } : { state: 'waiting' };
      }
      if (waiting.has(r.id)) return { state: 'waiting' };
      // The engine has read the feed past this record's last change and did not take it.
      if (state.initial_done && processedUpTo !== undefined && r.seq <= processedUpTo) {
        return { state: 'notSynced', reason: 'beyondCap' };
      }
      return { state: 'waiting' };
    }
  }

  /** Changes one occurrence of a series (an exception); the rest of the series stays as it is. */
  async changeOccurrence(
    actor: Actor,
    id: string,
    date: string,
    change: OccurrenceChange,
    expectedVersion: number | undefined,
  ): Promise<CrmRecord> {
    return this.editOccurrence(actor, id, date, expectedVersion, (event, current) => {
      if (event.isAllDay && (change.start !== undefined || change.end !== undefined)) {
        throw badRequest('start/end: an occurrence of an all-day series keeps its day; change the series');
      }
      const next: OccurrenceException = { ...current, originalStartDate: date };
      delete next.cancelled;
      for (const [key, value] of Object.entries(change) as [keyof OccurrenceChange, unknown][]) {
        if (value !== undefined) (next as Record<string, unknown>)[key] = value;
      }
      if ((next.start === undefined) !== (next.end === undefined)) {
        next.start ??= occurrenceBound(event, date, 'start');
        next.end ??= occurrenceBound(event, date, 'end');
      }
      if (next.start && next.end && Date.parse(next.end) < Date.parse(next.start)) {
        throw badRequest('end must not be before start');
      }
      return next;
    });
  }

  /** Cancels one occurrence of a series. */
  async cancelOccurrence(
    actor: Actor,
    id: string,
    date: string,
    expectedVersion: number | undefined,
  ): Promise<CrmRecord> {
    return this.editOccurrence(actor, id, date, expectedVersion, () => ({
      originalStartDate: date,
      cancelled: true,
    }));
  }

  private async editOccurrence(
    actor: Actor,
    id: string,
    date: string,
    expectedVersion: number | undefined,
    edit: (event: StoredEvent, current: OccurrenceException | undefined) => OccurrenceException,
  ): Promise<CrmRecord> {
    const event = (await this.records.get(actor, 'events', id)) as StoredEvent;
    if (event.deletedAt) throw badRequest('This event is in the recycle bin; restore it first.');
    if (!event.recurrence) throw badRequest('date: this event is not a series; change the event itself');
    if (!isValidDate(date) || !isOccurrenceDate(event.recurrence, date)) {
      throw badRequest(`date: ${date} is not an occurrence of this series`);
    }
    const others = (event.exceptions ?? []).filter((x) => x.originalStartDate !== date);
    const current = (event.exceptions ?? []).find((x) => x.originalStartDate === date);
    const exceptions = [...others, edit(event, current)].sort((a, b) =>
      a.originalStartDate.localeCompare(b.originalStartDate),
    );
    // The version read here guards the write when the caller sent none: a change in between is a 412.
    return this.records.update(actor, 'events', id, { exceptions }, expectedVersion ?? event.version);
  }
}

/** The pattern's own start or end of the occurrence on `date` (for moving only one end of it). */
function occurrenceBound(event: StoredEvent, date: string, which: 'start' | 'end'): string {
  const items = eventOccurrences(
    { ...event, exceptions: [] },
    new Date(Date.parse(`${date}T00:00:00Z`) - 2 * 86_400_000),
    new Date(Date.parse(`${date}T00:00:00Z`) + 3 * 86_400_000),
  );
  const item = items.find((i) => i.occurrenceDate === date);
  if (!item) throw badRequest(`date: ${date} is not an occurrence of this series`);
  return item[which];
}

function parseOffset(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  if (!/^\d{1,6}$/.test(cursor)) throw badRequest('cursor must be a nextCursor returned by a previous call.');
  return Number(cursor);
}
