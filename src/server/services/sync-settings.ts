import { sql, type Kysely } from 'kysely';
import {
  crmContactFieldCatalogue,
  graphTargetsFor,
  validateContactFieldMapping,
  type ContactFieldMapping,
} from '../../domain/contact-field-mapping';
import { GRAPH_CONTACT_FIELDS } from '../../domain/graph-contact-fields';
import type { SyncReport } from '../../sync/engine';
import type { FieldValue, SyncResource } from '../../sync/model';
import { completeSnapshot, normalizeSnapshot } from '../../sync/snapshot';
import {
  SYNC_RESOURCES,
  type ConflictPage,
  type ContactMappingView,
  type LastRun,
  type ResourceStatus,
  type RunError,
} from '../../sync/sync-views';
import type { Actor } from '../auth/permissions';
import type { Database } from '../db/schema';
import { HttpError, notFound } from '../errors';
import { RecordService, type Fields } from './record-service';
import { crmResource } from './sync-crm-port';
import { crmMapperFor, loadContactMapping, markRemap } from './sync-settings-port';
import { healthOf } from './sync-health';

/** Failures kept with a run's summary; the count is always exact. */
const KEPT_FAILURES = 20;

/** Origins whose records stay out of the sync until a mass update touches them. */
const IMPORTED = ['import', 'migration'] as const;

/** Which side's value of a conflict the user keeps. */
export type ConflictChoice = 'crm' | 'graph';

/** What the "Microsoft integration" page reads and edits: status, last runs, field mapping, conflicts. */
export class SyncSettingsService {
  constructor(private readonly db: Kysely<Database>) {}

  async overview(actor: Actor): Promise<Record<SyncResource, ResourceStatus>> {
    const [states, open] = await Promise.all([
      this.db
        .selectFrom('sync_state')
        .select([
          'resource',
          'enabled',
          'initial_done',
          'status',
          sql<boolean>`lease_owner is not null and lease_expires_at > now()`.as('running'),
        ])
        .where('org_id', '=', actor.orgId)
        .where('user_id', '=', actor.userId)
        .execute(),
      this.db
        .selectFrom('conflicts')
        .select(['resource', (eb) => eb.fn.countAll<string>().as('n')])
        .where('org_id', '=', actor.orgId)
        .where('user_id', '=', actor.userId)
        .where('resolved_at', 'is', null)
        .groupBy('resource')
        .execute(),
    ]);
    const imported = await Promise.all(
      SYNC_RESOURCES.map((resource) =>
        this.importedQuery(actor, resource)
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirst(),
      ),
    );
    const health = await healthOf(this.db, actor);
    const out = {} as Record<SyncResource, ResourceStatus>;
    for (const resource of SYNC_RESOURCES) {
      const table = crmResource(resource);
      const row = states.find((s) => s.resource === table);
      const status = (row?.status ?? {}) as { lastRun?: LastRun };
      out[resource] = {
        enabled: row?.enabled ?? false,
        initialDone: row?.initial_done ?? false,
        running: row?.running ?? false,
        lastRun: status.lastRun ?? null,
        openConflicts: Number(open.find((o) => o.resource === table)?.n ?? 0),
        health: health[resource],
        importedNotSynced: Number(imported[SYNC_RESOURCES.indexOf(resource)]?.n ?? 0),
      };
    }
    return out;
  }

  /** Keeps a runner's report as the resource's last run. */
  async recordRun(
    actor: Actor,
    resource: SyncResource,
    report: Omit<SyncReport, 'resource' | 'outcome'> & {
      outcome: LastRun['outcome'];
      startedAt?: string;
      failureCount?: number;
      error?: RunError;
    },
  ): Promise<LastRun> {
    if ((report.outcome === 'failed') !== (report.error !== undefined)) {
      throw new HttpError(400, 'invalid_request', 'body.error is given exactly when body.outcome is failed');
    }
    const lastRun: LastRun = {
      at: new Date().toISOString(),
      startedAt: report.startedAt ?? null,
      mode: report.mode,
      outcome: report.outcome,
      applied: report.applied,
      conflicts: report.conflicts,
      failureCount: Math.max(report.failureCount ?? 0, report.failures.length),
      failures: report.failures.slice(0, KEPT_FAILURES),
      refused: report.refused,
      ...(report.error ? { error: report.error } : {}),
    };
    const scope = { org_id: actor.orgId, user_id: actor.userId, resource: crmResource(resource) };
    await this.db
      .insertInto('sync_state')
      .values({ ...scope, status: JSON.stringify({ lastRun }) })
      .onConflict((oc) =>
        oc.columns(['user_id', 'resource']).doUpdateSet({
          status: sql<string>`sync_state.status || jsonb_build_object('lastRun', ${JSON.stringify(lastRun)}::jsonb)`,
        }),
      )
      .execute();
    return lastRun;
  }

