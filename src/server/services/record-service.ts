import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Origin, RecordMeta, Resource } from '../../domain/record';
import type { Database } from '../db/schema';
import { hasPermission, type Actor } from '../auth/permissions';
import type { ContactSort, ContactSyncStatus } from '../../domain/contact-list';
import { CONTACT_NAME_KEY } from '../db/migrations/007-contact-search';
import { badRequest, conflict, forbidden, notFound, preconditionFailed } from '../errors';
import { allocateSeq } from './change-sequence';
import { announceRecordsWritten } from './record-events';
import { RESOURCE_DEFINITIONS, type ResourceDefinition } from './resources';

export type Fields = Record<string, unknown>;
export type CrmRecord = RecordMeta & Fields;

export interface CreateInput {
  fields: Fields;
  ownerId?: string | undefined;
  origin: Origin;
}

export interface ListOptions {
  limit: number;
  cursor?: string | undefined;
  /** `me`, `all` (needs view-all) or a user id. */
  owner: string;
  deleted: boolean;
}

export interface ContactSearch {
  limit: number;
  offset: number;
  owner: string;
  deleted: boolean;
  q?: string | undefined;
  sort?: ContactSort | undefined;
  dir?: 'asc' | 'desc' | undefined;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface ChangesPage {
  changes: CrmRecord[];
  cursor: string;
  hasMore: boolean;
}

type Db = Kysely<Database> | Transaction<Database>;
type RecordRow = Selectable<Database['contacts']>;
// Both record tables share these columns; queries are written once against the contacts shape.
type RecordTable = 'contacts';

/**
 * CRM contacts and events: one service, scoped on every query by the caller's organisation, with
 * ownership rules, optimistic concurrency, soft delete and the per-organisation change sequence.
 */
export class RecordService {
  constructor(private readonly db: Kysely<Database>) {}

  /** The database (or transaction) this service works on, for the services built beside it. */
  get database(): Kysely<Database> {
    return this.db;
  }

  /**
   * Runs `work` in a transaction, joining the caller's when the service was built on one. Once a
   * transaction of its own commits, the owners whose records `work` wrote are announced (background
   * sync listens); writes joined to a caller's transaction (the sync's own) are the caller's to tell.
   */
  private async transact<T>(
    actor: Actor,
    resource: Resource,
    work: (trx: Transaction<Database>, wrote: (ownerId: string) => void) => Promise<T>,
  ): Promise<T> {
    if (this.db.isTransaction) return work(this.db as Transaction<Database>, () => {});
    const owners = new Set<string>();
    const result = await this.db.transaction().execute((trx) => work(trx, (owner) => owners.add(owner)));
    announceRecordsWritten(this.db, { orgId: actor.orgId, resource, ownerIds: [...owners] });
    return result;
  }

  async create(actor: Actor, resource: Resource, input: CreateInput): Promise<CrmRecord> {
    const [record] = await this.createMany(actor, resource, [input]);
    return record as CrmRecord;
  }

  /** Creates all records or none (bulk import uses this with origin `import` or `migration`). */
  async createMany(actor: Actor, resource: Resource, inputs: CreateInput[]): Promise<CrmRecord[]> {
    const def = RESOURCE_DEFINITIONS[resource];
    const prepared = inputs.map((input, index) => {
      const data = clean(input.fields);
      const problem = def.problem(data);
      if (problem) throw badRequest(inputs.length > 1 ? `records[${index}]: ${problem}` : problem);
      return { input, data };
    });
    return this.transact(actor, resource, async (trx, wrote) => {
      await this.checkOwners(
        trx,
        actor,
        prepared.map((p) => p.input.ownerId),
      );
      await this.checkCustomFields(
        trx,
        actor,
        resource,
        prepared.map((p) => p.data),
      );
      if (prepared.length === 0) return [];
      const last = await allocateSeq(trx, actor.orgId, prepared.length);
      const first = last - prepared.length + 1;
      const rows = prepared.map(({ input, data }, i) => ({
        id: uuidv7(),
        org_id: actor.orgId,
        owner_id: input.ownerId ?? actor.userId,
        origin: input.origin,
        seq: first + i,
        data: JSON.stringify(data),
        created_by: actor.userId,
        ...def.columns(data),
      }));
      const inserted: RecordRow[] = [];
      // Chunked so a large import stays under the parameter limit of one statement.
      for (let i = 0; i < rows.length; i += 500) {
        const chunk = rows.slice(i, i + 500);
        inserted.push(...(await trx.insertInto(table(def)).values(chunk).returningAll().execute()));
      }
      for (const row of rows) wrote(row.owner_id);
      return inserted.map(toRecord);
    });
  }

