import { randomUUID } from 'node:crypto';
import type { GraphSandbox } from './graph-sandbox';
import type { MailboxRecord } from './sandbox-state';

/**
 * Graph change notifications: which subscriptions a mailbox write concerns, and their delivery to
 * `notificationUrl` (after a delay, batched, retried with back-off) and to `lifecycleNotificationUrl`.
 */

export type ChangeType = 'created' | 'updated' | 'deleted';
export type LifecycleEvent = 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed';
export const LIFECYCLE_EVENTS: LifecycleEvent[] = [
  'reauthorizationRequired',
  'subscriptionRemoved',
  'missed',
];

/** What a subscription watches: every event of the mailbox, or the contacts of one folder. */
export type SubscriptionTarget = { kind: 'events' } | { kind: 'contacts'; folderId: string };

/** A subscription as kept in the sandbox state (plain JSON). */
export interface SubscriptionRecord {
  id: string;
  /** The resource as the client wrote it, echoed back. */
  resource: string;
  target: SubscriptionTarget;
  userId: string;
  tenantId: string;
  applicationId: string;
  changeType: string;
  clientState: string | null;
  notificationUrl: string;
  lifecycleNotificationUrl: string | null;
  expirationDateTime: string;
  createdAt: number;
}

export interface NotificationSettings {
  /** Wait before a change's notification goes out (changes in that window share one POST). */
  delayMs: number;
  /** First retry after this; each later one waits twice as long. */
  retryBaseMs: number;
  /** Attempts per batch before it is dropped (and `missed` sent to the lifecycle URL). */
  maxAttempts: number;
  /** A receiver slower than this counts as failed. */
  deliveryTimeoutMs: number;
  /** The validation handshake's limit. */
  validationTimeoutMs: number;
}

export const DEFAULT_NOTIFICATION_SETTINGS: NotificationSettings = {
  delayMs: 1000,
  retryBaseMs: 1000,
  maxAttempts: 6,
  deliveryTimeoutMs: 3000,
  validationTimeoutMs: 10_000,
};

/** Events and contacts are kept up to 10,080 minutes. */
export const MAX_SUBSCRIPTION_MINUTES = 10_080;

export interface NotificationStats {
  /** Change notifications acknowledged by the receiver. */
  delivered: number;
  /** Delivery attempts that failed (non-2xx, timeout, connection refused). */
  failedAttempts: number;
  /** Notifications given up after the last retry. */
  dropped: number;
  /** Lifecycle notifications acknowledged. */
  lifecycleDelivered: number;
}

interface ChangeItem {
  changeType: ChangeType;
  kind: 'events' | 'contacts';
  id: string;
  folderId?: string;
  etag?: string;
}

interface Outbox {
  pending: Map<string, ChangeItem>;
  timer?: NodeJS.Timeout;
  sending: boolean;
}

type Fingerprint = Map<string, string>;

/** The versions of one mailbox's events and contacts, to tell what a write changed. */
interface MailboxWatch {
  commit(): void;
}

export class ChangeNotifier {
  settings: NotificationSettings;
  readonly stats: NotificationStats = { delivered: 0, failedAttempts: 0, dropped: 0, lifecycleDelivered: 0 };
  private readonly outboxes = new Map<string, Outbox>();
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Wakers of back-off waits, so a reset never leaves a delivery loop (or an admin call) hanging. */
  private readonly waits = new Set<() => void>();
  /** Bumped by every reset: delivery loops of an earlier generation stop. */
  private generation = 0;
  private closed = false;

  constructor(
    private readonly sandbox: GraphSandbox,
    settings: Partial<NotificationSettings> = {},
  ) {
    this.settings = { ...DEFAULT_NOTIFICATION_SETTINGS, ...settings };
  }

  private get records(): Record<string, SubscriptionRecord> {
    this.sandbox.state.subscriptions ??= {};
    return this.sandbox.state.subscriptions;
  }

  configure(settings: Partial<NotificationSettings>): NotificationSettings {
    this.settings = { ...this.settings, ...settings };
    return { ...this.settings };
  }

  isActive(record: SubscriptionRecord): boolean {
    return Date.parse(record.expirationDateTime) > this.sandbox.now();
  }

  /** Active subscriptions of a user, dropping the expired ones on the way. */
  active(userId?: string): SubscriptionRecord[] {
    const out: SubscriptionRecord[] = [];
    for (const record of Object.values(this.records)) {
      if (!this.isActive(record)) {
        this.remove(record.id);
        continue;
      }
      if (userId === undefined || record.userId === userId) out.push(record);
    }
    return out;
  }

  find(id: string): SubscriptionRecord | undefined {
    const record = this.records[id];
    if (record && !this.isActive(record)) {
      this.remove(id);
      return undefined;
    }
    return record;
  }

  add(record: SubscriptionRecord): void {
    this.records[record.id] = record;
  }

  remove(id: string): void {
    delete this.records[id];
    const outbox = this.outboxes.get(id);
    if (outbox?.timer) clearTimeout(outbox.timer);
    this.outboxes.delete(id);
  }

