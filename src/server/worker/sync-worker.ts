import { sql, type Kysely } from 'kysely';
import type { Job } from 'pg-boss';
import { SyncBusyError, SyncNotEnabledError, type SyncReport } from '../../sync/engine';
import { createGraphClient, type FetchLike } from '../../sync/graph';
import type { SyncResource } from '../../sync/model';
import { toPermissions, type Actor } from '../auth/permissions';
import type { Database, SyncHealthState } from '../db/schema';
import { crmResource } from '../services/sync-crm-port';
import { mailReconnect } from '../services/sync-health';
import { syncEngineFor } from '../services/sync-runner';
import {
  POLL_QUEUE,
  pollCron,
  RENEW_QUEUE,
  SYNC_QUEUE,
  type SyncJobData,
  type SyncQueue,
  type SyncTarget,
} from './sync-queue';
import type { SyncSubscriptions } from './subscriptions';
import { SignInRequiredError, type GraphTokenProvider, type SyncUser } from './token-provider';

export interface WorkerLog {
  info(message: string): void;
  warn(message: string): void;
}

export interface SyncWorkerOptions {
  db: Kysely<Database>;
  queue: SyncQueue;
  tokens: GraphTokenProvider;
  /** Microsoft Graph's version root. */
  graphUrl: string;
  fetch?: FetchLike;
  /** Runs at once in this process. */
  concurrency?: number;
  /** Minutes between backstop runs of every active sync; 0 leaves the backstop to other processes. */
  pollMinutes?: number;
  /** The sync lease: renewed while a run lasts, so a crashed run blocks others for at most this long. */
  leaseMs?: number;
  /** Names this process in leases (a replica's host and pid). */
  name?: string;
  log?: WorkerLog;
  /** Seconds between polls of the queue for waiting runs. */
  pollingIntervalSeconds?: number;
  /** Graph change notifications: each run makes sure its sync's subscription exists and is current. */
  subscriptions?: SyncSubscriptions;
}

/** What one job did. */
export type RunOutcome = 'done' | 'partial' | 'refused' | 'busy' | 'off' | 'no-credentials' | 'needs-sign-in';

/** A run's lease: renewed every third of it while the run lasts, so a crashed run's lapses within it. */
export const DEFAULT_LEASE_MS = 60_000;

const quiet: WorkerLog = { info: () => {}, warn: () => {} };

/**
 * Runs users' syncs from the queue with the server's own credentials for them: the same engine the
 * taskpane runs, over the store's CRM port and Graph with the server-held token, kept apart from
 * other runners of the same user by the lease in `sync_state`.
 */
export class SyncWorker {
  private readonly leaseMs: number;
  private readonly name: string;
  private readonly log: WorkerLog;
  private workers: { name: string; id: string }[] = [];

  constructor(private readonly options: SyncWorkerOptions) {
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.name = options.name ?? `worker-${process.pid}-${globalThis.crypto.randomUUID().slice(0, 8)}`;
    this.log = options.log ?? quiet;
  }

  async start(): Promise<void> {
    const { boss } = this.options.queue;
    this.workers.push({
      name: SYNC_QUEUE,
      id: await boss.work<SyncJobData>(
        SYNC_QUEUE,
        {
          localConcurrency: this.options.concurrency ?? 4,
          batchSize: 1,
          pollingIntervalSeconds: this.options.pollingIntervalSeconds ?? 1,
        },
        async ([job]: Job<SyncJobData>[]) => {
          if (job) await this.run(job.data);
        },
      ),
    });
    const pollMinutes = this.options.pollMinutes ?? 15;
    if (pollMinutes > 0) {
      await boss.schedule(POLL_QUEUE, pollCron(pollMinutes), {}, { singletonKey: 'backstop' });
      this.workers.push({
        name: POLL_QUEUE,
        id: await boss.work(POLL_QUEUE, { pollingIntervalSeconds: 10 }, async () => {
          await this.requestBackstop(pollMinutes);
        }),
      });
    }
    const subscriptions = this.options.subscriptions;
    if (subscriptions) {
      await boss.schedule(RENEW_QUEUE, '17 * * * *', {}, { singletonKey: 'renew' });
      this.workers.push({
        name: RENEW_QUEUE,
        id: await boss.work(RENEW_QUEUE, { pollingIntervalSeconds: 30 }, async () => {
          await this.requestRenewals();
        }),
      });
    }
  }

  /** Queues a run of each sync whose subscription expires within a day: the run renews it. */
  async requestRenewals(): Promise<number> {
    const due = (await this.options.subscriptions?.dueForRenewal()) ?? [];
    let queued = 0;
    for (const target of due) if (await this.options.queue.request(target, 'renew')) queued++;
    return queued;
  }

