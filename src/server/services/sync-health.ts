import type { Kysely } from 'kysely';
import type { SyncResource } from '../../sync/model';
import type { SyncHealthView, SyncRunView, UserSyncHealth } from '../../sync/sync-views';
import { SYNC_RESOURCES } from '../../sync/sync-views';
import type { Actor } from '../auth/permissions';
import type { Database } from '../db/schema';
import { toLanguage } from '../mail/mail-templates';
import { enqueueMail } from '../mail/outbox';
import { countHit } from '../plugins/rate-limit';
import { SYNC_QUEUE, syncKey, type SyncQueue, type SyncTarget } from '../worker/sync-queue';
import { SignInRequiredError, type GraphTokenProvider, type SyncUser } from '../worker/token-provider';
import { crmResource } from './sync-crm-port';

/**
 * How each user's background sync fares (from `sync_health`, written by the worker), what the user
 * and their administrators see of it, and the ways back to health: the one reconnect mail a day, the
 * on-behalf-of exchange run again when the user next opens Tandem, and "Sync now" run by the server.
 */

/** The reconnect mail goes at most once per user in this window, counted in the shared database. */
export const RECONNECT_MAIL_WINDOW_MS = 24 * 60 * 60_000;

/** A "Sync now" asked of the server jumps ahead of debounced and backstop runs. */
export const RUN_NOW_PRIORITY = 10;

/** What the routes need of background sync in this process (absent until it has started). */
export interface ServerSyncAccess {
  queue: SyncQueue;
  tokens: GraphTokenProvider;
}

/** Background sync as the routes reach it: set once it has started (it needs the open store). */
export class LateServerSyncAccess {
  target: ServerSyncAccess | undefined;
}

const tableOf = crmResource;
const resourceOf = (table: 'contacts' | 'events'): SyncResource =>
  table === 'events' ? 'calendar' : 'contacts';

/** The user's sync health per resource (`GET /api/sync`); null where the server never ran it. */
export async function healthOf(
  db: Kysely<Database>,
  actor: Pick<Actor, 'orgId' | 'userId'>,
): Promise<Record<SyncResource, SyncHealthView | null>> {
  const rows = await db
    .selectFrom('sync_health')
    .selectAll()
    .where('org_id', '=', actor.orgId)
    .where('user_id', '=', actor.userId)
    .execute();
  const out = {} as Record<SyncResource, SyncHealthView | null>;
  for (const resource of SYNC_RESOURCES) {
    const row = rows.find((r) => r.resource === tableOf(resource));
    out[resource] = row ? toView(row) : null;
  }
  return out;
}

/** Every user of the caller's organisation with their sync health (the admins' "Sync health" list). */
export async function orgHealth(db: Kysely<Database>, orgId: string): Promise<UserSyncHealth[]> {
  const [users, rows] = await Promise.all([
    db
      .selectFrom('users')
      .select(['id', 'email', 'display_name', 'status'])
      .where('org_id', '=', orgId)
      .orderBy('display_name')
      .orderBy('id')
      .execute(),
    db.selectFrom('sync_health').selectAll().where('org_id', '=', orgId).execute(),
  ]);
  return users.map((user) => {
    const health = {} as Record<SyncResource, SyncHealthView | null>;
    for (const resource of SYNC_RESOURCES) {
      const row = rows.find((r) => r.user_id === user.id && r.resource === tableOf(resource));
      health[resource] = row ? toView(row) : null;
    }
    return {
      userId: user.id,
      email: user.email,
      displayName: user.display_name,
      active: user.status === 'active',
      health,
    };
  });
}

function toView(row: {
  state: SyncHealthView['state'];
  last_success_at: Date | string | null;
  last_attempt_at: Date | string | null;
  lag_ms: number | null;
  failures: number;
  last_error: string | null;
}): SyncHealthView {
  return {
    state: row.state,
    lastSuccessAt: iso(row.last_success_at),
    lastAttemptAt: iso(row.last_attempt_at),
    lagMs: row.lag_ms,
    failures: row.failures,
    lastError: row.state === 'ok' || row.state === 'off' ? null : row.last_error,
  };
}

function iso(value: Date | string | null): string | null {
  return value === null ? null : new Date(value).toISOString();
}

/**
 * The server can no longer get a token for the user (called before the health records it): queues
 * the reconnect mail, in the user's language, once as a sync turns to `needs_sign_in`, and never
 * twice within a day. The day is counted in the shared database by one
 * atomic upsert, so however many runs and replicas notice it at once, one mail goes.
 */
export async function mailReconnect(
  db: Kysely<Database>,
  target: Pick<SyncTarget, 'orgId' | 'userId'>,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const user = await trx
      .selectFrom('users')
      .innerJoin('orgs', 'orgs.id', 'users.org_id')
      .select(['users.email', 'users.language', 'users.status', 'orgs.name as orgName'])
      .where('users.org_id', '=', target.orgId)
      .where('users.id', '=', target.userId)
      .executeTakeFirst();
    if (!user || user.status !== 'active') return false;
    // Already told: a sync of the user is waiting for them to sign in.
    const waiting = await trx
      .selectFrom('sync_health')
      .select('resource')
      .where('org_id', '=', target.orgId)
      .where('user_id', '=', target.userId)
      .where('state', '=', 'needs_sign_in')
      .executeTakeFirst();
    if (waiting) return false;
    const hit = await countHit(trx, `sync-reconnect-mail|${target.userId}`, RECONNECT_MAIL_WINDOW_MS);
    if (hit.current !== 1) return false;
    await enqueueMail(trx, {
      orgId: target.orgId,
      to: user.email,
      language: toLanguage(user.language),
      template: 'sync_reconnect',
      params: { orgName: user.orgName },
    });
    return true;
  });
}

