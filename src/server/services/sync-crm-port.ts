import { sql, type Kysely, type Transaction } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { recordIds, type Resource } from '../../domain/record';
import type { CrmChange, Link } from '../../sync/changes';
import type { ResourceMapper, Snapshot, SyncResource } from '../../sync/model';
import {
  EMPTY_STATE,
  type CrmCommit,
  type CrmPort,
  type EligibleRecords,
  type FoundLinks,
  type LinkQuery,
  type Outcome,
  type PendingWrite,
  type PortErrorKind,
  type SyncState,
} from '../../sync/ports';
import { completeSnapshot, normalizeSnapshot, snapshotHash } from '../../sync/snapshot';
import type { Actor } from '../auth/permissions';
import type { Database } from '../db/schema';
import { HttpError, refuseRepeats } from '../errors';
import { RecordService, type CrmRecord, type Fields } from './record-service';

/** The CRM half of a mapper: what the database port needs to turn records into snapshots and back. */
export type CrmSnapshotMapper = Pick<ResourceMapper<Fields, unknown>, 'fields' | 'fromCrm' | 'toCrm'>;

const FEED_PAGE = 1000;
const DELETE_PREFIX = 'delete:';
const IN_LIST = 500;

/** The CRM table behind a sync resource. */
export function crmResource(resource: SyncResource): Resource {
  return resource === 'calendar' ? 'events' : 'contacts';
}

const LINK_COLUMNS = ['crm_id', 'graph_id', 'snapshot', 'change_key'] as const;

function toLink(r: { crm_id: string; graph_id: string; snapshot: unknown; change_key: string | null }): Link {
  return { crmId: r.crm_id, graphId: r.graph_id, snapshot: r.snapshot as Snapshot, changeKey: r.change_key };
}

/**
 * `CrmPort` over the companion store, for runs inside the server or the CLI. Records go through the
 * record service (validation, change sequence, soft delete); every sync-state query is scoped by
 * organisation, user and resource. Each commit is one transaction: the record write, its link and its
 * conflicts land together or not at all.
 */