  async contactMapping(actor: Actor): Promise<ContactMappingView> {
    const { mapping, isDefault, customFields } = await loadContactMapping(this.db, actor);
    const crmFields = crmContactFieldCatalogue(customFields);
    const targets: Record<string, string[]> = {};
    for (const field of crmFields) {
      targets[field.key] = graphTargetsFor(field.key, { customFields, mapping }).map((g) => g.id);
    }
    return {
      mapping,
      isDefault,
      crmFields,
      graphFields: GRAPH_CONTACT_FIELDS.filter((g) => g.mappable),
      targets,
      customFields,
    };
  }

  /** Saves the user's mapping; the next run re-reads the linked contacts under it. */
  async saveContactMapping(actor: Actor, mapping: Record<string, string>): Promise<ContactMappingView> {
    const { mapping: current, customFields } = await loadContactMapping(this.db, actor);
    const problems = validateContactFieldMapping(mapping, customFields);
    if (problems.length > 0) throw new HttpError(400, 'invalid_mapping', problems.join('; '));
    const changed = !sameMapping(current, mapping);
    if (changed) await this.refuseWhileRunning(actor);
    await this.db
      .insertInto('field_mappings')
      .values({
        org_id: actor.orgId,
        user_id: actor.userId,
        resource: 'contacts',
        mapping: JSON.stringify(mapping),
      })
      .onConflict((oc) =>
        oc
          .columns(['user_id', 'resource'])
          .doUpdateSet({ mapping: JSON.stringify(mapping), updated_at: sql<Date>`now()` }),
      )
      .execute();
    if (changed) await markRemap(this.db, actor, 'contacts');
    return this.contactMapping(actor);
  }

  /** Back to the default mapping. */
  async resetContactMapping(actor: Actor): Promise<ContactMappingView> {
    const { isDefault } = await loadContactMapping(this.db, actor);
    if (!isDefault) {
      await this.refuseWhileRunning(actor);
      await this.db
        .deleteFrom('field_mappings')
        .where('org_id', '=', actor.orgId)
        .where('user_id', '=', actor.userId)
        .where('resource', '=', 'contacts')
        .execute();
      await markRemap(this.db, actor, 'contacts');
    }
    return this.contactMapping(actor);
  }

  /** Open conflicts, newest first; `before` pages on from the last id seen. */
  async conflicts(
    actor: Actor,
    resource: SyncResource,
    options: { limit: number; before?: string },
  ): Promise<ConflictPage> {
    let query = this.db
      .selectFrom('conflicts')
      .select(['id', 'crm_id', 'field', 'crm_value', 'graph_value', 'winner', 'created_at'])
      .where('org_id', '=', actor.orgId)
      .where('user_id', '=', actor.userId)
      .where('resource', '=', crmResource(resource))
      .where('resolved_at', 'is', null)
      .orderBy('id', 'desc')
      .limit(options.limit + 1);
    if (options.before) query = query.where('id', '<', options.before);
    const rows = await query.execute();
    const page = rows.slice(0, options.limit);
    const labels = await this.recordLabels(actor, resource, [...new Set(page.map((r) => r.crm_id))]);
    return {
      items: page.map((r) => ({
        id: r.id,
        crmId: r.crm_id,
        record: labels.get(r.crm_id) ?? null,
        field: r.field,
        crmValue: r.crm_value,
        graphValue: r.graph_value,
        winner: r.winner,
        losingValue: r.winner === 'crm' ? r.graph_value : r.crm_value,
        createdAt: new Date(r.created_at).toISOString(),
      })),
      next: rows.length > options.limit ? (page[page.length - 1]?.id ?? null) : null,
    };
  }

