import type { Kysely } from 'kysely';
import type { SyncEngine, SyncEngineOptions } from '../../sync/engine';
import type { GraphClient } from '../../sync/graph';
import type { SyncResource } from '../../sync/model';
import { createSyncEngine, mapperFor } from '../../sync/runner';
import { toPermissions, type Actor } from '../auth/permissions';
import type { Database } from '../db/schema';
import { badRequest, forbidden, notFound } from '../errors';
import { loadContactMapping, openUserCrmPort } from './sync-settings-port';

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

export interface SyncEngineSetup extends Omit<SyncEngineOptions, 'resource' | 'graph' | 'crm'> {
  db: Kysely<Database>;
  actor: Actor;
  resource: SyncResource;
  graph: GraphClient;
}

/**
 * The engine for one user and resource over the store and the user's Graph mailbox, with their stored
 * field mapping. The CRM side is the same port the HTTP routes serve, so a run here also follows up a
 * field-mapping change.
 */
export async function syncEngineFor(setup: SyncEngineSetup): Promise<SyncEngine> {
  const { db, actor, resource, graph, ...options } = setup;
  const stored = resource === 'contacts' ? await loadContactMapping(db, actor) : undefined;
  try {
    // Checked before anything else: a mapping that no longer validates (a custom field was removed)
    // must not start a sync.
    mapperFor(resource, stored?.mapping, stored?.customFields);
  } catch (error) {
    throw badRequest(error instanceof Error ? error.message : String(error));
  }
  return createSyncEngine({
    ...options,
    resource,
    graph,
    crm: await openUserCrmPort(db, actor, resource),
    contactMapping: stored?.mapping,
    customFields: stored?.customFields,
  });
}
