import { sql, type Kysely } from 'kysely';
import {
  crmContactFieldCatalogue,
  graphTargetsFor,
  validateContactFieldMapping,
  type ContactFieldMapping,
} from '../../domain/contact-field-mapping';
import { GRAPH_CONTACT_FIELDS } from '../../domain/graph-contact-fields';
import type { SyncReport } from '../../sync/engine';
import type { SyncResource } from '../../sync/model';
import {
  SYNC_RESOURCES,
  type ConflictPage,
  type ContactMappingView,
  type LastRun,
  type ResourceStatus,
} from '../../sync/sync-views';
import type { Actor } from '../auth/permissions';
import type { Database } from '../db/schema';
import { HttpError, notFound } from '../errors';
import { crmResource } from './sync-crm-port';
import { loadContactMapping, markRemap } from './sync-settings-port';

/** Failures kept with a run's summary; the count is always exact. */
const KEPT_FAILURES = 20;

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
      };
    }
    return out;
  }

  /** Keeps a runner's report as the resource's last run. */
  async recordRun(
    actor: Actor,
    resource: SyncResource,
    report: Omit<SyncReport, 'resource'> & { startedAt?: string; failureCount?: number },
  ): Promise<LastRun> {
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