  async stop(): Promise<void> {
    const { boss } = this.options.queue;
    for (const { name, id } of this.workers.splice(0))
      await boss.offWork(name, { id, wait: true }).catch(() => {});
  }

  /**
   * Queues a run of every sync the server holds credentials for, spread over the first minute (or
   * the period, when shorter) so a backstop does not start them all in one second.
   */
  async requestBackstop(pollMinutes = 15): Promise<number> {
    const rows = await activeSyncs(this.options.db).execute();
    const spreadMs = Math.min(60_000, pollMinutes * 60_000);
    let queued = 0;
    for (const row of rows) {
      const target = { orgId: row.org_id, userId: row.user_id, resource: syncResourceOf(row.resource) };
      if (await this.options.queue.request(target, 'poll', Math.floor(Math.random() * spreadMs))) queued++;
    }
    return queued;
  }

  /** One run of one user's sync (the job's body; tests call it directly). */
  async run(job: SyncJobData): Promise<RunOutcome> {
    const { db } = this.options;
    const user = await syncUser(db, job);
    const table = crmResource(job.resource);
    const state = user
      ? await db
          .selectFrom('sync_state')
          .select('enabled')
          .where('org_id', '=', job.orgId)
          .where('user_id', '=', job.userId)
          .where('resource', '=', table)
          .executeTakeFirst()
      : undefined;
    if (!user || !state?.enabled) return 'off';
    if (!(await this.options.tokens.holds(user.identity))) return 'no-credentials';

    const tokens = this.options.tokens;
    try {
      await tokens.graphToken(user.identity);
    } catch (error) {
      if (!(error instanceof SignInRequiredError)) throw error;
      await this.recordHealth(job, 'needs_sign_in', error.message);
      this.log.warn(
        `Background sync of ${job.resource} for user ${job.userId} needs the user to sign in again.`,
      );
      return 'needs-sign-in';
    }
    const graph = createGraphClient({
      baseUrl: this.options.graphUrl,
      getToken: () => tokens.graphToken(user.identity),
      ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
    });
    const holder = `${this.name}:${job.resource}`;
    const renewal = setInterval(() => {
      renewLease(db, job, holder, this.leaseMs).catch(() => undefined);
    }, this.leaseMs / 3);
    let report: SyncReport;
    try {
      const engine = await syncEngineFor({
        db,
        actor: user.actor,
        resource: job.resource,
        graph,
        holder,
        leaseMs: this.leaseMs,
      });
      report = await engine.sync();
    } catch (error) {
      if (error instanceof SyncBusyError) {
        // Another runner has it (the taskpane, the CLI, another replica): what changed after its
        // reading still needs a run, so ask for one once it is likely done.
        await this.options.queue.request(job, 'busy', 5_000);
        return 'busy';
      }
      if (error instanceof SyncNotEnabledError) return 'off';
      if (error instanceof SignInRequiredError) {
        await this.recordHealth(job, 'needs_sign_in', error.message);
        return 'needs-sign-in';
      }
      await this.recordHealth(job, 'retrying', error instanceof Error ? error.message : String(error));
      throw error;
    } finally {
      clearInterval(renewal);
    }
    if (report.outcome !== 'deactivated') await this.subscribe(graph, user.identity, job);
    if (report.outcome === 'done') {
      await this.recordHealth(job, 'ok', null, Date.now() - Date.parse(job.at));
    } else if (report.outcome === 'refused') {
      await this.recordHealth(
        job,
        'retrying',
        'The run would delete many synced items at once and waits for the user to confirm it.',
      );
    } else if (report.outcome === 'partial') {
      const first = report.failures[0];
      await this.recordHealth(job, 'retrying', first ? first.message : 'Some changes could not be applied.');
      await this.options.queue.request(job, 'requested', 60_000);
    }
    return report.outcome === 'deactivated' ? 'off' : report.outcome;
  }

