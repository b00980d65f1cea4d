import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { GraphClient } from '../../sync/graph';
import type { SyncResource } from '../../sync/model';
import type { Database } from '../db/schema';
import { crmResource } from '../services/sync-crm-port';
import type { SyncTarget } from './sync-queue';
import type { SyncUser } from './token-provider';

/**
 * The Graph change-notification subscription of each user's background sync: created after a run
 * once the sync's container exists, renewed ahead of expiry, recreated when Graph removed it, deleted
 * when the sync is turned off. Graph echoes the subscription's `clientState` in every notification;
 * only its hash is kept here, so a notification is believed only when it names a subscription this
 * server made, for the tenant it was made in, with the secret it was given.
 */

/** How long a subscription is asked for (events and contacts allow up to 10,080 minutes). */
export const SUBSCRIPTION_MINUTES = 3 * 24 * 60;
/** A subscription with less than this left is renewed. */
export const RENEW_AHEAD_MS = 24 * 3_600_000;

export interface NotificationUrls {
  /** Where Graph posts change notifications. */
  notificationUrl: string;
  /** Where Graph posts lifecycle notifications (reauthorizationRequired, subscriptionRemoved, missed). */
  lifecycleNotificationUrl: string;
}

/** The notification URLs under the server's public origin (`TANDEM_PUBLIC_URL`). */
export function notificationUrls(publicUrl: string): NotificationUrls {
  const base = publicUrl.replace(/\/+$/, '');
  return {
    notificationUrl: `${base}/api/notifications/graph`,
    lifecycleNotificationUrl: `${base}/api/notifications/lifecycle`,
  };
}

/** What a notification claims about itself (Graph's fields; nothing else of it is read). */
export interface NotificationClaim {
  subscriptionId: unknown;
  clientState: unknown;
  tenantId: unknown;
}

export type SubscriptionState = 'current' | 'created' | 'renewed';

export class SyncSubscriptions {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly urls: NotificationUrls,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The sync's subscription, made or renewed as needed. `containerId` is the sync's contact folder
   * (events are watched mailbox-wide, as Graph allows). A renewal Graph refuses because the
   * subscription is gone makes a new one.
   */
  async ensure(
    graph: GraphClient,
    user: SyncUser,
    resource: SyncResource,
    containerId: string,
  ): Promise<SubscriptionState> {
    const held = await this.held(user, resource);
    if (held && new Date(held.expires_at).getTime() - RENEW_AHEAD_MS > this.now()) return 'current';
    if (held) {
      try {
        await graph.request('PATCH', `/subscriptions/${encodeURIComponent(held.id)}`, {
          body: { expirationDateTime: this.expiry() },
        });
        await this.db
          .updateTable('sync_subscriptions')
          .set({ expires_at: this.expiry() })
          .where('id', '=', held.id)
          .execute();
        return 'renewed';
      } catch {
        // Gone (removed by Graph, expired): make a new one below.
        await this.forget(held.id);
      }
    }
    await this.create(graph, user, resource, containerId);
    return 'created';
  }

  /** Marks the sync's subscription due for renewal (Graph asked to reauthorize it). */
  async dueNow(subscriptionId: string): Promise<void> {
    await this.db
      .updateTable('sync_subscriptions')
      .set({ expires_at: sql<Date>`now()` })
      .where('id', '=', subscriptionId)
      .execute();
  }

  /** Forgets a subscription Graph removed; the next run makes a new one. */
  async forget(subscriptionId: string): Promise<void> {
    await this.db.deleteFrom('sync_subscriptions').where('id', '=', subscriptionId).execute();
  }

  /** Deletes the sync's subscriptions at Graph (when a client is given) and here. */
  async remove(target: SyncTarget, graph?: GraphClient): Promise<void> {
    const rows = await this.db
      .selectFrom('sync_subscriptions')
      .select('id')
      .where('org_id', '=', target.orgId)
      .where('user_id', '=', target.userId)
      .where('resource', '=', crmResource(target.resource))
      .execute();
    for (const row of rows) {
      if (graph)
        await graph.request('DELETE', `/subscriptions/${encodeURIComponent(row.id)}`).catch(() => undefined);
      await this.forget(row.id);
    }
  }

