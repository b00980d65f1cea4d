import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { onRecordsWritten, type RecordsWritten } from '../services/record-events';
import type { SyncQueue } from './sync-queue';
import { activeSyncs, syncResourceOf, type WorkerLog } from './sync-worker';

/**
 * A committed CRM write, by any route (the web app, the API, an import, a mass update), asks for a
 * run of each owner's sync of that resource, when the owner has it on and the server holds their
 * credentials. The sync's own writes do not: they commit inside its transaction, not the service's.
 * Returns the unsubscribe.
 */
export function runSyncOnRecordWrites(db: Kysely<Database>, queue: SyncQueue, log?: WorkerLog): () => void {
  return onRecordsWritten(db, (event) => {
    requestForOwners(db, queue, event).catch((error: unknown) =>
      log?.warn(
        `A sync could not be queued after a CRM write: ${error instanceof Error ? error.message : String(error)}`,
      ),
    );
  });
}

export async function requestForOwners(
  db: Kysely<Database>,
  queue: SyncQueue,
  event: RecordsWritten,
): Promise<number> {
  const rows = await activeSyncs(db)
    .where('sync_state.org_id', '=', event.orgId)
    .where('sync_state.resource', '=', event.resource)
    .where('sync_state.user_id', 'in', event.ownerIds)
    .execute();
  let queued = 0;
  for (const row of rows) {
    const target = { orgId: row.org_id, userId: row.user_id, resource: syncResourceOf(row.resource) };
    if (await queue.request(target, 'crm-write')) queued++;
  }
  return queued;
}
