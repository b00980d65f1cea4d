import { sql, type Kysely } from 'kysely';
import {
  DEFAULT_CONTACT_FIELD_MAPPING,
  type ContactFieldMapping,
  type CustomFieldDefinition,
} from '../../domain/contact-field-mapping';
import type { CrmChange, Link } from '../../sync/changes';
import { createContactMapper, InvalidFieldMappingError } from '../../sync/mapping/contact-mapper';
import { createEventMapper } from '../../sync/mapping/event-mapper';
import type { SyncResource } from '../../sync/model';
import type {
  CrmCommit,
  CrmPort,
  EligibleRecords,
  FoundLinks,
  LinkQuery,
  Outcome,
  PendingWrite,
  SyncState,
} from '../../sync/ports';
import type { Actor } from '../auth/permissions';
import type { Database } from '../db/schema';
import { badRequest, HttpError } from '../errors';
import type { Fields } from './record-service';
import { crmResource, DbCrmPort, type CrmSnapshotMapper } from './sync-crm-port';

/**
 * The CRM side of one user's sync as every runner should open it: the user's own field mapping
 * (read afresh each time, so an edit takes effect on the next run) and the follow-up of a mapping
 * change (the linked records are read again under the new mapping).
 */

export interface StoredContactMapping {
  mapping: ContactFieldMapping;
  isDefault: boolean;
  customFields: CustomFieldDefinition[];
}

/** The user's contact field mapping (the default one unless they saved their own) and the org's custom fields. */
export async function loadContactMapping(db: Kysely<Database>, actor: Actor): Promise<StoredContactMapping> {
  const [row, customFields] = await Promise.all([
    db
      .selectFrom('field_mappings')
      .select('mapping')
      .where('org_id', '=', actor.orgId)
      .where('user_id', '=', actor.userId)
      .where('resource', '=', 'contacts')
      .executeTakeFirst(),
    db
      .selectFrom('custom_fields')
      .select(['key', 'label', 'type'])
      .where('org_id', '=', actor.orgId)
      .where('resource', '=', 'contacts')
      .orderBy('key')
      .execute(),
  ]);
  return row
    ? { mapping: row.mapping as ContactFieldMapping, isDefault: false, customFields }
    : { mapping: DEFAULT_CONTACT_FIELD_MAPPING, isDefault: true, customFields };
}

/**
 * The CRM half of the resource's mapper for this user. A snapshot the mapper cannot turn into CRM
 * fields fails its own commit as invalid input instead of the whole batch.
 */
export async function crmMapperFor(
  db: Kysely<Database>,
  actor: Actor,
  resource: SyncResource,
): Promise<CrmSnapshotMapper> {
  let mapper: CrmSnapshotMapper;
  if (resource === 'calendar') {
    mapper = createEventMapper();
  } else {
    const stored = await loadContactMapping(db, actor);
    try {
      mapper = createContactMapper(stored.mapping, {
        customFields: stored.customFields,
      });
    } catch (error) {
      if (!(error instanceof InvalidFieldMappingError)) throw error;
      // A custom field the mapping names may have gone since it was saved: the user must fix it first.
      throw new HttpError(409, 'invalid_mapping', `${error.message}. Edit or reset your field mapping.`);
    }
  }
  return {
    fields: mapper.fields,
    fromCrm: (record) => mapper.fromCrm(record),
    toCrm: (snapshot, changed) => {
      try {
        return mapper.toCrm(snapshot, changed);
      } catch (error) {
        if (error instanceof HttpError) throw error;
        throw badRequest(error instanceof Error ? error.message : 'The record cannot be mapped.');
      }
    },
  };
}

/** Status keys of `sync_state.status` this module owns. */
const REMAP = 'remapPending';

/** After a mapping change, the next run re-reads every linked item on both sides. */
export async function markRemap(db: Kysely<Database>, actor: Actor, resource: SyncResource): Promise<void> {
  await db
    .updateTable('sync_state')
    .set({
      delta_link: null,
      status: sql<string>`status || jsonb_build_object(${REMAP}::text, true)`,
      updated_at: sql<Date>`now()`,
    })
    .where('org_id', '=', actor.orgId)
    .where('user_id', '=', actor.userId)
    .where('resource', '=', crmResource(resource))
    .execute();
}