  async get(actor: Actor, resource: Resource, id: string): Promise<CrmRecord> {
    return toRecord(
      await this.findVisible(this.db, actor, RESOURCE_DEFINITIONS[resource], id, { includeDeleted: true }),
    );
  }

  async list(actor: Actor, resource: Resource, options: ListOptions): Promise<Page<CrmRecord>> {
    const def = RESOURCE_DEFINITIONS[resource];
    let query = this.db
      .selectFrom(table(def))
      .selectAll()
      .where('org_id', '=', actor.orgId)
      .where('deleted_at', options.deleted ? 'is not' : 'is', null)
      .orderBy('id')
      .limit(options.limit + 1);
    const owner = this.ownerFilter(actor, options.owner);
    if (owner) query = query.where('owner_id', '=', owner);
    if (options.cursor) query = query.where('id', '>', options.cursor);
    const rows = await query.execute();
    const items = rows.slice(0, options.limit).map(toRecord);
    return { items, nextCursor: rows.length > options.limit ? (items[items.length - 1]?.id ?? null) : null };
  }

  /** Applies a partial change; `null` clears a field. An edit that changes nothing writes nothing. */
  async update(
    actor: Actor,
    resource: Resource,
    id: string,
    patch: Fields,
    expectedVersion?: number,
  ): Promise<CrmRecord> {
    const def = RESOURCE_DEFINITIONS[resource];
    return this.transact(actor, resource, async (trx, wrote) => {
      const row = await this.findModifiable(trx, actor, def, id, expectedVersion);
      if (row.deleted_at) throw notFound(def.label);
      const data = applyPatch(row.data, patch);
      if (sameJson(data, row.data)) return toRecord(row);
      const problem = def.problem(data);
      if (problem) throw badRequest(problem);
      await this.checkCustomFields(trx, actor, resource, [data]);
      const seq = await allocateSeq(trx, actor.orgId, 1);
      const updated = await trx
        .updateTable(table(def))
        .set({
          data: JSON.stringify(data),
          version: sql`version + 1`,
          seq,
          updated_at: sql`now()`,
          ...def.columns(data),
        })
        .where('org_id', '=', actor.orgId)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      wrote(updated.owner_id);
      return toRecord(updated);
    });
  }

  /** Moves a record to the recycle bin; `bySync` marks deletions made by the sync engine. */
  async remove(
    actor: Actor,
    resource: Resource,
    id: string,
    expectedVersion?: number,
    bySync = false,
  ): Promise<void> {
    const def = RESOURCE_DEFINITIONS[resource];
    await this.transact(actor, resource, async (trx, wrote) => {
      const row = await this.findModifiable(trx, actor, def, id, expectedVersion);
      if (row.deleted_at) return;
      wrote(row.owner_id);
      const seq = await allocateSeq(trx, actor.orgId, 1);
      await trx
        .updateTable(table(def))
        .set({
          deleted_at: sql`now()`,
          deleted_by_sync: bySync,
          version: sql`version + 1`,
          seq,
          updated_at: sql`now()`,
        })
        .where('org_id', '=', actor.orgId)
        .where('id', '=', id)
        .execute();
    });
  }

  async restore(actor: Actor, resource: Resource, id: string): Promise<CrmRecord> {
    const def = RESOURCE_DEFINITIONS[resource];
    return this.transact(actor, resource, async (trx, wrote) => {
      const row = await this.findModifiable(trx, actor, def, id);
      if (!row.deleted_at) return toRecord(row);
      wrote(row.owner_id);
      const seq = await allocateSeq(trx, actor.orgId, 1);
      const restored = await trx
        .updateTable(table(def))
        .set({
          deleted_at: null,
          deleted_by_sync: false,
          version: sql`version + 1`,
          seq,
          updated_at: sql`now()`,
        })
        .where('org_id', '=', actor.orgId)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      return toRecord(restored);
    });
  }