  /**
   * Makes sure Graph notifies the server of the sync's changes (a subscription made, or renewed ahead
   * of its expiry). Without one the sync still runs on CRM writes and the backstop, so a failure is
   * only logged.
   */
  private async subscribe(
    graph: ReturnType<typeof createGraphClient>,
    user: SyncUser,
    job: SyncTarget,
  ): Promise<void> {
    const subscriptions = this.options.subscriptions;
    if (!subscriptions) return;
    const state = await this.options.db
      .selectFrom('sync_state')
      .select(['enabled', 'container_id'])
      .where('org_id', '=', job.orgId)
      .where('user_id', '=', job.userId)
      .where('resource', '=', crmResource(job.resource))
      .executeTakeFirst();
    if (!state?.enabled || !state.container_id) return;
    try {
      const done = await subscriptions.ensure(graph, user, job.resource, state.container_id);
      // Turned off meanwhile (its subscriptions deleted before this one was made): delete this one too.
      if (!(await this.enabled(job))) {
        await subscriptions.remove(job, graph);
        return;
      }
      if (done !== 'current')
        this.log.info(`Graph notifications of ${job.resource} for user ${job.userId}: ${done}.`);
    } catch (error) {
      this.log.warn(
        `Graph notifications of ${job.resource} for user ${job.userId} could not be set up: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  private async enabled(target: SyncTarget): Promise<boolean> {
    const row = await this.options.db
      .selectFrom('sync_state')
      .select('enabled')
      .where('org_id', '=', target.orgId)
      .where('user_id', '=', target.userId)
      .where('resource', '=', crmResource(target.resource))
      .executeTakeFirst();
    return row?.enabled === true;
  }

  private async recordHealth(
    target: SyncTarget,
    state: SyncHealthState,
    error: string | null,
    lagMs?: number,
  ): Promise<void> {
    const ok = state === 'ok';
    if (state === 'needs_sign_in')
      await mailReconnect(this.options.db, target).catch((mailError: unknown) =>
        this.log.warn(
          `The reconnect mail to user ${target.userId} could not be queued: ${String(mailError)}`,
        ),
      );
    const values = {
      state,
      last_attempt_at: sql<Date>`now()`,
      last_error: error,
      updated_at: sql<Date>`now()`,
      ...(ok ? { last_success_at: sql<Date>`now()`, lag_ms: Math.max(0, Math.round(lagMs ?? 0)) } : {}),
    };
    await this.options.db
      .insertInto('sync_health')
      .values({
        org_id: target.orgId,
        user_id: target.userId,
        resource: crmResource(target.resource),
        failures: ok ? 0 : 1,
        ...values,
      })
      .onConflict((oc) =>
        oc.columns(['user_id', 'resource']).doUpdateSet({
          ...values,
          failures: ok ? 0 : sql<number>`sync_health.failures + 1`,
        }),
      )
      .execute();
  }
}

/** Syncs that are on, of active users the server holds credentials for. */
export function activeSyncs(db: Kysely<Database>) {
  return db
    .selectFrom('sync_state')
    .innerJoin('sync_credentials', 'sync_credentials.user_id', 'sync_state.user_id')
    .innerJoin('users', 'users.id', 'sync_state.user_id')
    .select(['sync_state.org_id', 'sync_state.user_id', 'sync_state.resource'])
    .where('sync_state.enabled', '=', true)
    .where('users.status', '=', 'active');
}

export function syncResourceOf(table: 'contacts' | 'events'): SyncResource {
  return table === 'events' ? 'calendar' : 'contacts';
}

export async function syncUser(
  db: Kysely<Database>,
  target: SyncTarget,
): Promise<{ actor: Actor; identity: SyncUser } | undefined> {
  const row = await db
    .selectFrom('users')
    .innerJoin('profiles', 'profiles.id', 'users.profile_id')
    .select([
      'users.id',
      'users.org_id',
      'users.email',
      'users.is_super_admin',
      'users.status',
      'users.ms_tenant_id',
      'users.ms_object_id',
      'profiles.permissions',
    ])
    .where('users.org_id', '=', target.orgId)
    .where('users.id', '=', target.userId)
    .executeTakeFirst();
  if (!row || row.status !== 'active' || !row.ms_tenant_id || !row.ms_object_id) return undefined;
  return {
    actor: {
      userId: row.id,
      orgId: row.org_id,
      email: row.email,
      isSuperAdmin: row.is_super_admin,
      permissions: toPermissions(row.permissions),
    },
    identity: { orgId: row.org_id, userId: row.id, tenantId: row.ms_tenant_id, objectId: row.ms_object_id },
  };
}

/** Extends this run's lease (only while it is still this run's). */
async function renewLease(db: Kysely<Database>, target: SyncTarget, holder: string, leaseMs: number) {
  await db
    .updateTable('sync_state')
    .set({ lease_expires_at: sql<Date>`now() + ${Math.round(leaseMs)} * interval '1 millisecond'` })
    .where('org_id', '=', target.orgId)
    .where('user_id', '=', target.userId)
    .where('resource', '=', crmResource(target.resource))
    .where('lease_owner', '=', holder)
    .execute();
}
