import type { Kysely } from 'kysely';
import { createGraphClient, type FetchLike } from '../../sync/graph';
import type { SyncResource } from '../../sync/model';
import type { Actor } from '../auth/permissions';
import type { Database } from '../db/schema';
import type { SyncQueue, SyncTarget } from './sync-queue';
import type { NotificationClaim, SyncSubscriptions } from './subscriptions';
import { activeSyncs, syncUser, type WorkerLog } from './sync-worker';
import { SignInRequiredError, type GraphTokenProvider } from './token-provider';

/** Whether the server syncs the user's resource while nobody has Tandem open, and if not, why. */
export type BackgroundAvailability = { available: true } | { available: false; reason: string };

/** A Graph notification (change or lifecycle) as received; only its claims are read. */
export interface ReceivedNotification extends NotificationClaim {
  lifecycleEvent?: unknown;
}

/** What the API routes ask of background sync. */
export interface BackgroundSyncHooks {
  /** A sync was turned on by a caller holding `apiToken` (their Tandem API token). */
  turnedOn(
    actor: Actor,
    resource: SyncResource,
    apiToken: string | undefined,
  ): Promise<BackgroundAvailability>;
  /** A sync is about to be turned off (its credentials may go with it). */
  turningOff(actor: Actor, resource: SyncResource): Promise<void>;
  /** Change notifications from Graph; returns how many runs they asked for. */
  notified(notifications: readonly ReceivedNotification[]): Promise<number>;
  /** Lifecycle notifications from Graph; returns how many runs they asked for. */
  lifecycle(notifications: readonly ReceivedNotification[]): Promise<number>;
}

/** Notifications read from one POST; Graph batches far fewer. */
const MAX_PER_POST = 100;

export interface SyncActivationOptions {
  db: Kysely<Database>;
  tokens: GraphTokenProvider;
  queue: SyncQueue;
  subscriptions: SyncSubscriptions;
  graphUrl: string;
  fetch?: FetchLike;
  log: WorkerLog;
}

/**
 * Turning a sync on hands the server its own delegated access (on-behalf-of from the caller's API
 * token) and asks for a first run, which subscribes to Graph's notifications; turning it off deletes
 * the subscription (the database drops the credentials). A notification is only a hint: a genuine one
 * asks for a debounced run of that user's sync, which reads the changes by a delta round itself.
 */
export class SyncActivation implements BackgroundSyncHooks {
  constructor(private readonly options: SyncActivationOptions) {}

  async turnedOn(
    actor: Actor,
    resource: SyncResource,
    apiToken: string | undefined,
  ): Promise<BackgroundAvailability> {
    const { db, tokens, log } = this.options;
    const user = await syncUser(db, { orgId: actor.orgId, userId: actor.userId, resource });
    if (!user)
      return { available: false, reason: 'Your Tandem account is not linked to a Microsoft account.' };
    if (!apiToken)
      return { available: false, reason: 'The request carried no Microsoft sign-in to hand over.' };
    try {
      await tokens.connect(user.identity, apiToken);
    } catch (error) {
      if (error instanceof SignInRequiredError) return { available: false, reason: error.message };
      log.warn(
        `Background sync could not get Microsoft access for user ${actor.userId}: ${error instanceof Error ? error.message : String(error)}`,
      );
      return {
        available: false,
        reason: 'Microsoft could not be reached to set up background sync; turn the sync on again later.',
      };
    }
    await this.options.queue.request({ orgId: actor.orgId, userId: actor.userId, resource }, 'activated');
    return { available: true };
  }

  async turningOff(actor: Actor, resource: SyncResource): Promise<void> {
    const { db, tokens, subscriptions } = this.options;
    const target: SyncTarget = { orgId: actor.orgId, userId: actor.userId, resource };
    const user = await syncUser(db, target);
    const graph =
      user && (await tokens.holds(user.identity))
        ? createGraphClient({
            baseUrl: this.options.graphUrl,
            getToken: () => tokens.graphToken(user.identity),
            maxRetries: 1,
            timeoutMs: 5_000,
            ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
          })
        : undefined;
    await subscriptions.remove(target, graph);
  }

  async notified(notifications: readonly ReceivedNotification[]): Promise<number> {
    let queued = 0;
    for (const claim of notifications.slice(0, MAX_PER_POST)) {
      const target = await this.genuine(claim);
      if (!target) continue;
      const { orgId, userId, resource } = target;
      if (await this.options.queue.request({ orgId, userId, resource }, 'notification')) queued++;
    }
    return queued;
  }

  async lifecycle(notifications: readonly ReceivedNotification[]): Promise<number> {
    const { subscriptions, queue } = this.options;
    let queued = 0;
    for (const claim of notifications.slice(0, MAX_PER_POST)) {
      const target = await this.genuine(claim);
      if (!target) continue;
      const { subscriptionId, ...sync } = target;
      if (claim.lifecycleEvent === 'missed') {
        // Notifications were lost: a delta round from the stored link reads every change they told of.
        if (await queue.request(sync, 'missed')) queued++;
      } else if (claim.lifecycleEvent === 'reauthorizationRequired') {
        await subscriptions.dueNow(subscriptionId);
        if (await queue.request(sync, 'renew')) queued++;
      } else if (claim.lifecycleEvent === 'subscriptionRemoved') {
        await subscriptions.forget(subscriptionId);
        if (await queue.request(sync, 'renew')) queued++;
      }
    }
    return queued;
  }

  /** The sync a notification is about, when it is genuine and that sync is on with server-held access. */
  private async genuine(claim: ReceivedNotification) {
    if (typeof claim !== 'object' || claim === null) return undefined;
    const target = await this.options.subscriptions.verify(claim);
    if (!target) return undefined;
    const active = await activeSyncs(this.options.db)
      .where('sync_state.org_id', '=', target.orgId)
      .where('sync_state.user_id', '=', target.userId)
      .where('sync_state.resource', '=', target.resource === 'calendar' ? 'events' : 'contacts')
      .executeTakeFirst();
    return active ? target : undefined;
  }
}

/**
 * Routes are registered before background sync starts (it needs the open store): they reach it
 * through this, which answers "unavailable" until it is set.
 */
export class LateBackgroundSyncHooks implements BackgroundSyncHooks {
  target: BackgroundSyncHooks | undefined;

  turnedOn(
    actor: Actor,
    resource: SyncResource,
    apiToken: string | undefined,
  ): Promise<BackgroundAvailability> {
    return this.target
      ? this.target.turnedOn(actor, resource, apiToken)
      : Promise.resolve({ available: false, reason: 'Background sync is not running on this server.' });
  }
  async turningOff(actor: Actor, resource: SyncResource): Promise<void> {
    await this.target?.turningOff(actor, resource);
  }
  async notified(notifications: readonly ReceivedNotification[]): Promise<number> {
    return (await this.target?.notified(notifications)) ?? 0;
  }
  async lifecycle(notifications: readonly ReceivedNotification[]): Promise<number> {
    return (await this.target?.lifecycle(notifications)) ?? 0;
  }
}