  /** Applies one change to many records and stamps them as mass-updated (which makes imports syncable). */
  async massUpdate(actor: Actor, resource: Resource, ids: string[], patch: Fields): Promise<number> {
    const def = RESOURCE_DEFINITIONS[resource];
    const unique = [...new Set(ids)];
    return this.transact(actor, resource, async (trx, wrote) => {
      const rows = await trx
        .selectFrom(table(def))
        .selectAll()
        .where('org_id', '=', actor.orgId)
        .where('id', 'in', unique)
        .where('deleted_at', 'is', null)
        .forUpdate()
        .execute();
      const byId = new Map(rows.map((r) => [r.id, r]));
      const changes = unique.map((id) => {
        const row = byId.get(id);
        if (!row || !this.canView(actor, row)) throw notFound(`${def.label} ${id}`);
        if (!this.canModify(actor, row))
          throw forbidden(`You cannot change ${def.label.toLowerCase()} ${id}.`);
        const data = applyPatch(row.data, patch);
        const problem = def.problem(data);
        if (problem) throw badRequest(`${def.label} ${id}: ${problem}`);
        wrote(row.owner_id);
        return { id, data };
      });
      await this.checkCustomFields(
        trx,
        actor,
        resource,
        changes.map((c) => c.data),
      );
      const last = await allocateSeq(trx, actor.orgId, changes.length);
      let seq = last - changes.length + 1;
      for (const change of changes) {
        await trx
          .updateTable(table(def))
          .set({
            data: JSON.stringify(change.data),
            version: sql`version + 1`,
            seq: seq++,
            updated_at: sql`now()`,
            mass_updated_at: sql`now()`,
            ...def.columns(change.data),
          })
          .where('org_id', '=', actor.orgId)
          .where('id', '=', change.id)
          .execute();
      }
      return changes.length;
    });
  }

  /**
   * What changed since `cursor` (a sequence number), oldest first, deletions included. Reads the
   * (org_id, seq) index from the cursor on, so the cost follows the number of changes.
   */
  async changes(
    actor: Actor,
    resource: Resource,
    cursor: string | undefined,
    limit: number,
    owner: string,
  ): Promise<ChangesPage> {
    const def = RESOURCE_DEFINITIONS[resource];
    const after = parseCursor(cursor);
    let query = this.db
      .selectFrom(table(def))
      .selectAll()
      .where('org_id', '=', actor.orgId)
      .where('seq', '>', after)
      .orderBy('seq')
      .limit(limit + 1);
    const ownerId = this.ownerFilter(actor, owner);
    if (ownerId) query = query.where('owner_id', '=', ownerId);
    const rows = await query.execute();
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      changes: page.map(toRecord),
      cursor: String(last ? Number(last.seq) : after),
      hasMore: rows.length > limit,
    };
  }