  /** Syncs whose subscription is missing or due for renewal within `aheadMs`, among active ones. */
  async dueForRenewal(aheadMs = RENEW_AHEAD_MS): Promise<SyncTarget[]> {
    const rows = await this.db
      .selectFrom('sync_subscriptions')
      .select(['org_id', 'user_id', 'resource'])
      .where('expires_at', '<', new Date(this.now() + aheadMs))
      .execute();
    return rows.map((r) => ({
      orgId: r.org_id,
      userId: r.user_id,
      resource: r.resource === 'events' ? 'calendar' : 'contacts',
    }));
  }

  /**
   * The sync a notification is about, when it is genuine: a subscription this server made, the
   * tenant it was made in, and the clientState it was given. Anything else is undefined.
   */
  async verify(claim: NotificationClaim): Promise<(SyncTarget & { subscriptionId: string }) | undefined> {
    const { subscriptionId, clientState, tenantId } = claim;
    if (typeof subscriptionId !== 'string' || subscriptionId.length === 0 || subscriptionId.length > 200)
      return undefined;
    if (typeof clientState !== 'string' || clientState.length > 256) return undefined;
    const row = await this.db
      .selectFrom('sync_subscriptions')
      .select(['org_id', 'user_id', 'resource', 'tenant_id', 'client_state_hash'])
      .where('id', '=', subscriptionId)
      .executeTakeFirst();
    if (!row || typeof tenantId !== 'string' || tenantId.toLowerCase() !== row.tenant_id.toLowerCase())
      return undefined;
    const given = Buffer.from(hashClientState(clientState), 'hex');
    const kept = Buffer.from(row.client_state_hash, 'hex');
    if (given.length !== kept.length || !timingSafeEqual(given, kept)) return undefined;
    return {
      orgId: row.org_id,
      userId: row.user_id,
      resource: row.resource === 'events' ? 'calendar' : 'contacts',
      subscriptionId,
    };
  }

  private held(user: SyncUser, resource: SyncResource) {
    return this.db
      .selectFrom('sync_subscriptions')
      .select(['id', 'expires_at'])
      .where('org_id', '=', user.orgId)
      .where('user_id', '=', user.userId)
      .where('resource', '=', crmResource(resource))
      .orderBy('expires_at', 'desc')
      .executeTakeFirst();
  }

  private async create(
    graph: GraphClient,
    user: SyncUser,
    resource: SyncResource,
    containerId: string,
  ): Promise<void> {
    const clientState = randomBytes(32).toString('base64url');
    const watched =
      resource === 'calendar'
        ? '/me/events'
        : `/users/${encodeURIComponent(user.objectId)}/contactFolders/${encodeURIComponent(containerId)}/contacts`;
    const expirationDateTime = this.expiry();
    const created = await graph.request<{ id: string; expirationDateTime?: string }>(
      'POST',
      '/subscriptions',
      {
        body: {
          changeType: 'created,updated,deleted',
          resource: watched,
          ...this.urls,
          expirationDateTime,
          clientState,
        },
      },
    );
    await this.db
      .insertInto('sync_subscriptions')
      .values({
        id: created.id,
        org_id: user.orgId,
        user_id: user.userId,
        resource: crmResource(resource),
        tenant_id: user.tenantId,
        client_state_hash: hashClientState(clientState),
        expires_at: created.expirationDateTime ?? expirationDateTime,
      })
      .execute();
  }

  private expiry(): string {
    return new Date(this.now() + SUBSCRIPTION_MINUTES * 60_000).toISOString();
  }
}

function hashClientState(clientState: string): string {
  return createHash('sha256').update(clientState, 'utf8').digest('hex');
}