/**
 * `DbCrmPort` plus the follow-up of a mapping change: while a remap is pending, the change feed is
 * completed with every linked record read under the current mapping, so fields that became mapped
 * travel and fields that left the mapping leave the snapshots. The flag clears when a run stores its
 * CRM cursor, which the engine does only after a run with nothing left to retry.
 */
export class UserCrmPort implements CrmPort {
  readonly resource: SyncResource;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly actor: Actor,
    private readonly inner: DbCrmPort,
  ) {
    this.resource = inner.resource;
  }

  acquireLease(holder: string, ttlMs: number): Promise<boolean> {
    return this.inner.acquireLease(holder, ttlMs);
  }
  releaseLease(holder: string): Promise<void> {
    return this.inner.releaseLease(holder);
  }
  loadState(): Promise<SyncState> {
    return this.inner.loadState();
  }
  async saveState(patch: Partial<SyncState>): Promise<void> {
    await this.inner.saveState(patch);
    if (typeof patch.crmCursor === 'string') await this.clearRemap();
  }
  loadLinks(): Promise<Link[]> {
    return this.inner.loadLinks();
  }
  findLinks(query: LinkQuery): Promise<FoundLinks> {
    return this.inner.findLinks(query);
  }
  loadPending(): Promise<PendingWrite[]> {
    return this.inner.loadPending();
  }
  addPending(pending: readonly PendingWrite[]): Promise<void> {
    return this.inner.addPending(pending);
  }
  dropPending(crmIds: readonly string[]): Promise<void> {
    return this.inner.dropPending(crmIds);
  }
  async forget(): Promise<void> {
    await this.inner.forget();
    await this.clearRemap();
  }
  eligibleRecords(limit: number): Promise<EligibleRecords> {
    return this.inner.eligibleRecords(limit);
  }
  async changes(cursor: string): Promise<{ changes: CrmChange[]; cursor: string }> {
    const read = await this.inner.changes(cursor);
    if (!(await this.remapPending())) return read;
    const seen = new Set(read.changes.map((c) => c.crmId));
    const linked = (await this.inner.loadLinks()).map((l) => l.crmId).filter((id) => !seen.has(id));
    const reread = linked.length > 0 ? await this.inner.getRecords(linked) : [];
    return { changes: [...reread, ...read.changes], cursor: read.cursor };
  }
  getRecords(crmIds: readonly string[]): Promise<CrmChange[]> {
    return this.inner.getRecords(crmIds);
  }
  commit(commits: readonly CrmCommit[]): Promise<Outcome<{ crmId: string }>[]> {
    return this.inner.commit(commits);
  }

  private async remapPending(): Promise<boolean> {
    const row = await this.db
      .selectFrom('sync_state')
      .select(sql<boolean>`coalesce((status ->> ${REMAP})::boolean, false)`.as('remap'))
      .where('org_id', '=', this.actor.orgId)
      .where('user_id', '=', this.actor.userId)
      .where('resource', '=', crmResource(this.resource))
      .executeTakeFirst();
    return row?.remap === true;
  }

  private async clearRemap(): Promise<void> {
    await this.db
      .updateTable('sync_state')
      .set({ status: sql<string>`status - ${REMAP}::text` })
      .where('org_id', '=', this.actor.orgId)
      .where('user_id', '=', this.actor.userId)
      .where('resource', '=', crmResource(this.resource))
      .execute();
  }
}

/** The CRM port of one user and resource, over the database, with the user's current mapping. */
export async function openUserCrmPort(
  db: Kysely<Database>,
  actor: Actor,
  resource: SyncResource,
): Promise<UserCrmPort> {
  return new UserCrmPort(
    db,
    actor,
    new DbCrmPort(db, actor, resource, await crmMapperFor(db, actor, resource)),
  );
}

/**
 * The same port for calls that never map records (lease, state, links, pending, forget): it skips
 * reading the mapping, and a stray mapping call fails loudly.
 */
export function openUserCrmPortUnmapped(
  db: Kysely<Database>,
  actor: Actor,
  resource: SyncResource,
): UserCrmPort {
  const unmapped: CrmSnapshotMapper = {
    fields: [],
    fromCrm: () => {
      throw new Error('This port was opened without a mapper.');
    },
    toCrm: (): Partial<Fields> => {
      throw new Error('This port was opened without a mapper.');
    },
  };
  return new UserCrmPort(db, actor, new DbCrmPort(db, actor, resource, unmapped));
}