  /**
   * Called before a write runs against a mailbox; `commit()` after it succeeded compares versions and
   * queues a notification for each subscription the changes concern. Free when nobody subscribes.
   */
  watch(mailbox: MailboxRecord): MailboxWatch | undefined {
    const subscriptions = this.active(mailbox.userId);
    if (subscriptions.length === 0) return undefined;
    const wantsEvents = subscriptions.some((s) => s.target.kind === 'events');
    const wantsContacts = subscriptions.some((s) => s.target.kind === 'contacts');
    const before = {
      events: wantsEvents ? eventVersions(mailbox) : new Map(),
      contacts: wantsContacts ? contactVersions(mailbox) : new Map(),
    };
    return {
      commit: () => {
        const changes: ChangeItem[] = [];
        if (wantsEvents) changes.push(...diff('events', before.events, eventVersions(mailbox)));
        if (wantsContacts) changes.push(...diff('contacts', before.contacts, contactVersions(mailbox)));
        if (changes.length > 0) this.enqueue(mailbox.userId, changes);
      },
    };
  }

  private enqueue(userId: string, changes: ChangeItem[]): void {
    for (const subscription of this.active(userId)) {
      const wanted = new Set(subscription.changeType.split(','));
      for (const change of changes) {
        if (!wanted.has(change.changeType)) continue;
        if (change.kind !== subscription.target.kind) continue;
        if (subscription.target.kind === 'contacts' && change.folderId !== subscription.target.folderId)
          continue;
        const outbox = this.outbox(subscription.id);
        outbox.pending.set(`${change.changeType}:${change.id}`, change);
      }
      this.schedule(subscription.id, this.settings.delayMs);
    }
  }

  private outbox(id: string): Outbox {
    let outbox = this.outboxes.get(id);
    if (!outbox) {
      outbox = { pending: new Map(), sending: false };
      this.outboxes.set(id, outbox);
    }
    return outbox;
  }

  private schedule(id: string, delayMs: number): void {
    const outbox = this.outboxes.get(id);
    if (!outbox || outbox.timer || outbox.sending || outbox.pending.size === 0 || this.closed) return;
    outbox.timer = this.later(delayMs, () => {
      outbox.timer = undefined;
      void this.flush(id);
    });
  }

  private later(ms: number, run: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    timer.unref();
    this.timers.add(timer);
    return timer;
  }

