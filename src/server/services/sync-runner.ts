import type { Kysely } from 'kysely';
import type { ContactFieldMapping, CustomFieldDefinition } from '../../domain/contact-field-mapping';
import { SyncEngine, type SyncEngineOptions } from '../../sync/engine';
import type { GraphClient } from '../../sync/graph';
import { createCalendarGraphPort, createContactsGraphPort } from '../../sync/graph-port';
import { createContactMapper } from '../../sync/mapping/contact-mapper';
import { createEventMapper } from '../../sync/mapping/event-mapper';
import type { SyncResource } from '../../sync/model';
import { toPermissions, type Actor } from '../auth/permissions';
import type { Database } from '../db/schema';
import { badRequest, forbidden, notFound } from '../errors';
import { openUserCrmPort } from './sync-settings-port';

/** The member behind an email address, as the actor the sync runs for (CLI and server runs). */
export async function actorForEmail(db: Kysely<Database>, email: string): Promise<Actor> {
  const row = await db
    .selectFrom('users')
    .innerJoin('profiles', 'profiles.id', 'users.profile_id')
    .select([
      'users.id',
      'users.org_id',
      'users.email',
      'users.is_super_admin',
      'users.status',
      'profiles.permissions',
    ])
    .where((eb) => eb(eb.fn('lower', ['users.email']), '=', email.toLowerCase()))
    .executeTakeFirst();
  if (!row) throw notFound(`Tandem user ${email}`);
  if (row.status !== 'active') throw forbidden(`The Tandem account of ${email} has been deactivated.`);
  return {
    userId: row.id,
    orgId: row.org_id,
    email: row.email,
    isSuperAdmin: row.is_super_admin,
    permissions: toPermissions(row.permissions),
  };
}

/** The user's contact field mapping (the default one until they edit it) with the org's custom fields. */
export async function contactMapperFor(db: Kysely<Database>, actor: Actor) {
  const stored = await db
    .selectFrom('field_mappings')
    .select('mapping')
    .where('org_id', '=', actor.orgId)
    .where('user_id', '=', actor.userId)
    .where('resource', '=', 'contacts')
    .executeTakeFirst();
  const customFields: CustomFieldDefinition[] = await db
    .selectFrom('custom_fields')
    .select(['key', 'label', 'type'])
    .where('org_id', '=', actor.orgId)
    .where('resource', '=', 'contacts')
    .execute();
  try {
    return stored
      ? createContactMapper(stored.mapping as ContactFieldMapping, { customFields })
      : createContactMapper(undefined, { customFields });
  } catch (error) {
    // A mapping that no longer validates (a custom field was removed) must not start a sync.
    throw badRequest(error instanceof Error ? error.message : String(error));
  }
}

export interface SyncEngineSetup extends Omit<SyncEngineOptions, 'resource' | 'graph' | 'crm'> {
  db: Kysely<Database>;
  actor: Actor;
  resource: SyncResource;
  graph: GraphClient;
}

/**
 * The engine for one user and resource over the store and the user's Graph mailbox. The CRM side is
 * the same port the HTTP routes serve, so a run here also follows up a field-mapping change.
 */
export async function syncEngineFor(setup: SyncEngineSetup): Promise<SyncEngine> {
  const { db, actor, resource, graph, ...options } = setup;
  if (resource === 'calendar') {
    const mapper = createEventMapper();
    return new SyncEngine({
      ...options,
      resource,
      crm: await openUserCrmPort(db, actor, resource),
      graph: createCalendarGraphPort({ client: graph, mapper }),
    });
  }
  const mapper = await contactMapperFor(db, actor);
  return new SyncEngine({
    ...options,
    resource,
    crm: await openUserCrmPort(db, actor, resource),
    graph: createContactsGraphPort({ client: graph, mapper }),
  });
}