export class DbCrmPort implements CrmPort {
  private readonly table: Resource;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly actor: Actor,
    readonly resource: SyncResource,
    private readonly mapper: CrmSnapshotMapper,
  ) {
    this.table = crmResource(resource);
  }

  private scope() {
    return { org_id: this.actor.orgId, user_id: this.actor.userId, resource: this.table };
  }

  private async ensureState(db: Kysely<Database> = this.db): Promise<void> {
    await db
      .insertInto('sync_state')
      .values({ ...this.scope(), status: '{}' })
      .onConflict((oc) => oc.columns(['user_id', 'resource']).doNothing())
      .execute();
  }

  /** The lease this port took, to skip renewals while most of its time is left. */
  private held: { holder: string; ttlMs: number; at: number } | null = null;

  async acquireLease(holder: string, ttlMs: number): Promise<boolean> {
    const now = performance.now();
    if (this.held?.holder === holder && this.held.ttlMs === ttlMs && now - this.held.at < ttlMs / 2)
      return true;
    await this.ensureState();
    // The database's clock decides expiry, so runners on different machines agree on it.
    const row = await this.db
      .updateTable('sync_state')
      .set({
        lease_owner: holder,
        lease_expires_at: sql<Date>`now() + ${Math.max(1, Math.round(ttlMs))} * interval '1 millisecond'`,
      })
      .where('org_id', '=', this.actor.orgId)
      .where('user_id', '=', this.actor.userId)
      .where('resource', '=', this.table)
      .where((eb) =>
        eb.or([
          eb('lease_owner', 'is', null),
          eb('lease_owner', '=', holder),
          eb('lease_expires_at', '<', sql<Date>`now()`),
        ]),
      )
      .returning('lease_owner')
      .executeTakeFirst();
    this.held = row ? { holder, ttlMs, at: now } : null;
    return row !== undefined;
  }

  async releaseLease(holder: string): Promise<void> {
    this.held = null;
    await this.db
      .updateTable('sync_state')
      .set({ lease_owner: null, lease_expires_at: null })
      .where('org_id', '=', this.actor.orgId)
      .where('user_id', '=', this.actor.userId)
      .where('resource', '=', this.table)
      .where('lease_owner', '=', holder)
      .execute();
  }

  async loadState(): Promise<SyncState> {
    const row = await this.db
      .selectFrom('sync_state')
      .select(['enabled', 'container_id', 'delta_link', 'crm_cursor', 'initial_done'])
      .where('org_id', '=', this.actor.orgId)
      .where('user_id', '=', this.actor.userId)
      .where('resource', '=', this.table)
      .executeTakeFirst();
    if (!row) return { ...EMPTY_STATE };
    return {
      enabled: row.enabled,
      containerId: row.container_id,
      graphCursor: row.delta_link,
      crmCursor: row.crm_cursor,
      initialDone: row.initial_done,
    };
  }

  async saveState(patch: Partial<SyncState>): Promise<void> {
    await this.ensureState();
    const set: Record<string, unknown> = {};
    if (patch.enabled !== undefined) set.enabled = patch.enabled;
    if (patch.containerId !== undefined) set.container_id = patch.containerId;
    if (patch.graphCursor !== undefined) set.delta_link = patch.graphCursor;
    if (patch.crmCursor !== undefined) set.crm_cursor = patch.crmCursor;
    if (patch.initialDone !== undefined) set.initial_done = patch.initialDone;
    await this.db
      .updateTable('sync_state')
      .set({ ...set, updated_at: sql<Date>`now()` })
      .where('org_id', '=', this.actor.orgId)
      .where('user_id', '=', this.actor.userId)
      .where('resource', '=', this.table)
      .execute();
  }

  /** This user's links of this resource (narrowed further by the caller). */
  private links() {
    return this.db
      .selectFrom('sync_links')
      .where('org_id', '=', this.actor.orgId)
      .where('user_id', '=', this.actor.userId)
      .where('resource', '=', this.table);
  }

  async loadLinks(): Promise<Link[]> {
    const rows = await this.links().select(LINK_COLUMNS).execute();
    return rows.map(toLink);
  }

  async findLinks(query: LinkQuery): Promise<FoundLinks> {
    const found = new Map<string, Link>();
    const lookups: [column: 'crm_id' | 'graph_id', ids: readonly string[]][] = [
      ['crm_id', recordIds(query.crmIds)],
      ['graph_id', [...new Set(query.graphIds)]],
    ];
    for (const [column, ids] of lookups) {
      for (let i = 0; i < ids.length; i += IN_LIST) {
        const rows = await this.links()
          .select(LINK_COLUMNS)
          .where(column, 'in', ids.slice(i, i + IN_LIST))
          .execute();
        for (const r of rows) found.set(r.crm_id, toLink(r));
      }
    }
    const count = await this.links()
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    return { links: [...found.values()], total: Number(count.n) };
  }

  async loadPending(): Promise<PendingWrite[]> {
    const rows = await this.db
      .selectFrom('sync_pending')
      .select(['crm_id', 'transaction_id'])
      .where('org_id', '=', this.actor.orgId)
      .where('user_id', '=', this.actor.userId)
      .where('resource', '=', this.table)
      .execute();
    return rows.map((r) =>
      r.transaction_id.startsWith(DELETE_PREFIX)
        ? { crmId: r.crm_id, kind: 'delete', graphId: r.transaction_id.slice(DELETE_PREFIX.length) }
        : { crmId: r.crm_id, kind: 'create', transactionId: r.transaction_id },
    );
  }

  async addPending(pending: readonly PendingWrite[]): Promise<void> {
    checkUniquePending(pending);
    for (let i = 0; i < pending.length; i += IN_LIST) {
      await this.db
        .insertInto('sync_pending')
        .values(
          pending.slice(i, i + IN_LIST).map((p) => ({
            ...this.scope(),
            crm_id: p.crmId,
            // One column holds both kinds: a create's transactionId, or the item a delete targets.
            transaction_id: p.kind === 'create' ? p.transactionId : `${DELETE_PREFIX}${p.graphId}`,
          })),
        )
        .onConflict((oc) =>
          oc
            .columns(['org_id', 'user_id', 'resource', 'crm_id'])
            .doUpdateSet({ transaction_id: (eb) => eb.ref('excluded.transaction_id') }),
        )
        .execute();
    }
  }

  async dropPending(crmIds: readonly string[]): Promise<void> {
    for (let i = 0; i < crmIds.length; i += IN_LIST) {
      await this.db
        .deleteFrom('sync_pending')
        .where('org_id', '=', this.actor.orgId)
        .where('user_id', '=', this.actor.userId)
        .where('resource', '=', this.table)
        .where('crm_id', 'in', crmIds.slice(i, i + IN_LIST))
        .execute();
    }
  }

  async forget(): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      for (const table of ['sync_links', 'sync_pending'] as const) {
        await trx
          .deleteFrom(table)
          .where('org_id', '=', this.actor.orgId)
          .where('user_id', '=', this.actor.userId)
          .where('resource', '=', this.table)
          .execute();
      }
      await trx
        .updateTable('sync_state')
        .set({
          enabled: false,
          container_id: null,
          delta_link: null,
          crm_cursor: null,
          initial_done: false,
          updated_at: sql<Date>`now()`,
        })
        .where('org_id', '=', this.actor.orgId)
        .where('user_id', '=', this.actor.userId)
        .where('resource', '=', this.table)
        .execute();
    });
  }

  /**
   * The user's own eligible records: origin import/migration only once mass-updated. Events: those not
   * yet ended, soonest first, then the most recently ended; contacts: the most recently changed first.
   */
  async eligibleRecords(limit: number): Promise<EligibleRecords> {
    const org = await this.db
      .selectFrom('orgs')
      .select('change_seq')
      .where('id', '=', this.actor.orgId)
      .executeTakeFirstOrThrow();
    const cursor = String(Number(org.change_seq));
    const records: { crmId: string; snapshot: Snapshot }[] = [];
    const push = (rows: { id: string; data: Record<string, unknown> }[]) => {
      for (const r of rows) records.push({ crmId: r.id, snapshot: this.snapshot(r.data) });
    };
    if (this.table === 'events') {
      const base = () =>
        this.db
          .selectFrom('events')
          .select(['id', 'data'])
          .where('org_id', '=', this.actor.orgId)
          .where('owner_id', '=', this.actor.userId)
          .where('deleted_at', 'is', null)
          .where((eb) =>
            eb.or([eb('origin', 'not in', ['import', 'migration']), eb('mass_updated_at', 'is not', null)]),
          );
      push(
        await base()
          .where((eb) => eb.or([eb('end_at', 'is', null), eb('end_at', '>=', sql<Date>`now()`)]))
          .orderBy('start_at')
          .orderBy('id')
          .limit(limit)
          .execute(),
      );
      if (records.length < limit) {
        push(
          await base()
            .where('end_at', '<', sql<Date>`now()`)
            .orderBy('end_at', 'desc')
            .orderBy('id')
            .limit(limit - records.length)
            .execute(),
        );
      }
    } else {
      push(
        await this.db
          .selectFrom('contacts')
          .select(['id', 'data'])
          .where('org_id', '=', this.actor.orgId)
          .where('owner_id', '=', this.actor.userId)
          .where('deleted_at', 'is', null)
          .where((eb) =>
            eb.or([eb('origin', 'not in', ['import', 'migration']), eb('mass_updated_at', 'is not', null)]),
          )
          .orderBy('updated_at', 'desc')
          .orderBy('id')
          .limit(limit)
          .execute(),
      );
    }
    return { records, cursor };
  }

  async changes(cursor: string): Promise<{ changes: CrmChange[]; cursor: string }> {
    const service = new RecordService(this.db);
    const changes: CrmChange[] = [];
    let at = cursor;
    for (;;) {
      const page = await service.changes(this.actor, this.table, at, FEED_PAGE, this.actor.userId);
      for (const record of page.changes) if (eligible(record)) changes.push(this.change(record));
      at = page.cursor;
      if (!page.hasMore) break;
    }
    return { changes, cursor: at };
  }

  async getRecords(ids: readonly string[]): Promise<CrmChange[]> {
    const crmIds = recordIds(ids);
    const out: CrmChange[] = [];
    for (let i = 0; i < crmIds.length; i += IN_LIST) {
      const rows = await this.db
        .selectFrom(this.table === 'events' ? 'events' : 'contacts')
        .select(['id', 'data', 'deleted_at', 'origin', 'mass_updated_at'])
        .where('org_id', '=', this.actor.orgId)
        .where('owner_id', '=', this.actor.userId)
        .where('id', 'in', crmIds.slice(i, i + IN_LIST))
        .execute();
      for (const r of rows) {
        if (['import', 'migration'].includes(r.origin) && !r.mass_updated_at) continue;
        const snapshot = this.snapshot(r.data);
        out.push(r.deleted_at ? { crmId: r.id, deleted: true, snapshot } : { crmId: r.id, snapshot });
      }
    }
    return out;
  }

  async commit(commits: readonly CrmCommit[]): Promise<Outcome<{ crmId: string }>[]> {
    checkUniqueCommits(commits);
    const outcomes: Outcome<{ crmId: string }>[] = new Array(commits.length);
    // Link-only commits (after Outlook writes) cannot break a CRM rule: one transaction takes them all.
    const linkOnly: { index: number; crmId: string; commit: CrmCommit }[] = [];
    commits.forEach((c, index) => {
      const crmId = c.link?.crmId;
      if (!c.record && crmId) linkOnly.push({ index, crmId, commit: c });
    });
    if (linkOnly.length > 0) {
      await this.db.transaction().execute((trx) => this.writeLinks(trx, linkOnly));
      for (const l of linkOnly) outcomes[l.index] = { ok: true, value: { crmId: l.crmId } };
    }
    for (let index = 0; index < commits.length; index++) {
      if (outcomes[index]) continue;
      const c = commits[index] as CrmCommit;
      try {
        const crmId = await this.db.transaction().execute(async (trx) => {
          const id = await this.writeRecord(trx, c);
          await this.writeLinks(trx, [{ crmId: id, commit: c }]);
          return id;
        });
        outcomes[index] = { ok: true, value: { crmId } };
      } catch (error) {
        // Rules of the CRM (validation, permissions) fail one item; anything else stops the run.
        if (!(error instanceof HttpError)) throw error;
        outcomes[index] = { ok: false, error: { kind: kindOf(error), message: error.message } };
      }
    }
    return outcomes;
  }

  /** Applies a commit's record write; returns the record's id (the new one for a create). */
  private async writeRecord(trx: Transaction<Database>, c: CrmCommit): Promise<string> {
    const records = new RecordService(trx);
    const w = c.record;
    if (w?.op === 'create') {
      const created = await records.create(this.actor, this.table, {
        fields: this.mapper.toCrm(completeSnapshot(w.snapshot, this.mapper.fields)) as Fields,
        origin: 'sync',
      });
      return created.id;
    }
    if (w?.op === 'update') {
      if (w.restore) await records.restore(this.actor, this.table, w.crmId);
      if (w.fields.length > 0) {
        await records.update(
          this.actor,
          this.table,
          w.crmId,
          this.mapper.toCrm(completeSnapshot(w.snapshot, this.mapper.fields), w.fields) as Fields,
        );
      }
      return w.crmId;
    }
    if (w?.op === 'delete') {
      await records.remove(this.actor, this.table, w.crmId, undefined, true);
      return w.crmId;
    }
    const crmId = c.link?.crmId;
    if (!crmId) throw new Error('A sync commit needs a record id.');
    return crmId;
  }

  /** Stores or removes the links of these commits and records their conflicts, in a few statements. */
  private async writeLinks(
    trx: Transaction<Database>,
    items: readonly { crmId: string; commit: CrmCommit }[],
  ): Promise<void> {
    const saves = items.flatMap(({ crmId, commit }) => {
      if (commit.link?.op !== 'save') return [];
      const snapshot = normalizeSnapshot(commit.link.snapshot);
      return [
        {
          ...this.scope(),
          crm_id: crmId,
          graph_id: commit.link.graphId,
          change_key: commit.link.changeKey,
          snapshot: JSON.stringify(snapshot),
          snapshot_hash: snapshotHash(snapshot),
        },
      ];
    });
    const removes = items.filter((i) => i.commit.link?.op === 'remove').map((i) => i.crmId);
    const conflicts = items.flatMap((i) => i.commit.conflicts ?? []);
    for (let i = 0; i < saves.length; i += IN_LIST) {
      const chunk = saves.slice(i, i + IN_LIST);
      await trx
        .insertInto('sync_links')
        .values(chunk)
        .onConflict((oc) =>
          oc.columns(['user_id', 'resource', 'crm_id']).doUpdateSet((eb) => ({
            graph_id: eb.ref('excluded.graph_id'),
            change_key: eb.ref('excluded.change_key'),
            snapshot: eb.ref('excluded.snapshot'),
            snapshot_hash: eb.ref('excluded.snapshot_hash'),
            updated_at: sql<Date>`now()`,
          })),
        )
        .execute();
      // A stored link settles the record's pending create.
      await trx
        .deleteFrom('sync_pending')
        .where('org_id', '=', this.actor.orgId)
        .where('user_id', '=', this.actor.userId)
        .where('resource', '=', this.table)
        .where(
          'crm_id',
          'in',
          chunk.map((r) => r.crm_id),
        )
        .execute();
    }
    for (let i = 0; i < removes.length; i += IN_LIST) {
      for (const table of ['sync_links', 'sync_pending'] as const) {
        await trx
          .deleteFrom(table)
          .where('org_id', '=', this.actor.orgId)
          .where('user_id', '=', this.actor.userId)
          .where('resource', '=', this.table)
          .where('crm_id', 'in', removes.slice(i, i + IN_LIST))
          .execute();
      }
    }
    for (let i = 0; i < conflicts.length; i += IN_LIST) {
      await trx
        .insertInto('conflicts')
        .values(
          conflicts.slice(i, i + IN_LIST).map((x) => ({
            id: uuidv7(),
            ...this.scope(),
            crm_id: x.crmId,
            field: x.field,
            crm_value: JSON.stringify(x.crmValue),
            graph_value: JSON.stringify(x.graphValue),
            winner: x.winner,
          })),
        )
        .execute();
    }
  }

  private snapshot(data: Record<string, unknown>): Snapshot {
    return normalizeSnapshot(this.mapper.fromCrm(data));
  }

  private change(record: CrmRecord): CrmChange {
    return record.deletedAt
      ? { crmId: record.id, deleted: true, snapshot: this.snapshot(record) }
      : { crmId: record.id, snapshot: this.snapshot(record) };
  }
}