  private backOff(attempt: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const wake = () => {
        this.waits.delete(wake);
        resolve();
      };
      this.waits.add(wake);
      this.later(this.settings.retryBaseMs * 2 ** (attempt - 1), wake);
    });
  }

  private stopped(generation: number): boolean {
    return this.closed || generation !== this.generation;
  }

  private async flush(id: string): Promise<void> {
    const generation = this.generation;
    const outbox = this.outboxes.get(id);
    const subscription = this.find(id);
    if (!outbox || !subscription) return;
    const batch = [...outbox.pending.values()];
    outbox.pending.clear();
    outbox.sending = true;
    try {
      let delivered = false;
      for (let attempt = 1; attempt <= this.settings.maxAttempts && !this.stopped(generation); attempt++) {
        const current = this.find(id);
        if (!current) return;
        if (await this.post(current.notificationUrl, this.changeBody(current, batch))) {
          this.stats.delivered += batch.length;
          delivered = true;
          break;
        }
        this.stats.failedAttempts++;
        if (attempt < this.settings.maxAttempts) await this.backOff(attempt);
      }
      if (!delivered && !this.stopped(generation)) {
        this.stats.dropped += batch.length;
        const current = this.find(id);
        if (current) await this.lifecycle(current, 'missed');
      }
    } finally {
      outbox.sending = false;
      if (this.outboxes.get(id) === outbox) this.schedule(id, this.settings.delayMs);
    }
  }

  private changeBody(subscription: SubscriptionRecord, batch: ChangeItem[]) {
    return {
      value: batch.map((change) => {
        const segment = change.kind === 'events' ? 'Events' : 'Contacts';
        const resource = `Users/${subscription.userId}/${segment}/${change.id}`;
        return {
          subscriptionId: subscription.id,
          subscriptionExpirationDateTime: subscription.expirationDateTime,
          changeType: change.changeType,
          resource,
          resourceData: {
            '@odata.type': change.kind === 'events' ? '#Microsoft.Graph.Event' : '#Microsoft.Graph.Contact',
            '@odata.id': resource,
            ...(change.etag ? { '@odata.etag': change.etag } : {}),
            id: change.id,
          },
          clientState: subscription.clientState,
          tenantId: subscription.tenantId,
        };
      }),
    };
  }

  /**
   * Sends one lifecycle notification (retried like change notifications); `subscriptionRemoved`
   * also ends the subscription. Without a lifecycle URL only the removal happens.
   */
  async lifecycle(subscription: SubscriptionRecord, event: LifecycleEvent): Promise<boolean> {
    if (event === 'subscriptionRemoved') this.remove(subscription.id);
    const url = subscription.lifecycleNotificationUrl;
    if (!url) return false;
    const body = {
      value: [
        {
          subscriptionId: subscription.id,
          subscriptionExpirationDateTime: subscription.expirationDateTime,
          tenantId: subscription.tenantId,
          clientState: subscription.clientState,
          lifecycleEvent: event,
        },
      ],
    };
    const generation = this.generation;
    for (let attempt = 1; attempt <= this.settings.maxAttempts && !this.stopped(generation); attempt++) {
      if (await this.post(url, body)) {
        this.stats.lifecycleDelivered++;
        return true;
      }
      this.stats.failedAttempts++;
      if (attempt < this.settings.maxAttempts) await this.backOff(attempt);
    }
    return false;
  }

  /** Lifecycle notifications to every subscription of a user (e.g. when the user's grant is revoked). */
  lifecycleForUser(userId: string, event: LifecycleEvent): void {
    for (const subscription of this.active(userId)) void this.lifecycle(subscription, event);
  }

  private async post(url: string, body: unknown): Promise<boolean> {
    try {
      const res = await fetch(url, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/json; charset=utf-8', 'client-request-id': randomUUID() },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.settings.deliveryTimeoutMs),
      });
      await res.arrayBuffer().catch(() => undefined);
      return res.status >= 200 && res.status < 300;
    } catch {
      return false;
    }
  }

  /**
   * Graph's validation handshake: POST `url?validationToken=…` with no body; the endpoint must answer
   * 200 `text/plain` with the token within the limit. Returns the failure in Graph's words, or undefined.
   */
  async validate(url: string): Promise<string | undefined> {
    const token = `Validation: Testing client application reachability for subscription Request-Id: ${randomUUID()}`;
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return 'Subscription validation request failed. The notification URL is not a valid absolute URL.';
    }
    target.searchParams.set('validationToken', token);
    let res: Response;
    try {
      res = await fetch(target, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        signal: AbortSignal.timeout(this.settings.validationTimeoutMs),
      });
    } catch (error) {
      return (error as Error).name === 'TimeoutError'
        ? 'Subscription validation request timed out.'
        : 'Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.';
    }
    const text = await res.text().catch(() => '');
    if (res.status !== 200) {
      return `Subscription validation request failed. HTTP status code is '${res.status}'. Notification endpoint must respond with 200 OK to validation request.`;
    }
    const type = res.headers.get('content-type') ?? '';
    if (!/^text\/plain/i.test(type) || text !== token) {
      return 'Subscription validation request failed. Response must exactly match validationToken query parameter.';
    }
    return undefined;
  }

  /** Forgets pending deliveries (after a reset or restore). */
  reset(): void {
    this.generation++;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.outboxes.clear();
    for (const wake of [...this.waits]) wake();
  }

  resetStats(): void {
    Object.assign(this.stats, { delivered: 0, failedAttempts: 0, dropped: 0, lifecycleDelivered: 0 });
  }

  /** Stops every timer; nothing is delivered afterwards. */
  close(): void {
    this.closed = true;
    this.reset();
  }
}

function eventVersions(mailbox: MailboxRecord): Fingerprint {
  const versions: Fingerprint = new Map();
  for (const event of Object.values(mailbox.events)) {
    const exceptions = Object.entries(event.exceptions)
      .map(([date, e]) => `${date}=${e.changeKey}`)
      .join(',');
    versions.set(
      event.id,
      `${event.changeKey}|${event.calendarId}|${event.modifiedAt}|${event.cancelledDates.length}|${exceptions}`,
    );
  }
  return versions;
}

function contactVersions(mailbox: MailboxRecord): Fingerprint {
  const versions: Fingerprint = new Map();
  for (const contact of Object.values(mailbox.contacts)) {
    versions.set(contact.id, `${contact.changeKey}|${contact.folderId}`);
  }
  return versions;
}

function diff(kind: 'events' | 'contacts', before: Fingerprint, after: Fingerprint): ChangeItem[] {
  const changes: ChangeItem[] = [];
  const folderOf = (version: string) => (kind === 'contacts' ? version.split('|')[1] : undefined);
  const etagOf = (version: string) => `W/"${version.split('|')[0]}"`;
  for (const [id, version] of after) {
    const old = before.get(id);
    if (old === version) continue;
    const folderId = folderOf(version);
    if (old !== undefined && kind === 'contacts' && folderOf(old) !== folderId) {
      // A move leaves one folder and enters another.
      changes.push({ changeType: 'deleted', kind, id, folderId: folderOf(old)! });
      changes.push({ changeType: 'created', kind, id, folderId: folderId!, etag: etagOf(version) });
      continue;
    }
    changes.push({
      changeType: old === undefined ? 'created' : 'updated',
      kind,
      id,
      ...(folderId ? { folderId } : {}),
      etag: etagOf(version),
    });
  }
  for (const [id, version] of before) {
    if (after.has(id)) continue;
    const folderId = folderOf(version);
    changes.push({ changeType: 'deleted', kind, id, ...(folderId ? { folderId } : {}) });
  }
  return changes;
}