  /** What the page calls each of the user's records: a contact's name (or email, or company), an event's title. */
  private async recordLabels(
    actor: Actor,
    resource: SyncResource,
    ids: string[],
  ): Promise<Map<string, { label: string; deleted: boolean }>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db
      .selectFrom(crmResource(resource))
      .select(['id', 'data', 'deleted_at'])
      .where('org_id', '=', actor.orgId)
      .where('owner_id', '=', actor.userId)
      .where('id', 'in', ids)
      .execute();
    return new Map(
      rows.map((r) => [r.id, { label: recordLabel(resource, r.data), deleted: r.deleted_at !== null }]),
    );
  }

  /** Marks a conflict reviewed; another user's (or resource's) conflict is not found. */
  async dismissConflict(actor: Actor, resource: SyncResource, id: string): Promise<void> {
    const row = await this.db
      .updateTable('conflicts')
      .set({ resolved_at: sql<Date>`coalesce(resolved_at, now())` })
      .where('org_id', '=', actor.orgId)
      .where('user_id', '=', actor.userId)
      .where('resource', '=', crmResource(resource))
      .where('id', '=', id)
      .returning('id')
      .executeTakeFirst();
    if (!row) throw notFound('Conflict');
  }

  /**
   * Settles a conflict with the value of the side the user chose: that value is written into the
   * Tandem record as an ordinary edit (so the next run carries it to Outlook, or finds both sides
   * already equal), and the conflict is closed, in one transaction.
   */
  async resolveConflict(
    actor: Actor,
    resource: SyncResource,
    id: string,
    use: ConflictChoice,
  ): Promise<void> {
    const table = crmResource(resource);
    const mapper = await crmMapperFor(this.db, actor, resource);
    await this.db.transaction().execute(async (trx) => {
      const conflict = await trx
        .selectFrom('conflicts')
        .select(['crm_id', 'field', 'crm_value', 'graph_value'])
        .where('org_id', '=', actor.orgId)
        .where('user_id', '=', actor.userId)
        .where('resource', '=', table)
        .where('id', '=', id)
        .where('resolved_at', 'is', null)
        .forUpdate()
        .executeTakeFirst();
      if (!conflict) throw notFound('Conflict');
      const record = await trx
        .selectFrom(table)
        .select(['data', 'deleted_at'])
        .where('org_id', '=', actor.orgId)
        .where('owner_id', '=', actor.userId)
        .where('id', '=', conflict.crm_id)
        .executeTakeFirst();
      if (!record || record.deleted_at !== null) {
        throw new HttpError(
          409,
          'record_deleted',
          'The record of this conflict was deleted: restore it to choose a value, or dismiss the conflict.',
        );
      }
      if (!mapper.fields.includes(conflict.field)) {
        throw new HttpError(
          409,
          'field_not_synced',
          `${conflict.field} no longer syncs under your field mapping: dismiss the conflict.`,
        );
      }
      const value = (use === 'crm' ? conflict.crm_value : conflict.graph_value) as FieldValue;
      const snapshot = completeSnapshot(
        { ...normalizeSnapshot(mapper.fromCrm(record.data)), [conflict.field]: value },
        mapper.fields,
      );
      const patch = mapper.toCrm(snapshot, [conflict.field]) as Fields;
      await new RecordService(trx).update(actor, table, conflict.crm_id, patch);
      await trx
        .updateTable('conflicts')
        .set({ resolved_at: sql<Date>`now()` })
        .where('org_id', '=', actor.orgId)
        .where('id', '=', id)
        .execute();
    });
  }

  /**
   * Ids of the user's imported records that do not sync yet, at most `limit`, and how many there are:
   * a mass update of them (`POST /api/{contacts,events}/mass-update`) makes them sync.
   */
  async importedNotSynced(
    actor: Actor,
    resource: SyncResource,
    limit: number,
  ): Promise<{ ids: string[]; total: number }> {
    const [rows, count] = await Promise.all([
      this.importedQuery(actor, resource).select('id').orderBy('id').limit(limit).execute(),
      this.importedQuery(actor, resource)
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirst(),
    ]);
    return { ids: rows.map((r) => r.id), total: Number(count?.n ?? 0) };
  }

  private importedQuery(actor: Actor, resource: SyncResource) {
    return this.db
      .selectFrom(crmResource(resource))
      .where('org_id', '=', actor.orgId)
      .where('owner_id', '=', actor.userId)
      .where('deleted_at', 'is', null)
      .where('origin', 'in', IMPORTED)
      .where('mass_updated_at', 'is', null);
  }

  /** A run in progress would mix the two mappings and then clear the re-read: edit between runs. */
  private async refuseWhileRunning(actor: Actor): Promise<void> {
    const running = await this.db
      .selectFrom('sync_state')
      .select('lease_owner')
      .where('org_id', '=', actor.orgId)
      .where('user_id', '=', actor.userId)
      .where('resource', '=', 'contacts')
      .where('lease_owner', 'is not', null)
      .where('lease_expires_at', '>', sql<Date>`now()`)
      .executeTakeFirst();
    if (running) {
      throw new HttpError(
        409,
        'sync_running',
        'A contact sync is running; change the field mapping when it has finished.',
      );
    }
  }
}

function recordLabel(resource: SyncResource, data: Record<string, unknown>): string {
  const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
  if (resource === 'calendar') return text(data.title);
  const name = [data.firstName, data.lastName].map(text).filter(Boolean).join(' ');
  return name || text(data.email) || text(data.accountName);
}

function sameMapping(a: ContactFieldMapping, b: ContactFieldMapping): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => a[k] === b[k]);
}