/**
 * Refuses a batch that names one id twice where the store keeps one row per id: one pending write per
 * record (and per Outlook item a delete targets); one link per Outlook item. Checked before anything
 * is written, so a refused batch writes nothing. `where` names the list in the message (e.g.
 * `body.pending`).
 */
export function checkUniquePending(pending: readonly PendingWrite[], where = 'pending'): void {
  refuseRepeats(
    where,
    'crmId',
    pending.map((p) => p.crmId),
  );
  refuseRepeats(
    where,
    'graphId',
    pending.map((p) => (p.kind === 'delete' ? p.graphId : undefined)),
  );
}

/**
 * Commits that write a record apply one by one, in order, so several may be about one record. A
 * link-only commit is written with the others of its kind in one statement, before the rest: it must
 * be the only commit about its record. And one Outlook item is linked to one record only.
 */
export function checkUniqueCommits(commits: readonly CrmCommit[], where = 'commits'): void {
  // A create's record gets its id from the store; its position stands for it.
  const recordOf = (c: CrmCommit, index: number) =>
    c.record ? (c.record.op === 'create' ? `#${index}` : c.record.crmId) : c.link?.crmId;
  const records = commits.map(recordOf);
  const linkOnly = new Set(commits.flatMap((c, i) => (c.record ? [] : [records[i]])));
  refuseRepeats(
    where,
    'crmId',
    records.map((id) => (id !== undefined && linkOnly.has(id) ? id : undefined)),
  );
  const saved = commits.map((c) => (c.link?.op === 'save' ? c.link.graphId : undefined));
  const owners = new Map<string, Set<string | undefined>>();
  saved.forEach((graphId, i) => {
    if (graphId !== undefined) owners.set(graphId, (owners.get(graphId) ?? new Set()).add(records[i]));
  });
  refuseRepeats(
    where,
    'link.graphId',
    saved.map((graphId) => (graphId !== undefined && owners.get(graphId)!.size > 1 ? graphId : undefined)),
  );
}

/** Imports and migrations stay out of the sync unless a mass update touched them. */
export function eligible(record: CrmRecord): boolean {
  return !['import', 'migration'].includes(record.origin) || record.massUpdatedAt !== null;
}

function kindOf(error: HttpError): PortErrorKind {
  switch (error.statusCode) {
    case 400:
      return 'invalid';
    case 404:
      return 'notFound';
    case 409:
    case 412:
      return 'conflict';
    default:
      return 'permanent';
  }
}
