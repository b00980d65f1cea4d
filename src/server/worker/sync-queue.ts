import type { PGlite } from '@electric-sql/pglite';
import { fromPglite, PgBoss } from 'pg-boss';
import type { SyncResource } from '../../sync/model';

/**
 * Background sync runs as pg-boss jobs on the store's own database: PostgreSQL shared by every
 * replica, or the embedded PGlite of a single server (pg-boss drives it through its PGlite adapter:
 * the same queue, the same SQL, one connection shared with the store). One job per user and
 * resource: the queue's `stately` policy keeps at most one waiting and one running per key, so a
 * burst of triggers while a run waits (the debounce) or runs becomes one more run, not one each.
 */

export const SYNC_QUEUE = 'tandem-sync';
export const POLL_QUEUE = 'tandem-sync-poll';
/** Hourly: runs of the syncs whose Graph subscription is due for renewal (a run renews it). */
export const RENEW_QUEUE = 'tandem-sync-renew';
const SCHEMA = 'tandem_queue';

/** Why a run was asked for (shown in logs; a notification is only ever a hint to look). */
export type SyncTrigger =
  'crm-write' | 'poll' | 'notification' | 'missed' | 'requested' | 'busy' | 'renew' | 'activated';

export interface SyncTarget {
  orgId: string;
  userId: string;
  resource: SyncResource;
}

export interface SyncJobData extends SyncTarget {
  trigger: SyncTrigger;
  /** When the trigger happened (ISO), for the lag a run reports. */
  at: string;
}

export interface QueueConnection {
  /** The embedded store's database, when the store is PGlite. */
  pglite?: PGlite | undefined;
  /** The PostgreSQL connection string, when the store is PostgreSQL. */
  databaseUrl?: string | undefined;
}

export interface SyncQueueOptions {
  /** Seconds a triggered run waits for more triggers to join it. */
  debounceSeconds: number;
  /** A crashed worker's job goes back to the queue after this many seconds without a heartbeat. */
  heartbeatSeconds?: number;
  /** Seconds between the queue's checks for runs whose worker died (and other upkeep). */
  superviseSeconds?: number;
  /** Connections of this process's queue pool (PostgreSQL only). */
  poolSize?: number;
  /** Report pg-boss's own errors (a lost connection it recovers from, a failed maintenance round). */
  onError?: (error: Error) => void;
}

export class SyncQueue {
  private constructor(
    readonly boss: PgBoss,
    private readonly debounceMs: number,
  ) {}

  /** Opens the queue, creating or migrating its schema (`tandem_queue`) on first use. */
  static async open(connection: QueueConnection, options: SyncQueueOptions): Promise<SyncQueue> {
    const supervise = options.superviseSeconds ?? 15;
    const common = {
      schema: SCHEMA,
      migrate: true,
      superviseIntervalSeconds: supervise,
      monitorIntervalSeconds: supervise,
    } as const;
    const boss = connection.pglite
      ? new PgBoss({ ...common, db: fromPglite(connection.pglite), backend: 'pglite' })
      : connection.databaseUrl
        ? new PgBoss({ ...common, connectionString: connection.databaseUrl, max: options.poolSize ?? 4 })
        : undefined;
    if (!boss) throw new Error('The sync queue needs the store’s database: PGlite or a PostgreSQL URL.');
    boss.on('error', (error: Error) => options.onError?.(error));
    await boss.start();
    const queueOptions = {
      policy: 'stately' as const,
      // A run that dies with its process is picked up again once its heartbeat lapses.
      heartbeatSeconds: options.heartbeatSeconds ?? 30,
      retryLimit: 8,
      retryDelay: 5,
      retryBackoff: true,
      retryDelayMax: 300,
      expireInSeconds: 3600,
      deleteAfterSeconds: 3600,
    };
    for (const name of [SYNC_QUEUE, POLL_QUEUE, RENEW_QUEUE]) {
      if (!(await boss.getQueue(name)))
        await boss
          .createQueue(name, name === SYNC_QUEUE ? queueOptions : { policy: 'stately' })
          .catch(async (error: unknown) => {
            // Another replica created it in the meantime.
            if (!(await boss.getQueue(name))) throw error;
          });
    }
    return new SyncQueue(boss, options.debounceSeconds * 1000);
  }

  /**
   * Asks for a run of one user's sync. Returns false when one is already waiting (this trigger joins
   * it). `delayMs` overrides the debounce (a retry after a busy lease waits longer).
   */
  async request(target: SyncTarget, trigger: SyncTrigger, delayMs = this.debounceMs): Promise<boolean> {
    const data: SyncJobData = { ...target, trigger, at: new Date().toISOString() };
    const id = await this.boss.send(SYNC_QUEUE, data, {
      singletonKey: syncKey(target),
      ...(delayMs > 0 ? { startAfter: new Date(Date.now() + delayMs) } : {}),
    });
    return id !== null;
  }

  async stop(): Promise<void> {
    await this.boss.stop({ graceful: true, close: true, timeout: 30_000 });
  }
}

export function syncKey(target: SyncTarget): string {
  return `${target.userId}:${target.resource}`;
}

/** The cron expression of a backstop every `minutes` (whole minutes; an hour or more rounds to hours). */
export function pollCron(minutes: number): string {
  const whole = Math.max(1, Math.round(minutes));
  if (whole < 60) return `*/${whole} * * * *`;
  return `0 */${Math.min(24, Math.round(whole / 60))} * * *`;
}