/** The user's identity at Microsoft, when their account is linked and active. */
async function syncUserOf(
  db: Kysely<Database>,
  actor: Pick<Actor, 'orgId' | 'userId'>,
): Promise<SyncUser | undefined> {
  const row = await db
    .selectFrom('users')
    .select(['ms_tenant_id', 'ms_object_id', 'status'])
    .where('org_id', '=', actor.orgId)
    .where('id', '=', actor.userId)
    .executeTakeFirst();
  if (!row || row.status !== 'active' || !row.ms_tenant_id || !row.ms_object_id) return undefined;
  return { orgId: actor.orgId, userId: actor.userId, tenantId: row.ms_tenant_id, objectId: row.ms_object_id };
}

export type ReconnectOutcome = 'reconnected' | 'not-needed' | 'unavailable' | 'refused';

/**
 * Opening Tandem is enough to mend a sync that needs the user to sign in again: with the caller's
 * fresh Tandem API token the server runs the on-behalf-of exchange again and asks for a run of each
 * sync that was waiting, which records it healthy. Nothing happens when no sync needs it.
 */
export async function reconnect(
  db: Kysely<Database>,
  access: ServerSyncAccess | undefined,
  actor: Pick<Actor, 'orgId' | 'userId'>,
  apiToken: string | undefined,
): Promise<{ outcome: ReconnectOutcome; reason?: string }> {
  const waiting = await db
    .selectFrom('sync_health')
    .innerJoin('sync_state', (join) =>
      join
        .onRef('sync_state.user_id', '=', 'sync_health.user_id')
        .onRef('sync_state.resource', '=', 'sync_health.resource'),
    )
    .select('sync_health.resource')
    .where('sync_health.org_id', '=', actor.orgId)
    .where('sync_health.user_id', '=', actor.userId)
    .where('sync_health.state', '=', 'needs_sign_in')
    .where('sync_state.enabled', '=', true)
    .execute();
  if (waiting.length === 0) return { outcome: 'not-needed' };
  const user = await syncUserOf(db, actor);
  if (!access || !user || !apiToken) return { outcome: 'unavailable' };
  try {
    await access.tokens.connect(user, apiToken);
  } catch (error) {
    if (error instanceof SignInRequiredError) return { outcome: 'refused', reason: error.message };
    throw error;
  }
  for (const row of waiting)
    await access.queue.request(
      { orgId: actor.orgId, userId: actor.userId, resource: resourceOf(row.resource) },
      'requested',
      0,
    );
  return { outcome: 'reconnected' };
}

/**
 * "Sync now" on the server: a run of the user's sync at once, ahead of other waiting runs. Answers
 * the run's id, or undefined when the server holds no access for the user (the taskpane runs it).
 */
export async function runNow(
  db: Kysely<Database>,
  access: ServerSyncAccess | undefined,
  actor: Pick<Actor, 'orgId' | 'userId'>,
  resource: SyncResource,
): Promise<string | undefined> {
  if (!access) return undefined;
  const state = await db
    .selectFrom('sync_state')
    .select('enabled')
    .where('org_id', '=', actor.orgId)
    .where('user_id', '=', actor.userId)
    .where('resource', '=', tableOf(resource))
    .executeTakeFirst();
  const user = await syncUserOf(db, actor);
  if (!state?.enabled || !user || !(await access.tokens.holds(user))) return undefined;
  const target: SyncTarget = { orgId: actor.orgId, userId: actor.userId, resource };
  const { boss } = access.queue;
  const id = await boss.send(
    SYNC_QUEUE,
    { ...target, trigger: 'requested', at: new Date().toISOString() },
    { singletonKey: syncKey(target), priority: RUN_NOW_PRIORITY },
  );
  if (id) return id;
  // A run already waits (its debounce, or a retry): bring it forward and report that one.
  const [waiting] = await boss.findJobs(SYNC_QUEUE, { key: syncKey(target), queued: true });
  if (!waiting) return undefined;
  await boss.update(SYNC_QUEUE, undefined, {
    id: waiting.id,
    priority: RUN_NOW_PRIORITY,
    startAfter: new Date(),
  });
  return waiting.id;
}

/** A server run's progress, only the caller's own; undefined when unknown (or another user's). */
export async function runStatus(
  access: ServerSyncAccess | undefined,
  actor: Pick<Actor, 'orgId' | 'userId'>,
  resource: SyncResource,
  runId: string,
): Promise<SyncRunView | undefined> {
  if (!access) return undefined;
  const [job] = await access.queue.boss.findJobs<SyncTarget>(SYNC_QUEUE, { id: runId });
  if (!job || job.data.userId !== actor.userId || job.data.orgId !== actor.orgId) return undefined;
  if (job.data.resource !== resource) return undefined;
  const state =
    job.state === 'created' || job.state === 'retry'
      ? 'queued'
      : job.state === 'active'
        ? 'running'
        : job.state === 'completed'
          ? 'done'
          : 'failed';
  return {
    id: job.id,
    resource,
    state,
    queuedAt: new Date(job.createdOn).toISOString(),
    startedAt: job.state === 'created' || !job.startedOn ? null : new Date(job.startedOn).toISOString(),
    finishedAt: job.completedOn ? new Date(job.completedOn).toISOString() : null,
  };
}

/** The taskpane's view of whether the server runs "Sync now" for the user. */
export async function serverRuns(
  db: Kysely<Database>,
  access: ServerSyncAccess | undefined,
  actor: Pick<Actor, 'orgId' | 'userId'>,
): Promise<boolean> {
  if (!access) return false;
  const user = await syncUserOf(db, actor);
  return user ? access.tokens.holds(user) : false;
}