  /**
   * The contacts list of the workspace: a page at an offset with the total, searched by the start of
   * a first or last name, email or company (every word must match one of them), in a chosen order.
   * Each searched field and the name order have an index (migration 007-contact-search).
   */
  async searchContacts(actor: Actor, options: ContactSearch): Promise<{ items: CrmRecord[]; total: number }> {
    let query = this.db
      .selectFrom('contacts')
      .where('org_id', '=', actor.orgId)
      .where('deleted_at', options.deleted ? 'is not' : 'is', null);
    const owner = this.ownerFilter(actor, options.owner);
    if (owner) query = query.where('owner_id', '=', owner);
    for (const word of searchWords(options.q)) {
      const prefix = `${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query = query.where(
        sql<boolean>`(${sql.join(
          SEARCHED_KEYS.map((key) => sql`lower(data->>${sql.lit(key)}) like ${prefix}`),
          sql` or `,
        )})`,
      );
    }
    const counted = await query.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    const desc = options.dir === 'desc';
    let page = query.selectAll();
    for (const key of sortKeys(options.sort ?? 'name', options.deleted)) {
      page = page.orderBy(key, desc ? 'desc' : 'asc');
    }
    const rows = await page
      .orderBy('id', desc ? 'desc' : 'asc')
      .limit(options.limit)
      .offset(options.offset)
      .execute();
    return { items: rows.map(toRecord), total: Number(counted.n) };
  }

  /**
   * Deletes a record in the recycle bin for good (its owner, or with "modify all records"). Refused
   * while a sync link still points at it: its deletion has not reached Outlook yet.
   */
  async purge(actor: Actor, resource: Resource, id: string): Promise<void> {
    const def = RESOURCE_DEFINITIONS[resource];
    await this.transact(actor, resource, async (trx) => {
      const row = await this.findModifiable(trx, actor, def, id);
      if (!row.deleted_at) {
        throw conflict(`Only a ${def.label.toLowerCase()} in the recycle bin can be deleted for good.`);
      }
      const linked = await trx
        .selectFrom('sync_links')
        .select('crm_id')
        .where('org_id', '=', actor.orgId)
        .where('resource', '=', resource)
        .where('crm_id', '=', id)
        .executeTakeFirst();
      if (linked) {
        throw conflict(
          `The ${def.label.toLowerCase()} is still in an Outlook mailbox: it can be deleted for good once the next sync has removed it there.`,
        );
      }
      await trx.deleteFrom('conflicts').where('org_id', '=', actor.orgId).where('crm_id', '=', id).execute();
      await trx.deleteFrom(table(def)).where('org_id', '=', actor.orgId).where('id', '=', id).execute();
    });
  }

  /**
   * Where each contact stands with the caller's Outlook. `eligible` is the sync's own rule for which
   * records may sync at all (passed in so the rule is written once, next to the sync port).
   */
  async contactSyncStatuses(
    actor: Actor,
    records: readonly CrmRecord[],
    eligible: (record: CrmRecord) => boolean,
  ): Promise<Map<string, ContactSyncStatus>> {
    const out = new Map<string, ContactSyncStatus>();
    const mine = records.filter((r) => r.ownerId === actor.userId && !r.deletedAt).map((r) => r.id);
    // The caller's contacts among `mine` that have a row in one of the sync's per-user tables.
    const idsIn = (from: 'sync_links' | 'sync_pending' | 'conflicts') => {
      let query = this.db
        .selectFrom(from)
        .select('crm_id')
        .where('org_id', '=', actor.orgId)
        .where('user_id', '=', actor.userId)
        .where('resource', '=', 'contacts')
        .where('crm_id', 'in', mine);
      if (from === 'conflicts') query = query.where('resolved_at', 'is', null);
      return query.execute().then((rows) => new Set(rows.map((r) => r.crm_id)));
    };
    const state = await this.db
      .selectFrom('sync_state')
      .select(['enabled', 'initial_done', 'crm_cursor'])
      .where('org_id', '=', actor.orgId)
      .where('user_id', '=', actor.userId)
      .where('resource', '=', 'contacts')
      .executeTakeFirst();
    const [linked, pending, conflicted, seqs] =
      mine.length === 0
        ? [new Set<string>(), new Set<string>(), new Set<string>(), new Map<string, number>()]
        : await Promise.all([
            idsIn('sync_links'),
            idsIn('sync_pending'),
            idsIn('conflicts'),
            this.db
              .selectFrom('contacts')
              .select(['id', 'seq'])
              .where('org_id', '=', actor.orgId)
              .where('id', 'in', mine)
              .execute()
              .then((rows) => new Map(rows.map((r) => [r.id, Number(r.seq)]))),
          ]);
    const cursor = state?.crm_cursor && /^\d+$/.test(state.crm_cursor) ? Number(state.crm_cursor) : 0;
    for (const record of records) {
      out.set(
        record.id,
        ((): ContactSyncStatus => {
          if (record.deletedAt) return { state: 'not_synced', reason: 'deleted' };
          if (record.ownerId !== actor.userId) return { state: 'not_synced', reason: 'not_yours' };
          if (!eligible(record)) return { state: 'not_synced', reason: 'imported' };
          if (!state?.enabled) return { state: 'not_synced', reason: 'sync_off' };
          if (linked.has(record.id)) return { state: conflicted.has(record.id) ? 'conflict' : 'synced' };
          if (pending.has(record.id) || !state.initial_done) return { state: 'waiting' };
          // Changed since the last run read the CRM: the next run sends it.
          if ((seqs.get(record.id) ?? 0) > cursor) return { state: 'waiting' };
          return { state: 'not_synced', reason: 'beyond_cap' };
        })(),
      );
    }
    return out;
  }

  /** Whose contacts the caller may list: everyone active with "view all records", else only themselves. */
  async contactOwners(actor: Actor): Promise<{ id: string; displayName: string; email: string }[]> {
    let query = this.db
      .selectFrom('users')
      .select(['id', 'display_name', 'email'])
      .where('org_id', '=', actor.orgId)
      .where('status', '=', 'active')
      .orderBy('display_name')
      .orderBy('id');
    if (!hasPermission(actor, 'view_all_records')) query = query.where('id', '=', actor.userId);
    const rows = await query.limit(500).execute();
    return rows.map((r) => ({ id: r.id, displayName: r.display_name, email: r.email }));
  }

  /**
   * Live events whose stored span (`start_at`..`end_at`, open-ended for series without an end date)
   * comes within a day of `[from, to)`: the candidates a calendar window expands. Read through the
   * (org_id, owner_id, start_at) index; `seq` comes along for the sync status.
   */
  async eventsInWindow(
    actor: Actor,
    window: { from: Date; to: Date; owner: string },
  ): Promise<(CrmRecord & { seq: number })[]> {
    const slack = 86_400_000;
    let query = this.db
      .selectFrom('events')
      .selectAll()
      .where('org_id', '=', actor.orgId)
      .where('deleted_at', 'is', null)
      .where('start_at', '<', new Date(window.to.getTime() + slack))
      .where((eb) =>
        eb.or([eb('end_at', 'is', null), eb('end_at', '>', new Date(window.from.getTime() - slack))]),
      )
      .orderBy('start_at')
      .orderBy('id');
    const owner = this.ownerFilter(actor, window.owner);
    if (owner) query = query.where('owner_id', '=', owner);
    const rows = await query.execute();
    return rows.map((row) => ({ ...toRecord(row), seq: Number(row.seq) }));
  }

  /** Records of other owners are visible with "view all records"; owners always see their own. */
  private ownerFilter(actor: Actor, owner: string): string | undefined {
    if (owner === 'me') return actor.userId;
    if (owner === 'all') return hasPermission(actor, 'view_all_records') ? undefined : actor.userId;
    if (owner !== actor.userId && !hasPermission(actor, 'view_all_records')) {
      throw forbidden('Seeing the records of other users needs the "view_all_records" permission.');
    }
    return owner;
  }

  private canView(actor: Actor, row: RecordRow): boolean {
    return row.owner_id === actor.userId || hasPermission(actor, 'view_all_records');
  }

  private canModify(actor: Actor, row: RecordRow): boolean {
    return row.owner_id === actor.userId || hasPermission(actor, 'modify_all_records');
  }

  private async findVisible(
    db: Db,
    actor: Actor,
    def: ResourceDefinition,
    id: string,
    { includeDeleted, lock }: { includeDeleted: boolean; lock?: boolean },
  ): Promise<RecordRow> {
    let query = db.selectFrom(table(def)).selectAll().where('org_id', '=', actor.orgId).where('id', '=', id);
    if (lock) query = query.forUpdate();
    const row = await query.executeTakeFirst();
    // Another organisation's record, or one the caller may not see, is simply not there.
    if (!row || !this.canView(actor, row) || (!includeDeleted && row.deleted_at)) throw notFound(def.label);
    return row;
  }

  private async findModifiable(
    trx: Db,
    actor: Actor,
    def: ResourceDefinition,
    id: string,
    expectedVersion?: number,
  ): Promise<RecordRow> {
    const row = await this.findVisible(trx, actor, def, id, { includeDeleted: true, lock: true });
    if (!this.canModify(actor, row)) throw forbidden(`You cannot change this ${def.label.toLowerCase()}.`);
    if (expectedVersion !== undefined && row.version !== expectedVersion) {
      throw preconditionFailed(
        `The ${def.label.toLowerCase()} was changed by someone else (version ${row.version}, not ${expectedVersion}). Reload it and try again.`,
      );
    }
    return row;
  }

  private async checkOwners(trx: Db, actor: Actor, ownerIds: (string | undefined)[]): Promise<void> {
    const others = [...new Set(ownerIds.filter((o): o is string => Boolean(o) && o !== actor.userId))];
    if (others.length === 0) return;
    if (!hasPermission(actor, 'modify_all_records')) {
      throw forbidden('Creating records for other users needs the "modify_all_records" permission.');
    }
    const found = await trx
      .selectFrom('users')
      .select('id')
      .where('org_id', '=', actor.orgId)
      .where('id', 'in', others)
      .where('status', '=', 'active')
      .execute();
    const known = new Set(found.map((f) => f.id));
    const unknown = others.find((o) => !known.has(o));
    if (unknown) throw badRequest(`ownerId ${unknown} is not an active member of your organisation.`);
  }

  private async checkCustomFields(
    trx: Db,
    actor: Actor,
    resource: Resource,
    records: Fields[],
  ): Promise<void> {
    const used = new Set(
      records.flatMap((r) => Object.keys((r.custom as Record<string, unknown> | undefined) ?? {})),
    );
    if (used.size === 0) return;
    const defs = await trx
      .selectFrom('custom_fields')
      .select(['key', 'type'])
      .where('org_id', '=', actor.orgId)
      .where('resource', '=', resource)
      .execute();
    const types = new Map(defs.map((d) => [d.key, d.type]));
    for (const record of records) {
      for (const [key, value] of Object.entries(
        (record.custom as Record<string, unknown> | undefined) ?? {},
      )) {
        const type = types.get(key);
        if (!type) throw badRequest(`custom.${key} is not a custom field of your organisation.`);
        if (!customValueFits(type, value)) throw badRequest(`custom.${key} must be a ${type}.`);
      }
    }
  }
}

/** The contact fields the list searches, each with its own index. */
const SEARCHED_KEYS = ['firstName', 'lastName', 'email', 'accountName'] as const;

/** Up to five lower-cased words of a search text. */
function searchWords(q: string | undefined): string[] {
  return (q ?? '').trim().toLowerCase().split(/\s+/).filter(Boolean).slice(0, 5);
}

function sortKeys(sort: ContactSort, deleted: boolean) {
  const name = sql.raw(CONTACT_NAME_KEY);
  switch (sort) {
    case 'company':
      return [sql`lower(coalesce(data->>'accountName', ''))`, name];
    case 'email':
      return [sql`lower(coalesce(data->>'email', ''))`];
    case 'updated':
      return [sql`${sql.ref(deleted ? 'deleted_at' : 'updated_at')}`];
    case 'created':
      return [sql`created_at`];
    default:
      return [name];
  }
}

function table(_def: ResourceDefinition): RecordTable {
  return _def.resource as RecordTable;
}

function customValueFits(type: string, value: unknown): boolean {
  switch (type) {
    case 'number':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'date':
      return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value);
    default:
      return typeof value === 'string';
  }
}

/**
 * A change-feed position as `changes` reads it; anything else is refused naming `field`. Whatever
 * stores a cursor for later checks it here first, so a stored cursor is always one `changes` accepts.
 */
export function parseCursor(cursor: string | undefined, field = 'cursor'): number {
  if (cursor === undefined || cursor === '') return 0;
  if (!/^\d{1,15}$/.test(cursor)) throw badRequest(`${field} must be a cursor returned by a previous call.`);
  return Number(cursor);
}

/** Stored data holds no nulls: an absent field and a cleared one are the same. */
function clean(fields: Fields): Fields {
  const out: Fields = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === null || value === undefined) continue;
    if (key === 'custom' && typeof value === 'object') {
      const custom = clean(value as Fields);
      if (Object.keys(custom).length > 0) out.custom = custom;
      continue;
    }
    out[key] = value;
  }
  return out;
}

function applyPatch(current: Fields, patch: Fields): Fields {
  const merged: Fields = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (key === 'custom' && value && typeof value === 'object') {
      merged.custom = { ...((current.custom as Fields | undefined) ?? {}), ...(value as Fields) };
    } else {
      merged[key] = value;
    }
  }
  return clean(merged);
}

function sameJson(a: unknown, b: unknown): boolean {
  return stableStringify(a) === stableStringify(b);
}

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Fields)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function toRecord(row: RecordRow): CrmRecord {
  return {
    ...row.data,
    id: row.id,
    ownerId: row.owner_id,
    origin: row.origin as Origin,
    version: row.version,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    massUpdatedAt: row.mass_updated_at ? iso(row.mass_updated_at) : null,
    deletedAt: row.deleted_at ? iso(row.deleted_at) : null,
  };
}

function iso(value: Date | string): string {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}
