import type { Conflict, CrmChange, GraphItem, Link } from '../../../src/sync/changes';
import type { FieldValue, Snapshot, SyncResource } from '../../../src/sync/model';
import {
  EMPTY_STATE,
  PortError,
  type CrmCommit,
  type CrmPort,
  type EligibleRecords,
  type FoundLinks,
  type GraphChanges,
  type GraphPort,
  type GraphWrite,
  type GraphWritten,
  type LinkQuery,
  type Outcome,
  type PendingWrite,
  type PortErrorKind,
  type SyncState,
} from '../../../src/sync/ports';
import { normalizeSnapshot, sameSnapshot } from '../../../src/sync/snapshot';

/** A small deterministic generator, so a failing property run replays exactly. */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 0x100000000;
  };
}

function patch(current: Snapshot, snapshot: Snapshot, fields: readonly string[]): Snapshot {
  const out: Record<string, FieldValue> = { ...current };
  for (const f of fields) out[f] = snapshot[f] ?? null;
  return normalizeSnapshot(out);
}

interface FakeItem {
  snapshot: Snapshot;
  marker: string | null;
  changeKey: string;
  transactionId: string | null;
}

export interface GraphFaults {
  /** Share of writes that fail before taking effect. */
  failRate: number;
  /** Share of writes that take effect but whose answer is lost (a timeout). */
  lostRate: number;
  random: () => number;
}

/** Outlook as the engine sees it through `GraphPort`: one mailbox, containers, items, a delta log. */
export class FakeGraph implements GraphPort {
  readonly items = new Map<string, FakeItem>();
  /** Our container (it carries our marker). */
  container: { id: string; name: string } | null = null;
  /** Names of the user's own containers: never ours, but their names are taken. */
  userContainerNames: string[] = [];
  faults: GraphFaults | null = null;
  /** Cursors below this position answer `cursorExpired`. */
  expiredBefore = 0;
  /** Every delta read repeats its changes once more (Graph may replay items). */
  replay = false;
  /** Contacts have no transactionId: only the marker lookup prevents a duplicate. */
  honoursTransactionId = true;
  /** Runs once, before the first write call that updates items: what the user does meanwhile. */
  beforeUpdate: ((graphIds: string[]) => void) | null = null;
  readonly calls: Record<string, number> = {};
  private log: { seq: number; graphId: string }[] = [];
  private seq = 0;
  private next = 0;

  private count(name: string): void {
    this.calls[name] = (this.calls[name] ?? 0) + 1;
  }

  private touch(graphId: string): void {
    this.log.push({ seq: ++this.seq, graphId });
  }

  private newId(prefix: string): string {
    return `${prefix}-${++this.next}`;
  }

  // ---- what the user does in Outlook ----

  userCreate(snapshot: Snapshot): string {
    const id = this.newId('g');
    this.items.set(id, {
      snapshot: normalizeSnapshot(snapshot),
      marker: null,
      changeKey: 'k1',
      transactionId: null,
    });
    this.touch(id);
    return id;
  }

  userEdit(graphId: string, fields: Snapshot): void {
    const item = this.items.get(graphId);
    if (!item) return;
    item.snapshot = normalizeSnapshot({ ...item.snapshot, ...fields });
    item.changeKey = this.newId('k');
    this.touch(graphId);
  }

  userDelete(graphId: string): void {
    if (this.items.delete(graphId)) this.touch(graphId);
  }

  userDeleteContainer(): void {
    this.container = null;
    for (const id of [...this.items.keys()]) this.userDelete(id);
  }

  // ---- GraphPort ----

  async findContainer(): Promise<string | null> {
    this.count('findContainer');
    return this.container?.id ?? null;
  }

  async createContainer(name: string): Promise<string | null> {
    this.count('createContainer');
    const taken = [...this.userContainerNames, this.container?.name];
    if (taken.some((n) => n?.toLowerCase() === name.toLowerCase())) return null;
    this.container = { id: this.newId('container'), name };
    return this.container.id;
  }

  async deleteContainer(containerId: string): Promise<void> {
    this.count('deleteContainer');
    if (this.container?.id !== containerId) return;
    this.container = null;
    this.items.clear();
  }

  private checkContainer(containerId: string): void {
    if (this.container?.id !== containerId)
      throw new PortError('notFound', 'The container no longer exists.');
  }

  async changes(
    containerId: string,
    cursor: string | null,
    links: () => Promise<readonly Link[]>,
  ): Promise<GraphChanges> {
    this.count('changes');
    this.checkContainer(containerId);
    if (cursor === null) {
      const changes: GraphChanges['changes'] = [...this.items].map(([graphId, item]) =>
        this.item(graphId, item),
      );
      for (const { graphId } of await links())
        if (!this.items.has(graphId)) changes.push({ graphId, deleted: true });
      return { changes, cursor: String(this.seq) };
    }
    const from = Number(cursor);
    if (from < this.expiredBefore) throw new PortError('cursorExpired', 'The delta token has expired.');
    const ids = [...new Set(this.log.filter((e) => e.seq > from).map((e) => e.graphId))];
    const changes: GraphChanges['changes'] = ids.map((graphId) => {
      const item = this.items.get(graphId);
      return item ? this.item(graphId, item) : { graphId, deleted: true as const };
    });
    return { changes: this.replay ? [...changes, ...changes] : changes, cursor: String(this.seq) };
  }

  async findByMarker(containerId: string, crmIds: readonly string[]): Promise<GraphItem[]> {
    this.count('findByMarker');
    this.checkContainer(containerId);
    const wanted = new Set(crmIds);
    return [...this.items]
      .filter(([, item]) => item.marker !== null && wanted.has(item.marker))
      .map(([graphId, item]) => this.item(graphId, item));
  }

  async write(containerId: string, writes: readonly GraphWrite[]): Promise<Outcome<GraphWritten>[]> {
    this.count('write');
    this.checkContainer(containerId);
    const updated = writes.flatMap((w) => (w.op === 'update' ? [w.graphId] : []));
    if (this.beforeUpdate && updated.length > 0) {
      const hook = this.beforeUpdate;
      this.beforeUpdate = null;
      hook(updated);
    }
    return writes.map((w) => {
      const roll = this.faults?.random() ?? 1;
      if (this.faults && roll < this.faults.failRate) return fail('temporary', 'Injected fault.');
      const outcome = this.apply(w);
      if (this.faults && outcome.ok && roll < this.faults.failRate + this.faults.lostRate) {
        return fail('temporary', 'Injected timeout after the write.');
      }
      return outcome;
    });
  }

  private apply(w: GraphWrite): Outcome<GraphWritten> {
    switch (w.op) {
      case 'create': {
        // Like an event's transactionId: a repeated create answers with the first item.
        for (const [graphId, item] of this.items) {
          if (this.honoursTransactionId && item.transactionId === w.transactionId) {
            return ok({ graphId, changeKey: item.changeKey });
          }
        }
        const graphId = this.newId('g');
        const changeKey = this.newId('k');
        this.items.set(graphId, {
          snapshot: normalizeSnapshot(w.snapshot),
          marker: w.crmId,
          changeKey,
          transactionId: w.transactionId,
        });
        this.touch(graphId);
        return ok({ graphId, changeKey });
      }
      case 'update': {
        const item = this.items.get(w.graphId);
        if (!item) return fail('notFound', 'The item does not exist.');
        // Like the Graph port: written only over the version the merge was computed against.
        if (item.changeKey !== w.changeKey && !sameSnapshot(item.snapshot, w.base)) {
          return fail('conflict', 'The item changed since the sync read it.');
        }
        item.snapshot = patch(item.snapshot, w.snapshot, w.fields);
        item.changeKey = this.newId('k');
        this.touch(w.graphId);
        return ok({ graphId: w.graphId, changeKey: item.changeKey });
      }
      case 'delete':
        if (this.items.delete(w.graphId)) this.touch(w.graphId);
        return ok({ graphId: w.graphId, changeKey: null });
      case 'mark': {
        const item = this.items.get(w.graphId);
        if (!item) return fail('notFound', 'The item does not exist.');
        item.marker = w.crmId;
        item.changeKey = this.newId('k');
        this.touch(w.graphId);
        return ok({ graphId: w.graphId, changeKey: item.changeKey });
      }
    }
  }

  private item(graphId: string, item: FakeItem): GraphItem {
    return { graphId, snapshot: item.snapshot, changeKey: item.changeKey, marker: item.marker };
  }
}

function ok<T>(value: T): Outcome<T> {
  return { ok: true, value };
}

function fail<T>(kind: PortErrorKind, message: string): Outcome<T> {
  return { ok: false, error: { kind, message } };
}

export interface FakeRecord {
  snapshot: Snapshot;
  ownerId: string;
  origin: 'ui' | 'api' | 'import' | 'migration' | 'sync';
  massUpdated: boolean;
  deleted: boolean;
  /** Set when the sync soft-deleted it: the Outlook item whose deletion it followed. */
  deletedBySyncFrom: string | null;
  seq: number;
}

/** The CRM and the stored sync state as the engine sees them through `CrmPort`. */
export class FakeCrm implements CrmPort {
  readonly records = new Map<string, FakeRecord>();
  readonly links = new Map<string, Link>();
  /** How often the engine read links: all of them, or those of what changed. */
  readonly calls: { loadLinks?: number; findLinks?: number } = {};
  readonly conflicts: Conflict[] = [];
  pending = new Map<string, PendingWrite>();
  state: SyncState = { ...EMPTY_STATE };
  lease: { holder: string; expiresAt: number } | null = null;
  now = 0;
  private seq = 0;
  private next = 0;

  constructor(
    readonly resource: SyncResource = 'contacts',
    readonly userId = 'me',
  ) {}

  // ---- what users do in the CRM ----

  userCreate(snapshot: Snapshot, extra: Partial<FakeRecord> = {}): string {
    const id = `c-${++this.next}`;
    this.records.set(id, {
      snapshot: normalizeSnapshot(snapshot),
      ownerId: this.userId,
      origin: 'ui',
      massUpdated: false,
      deleted: false,
      deletedBySyncFrom: null,
      seq: ++this.seq,
      ...extra,
    });
    return id;
  }

  userEdit(crmId: string, fields: Snapshot): void {
    const r = this.records.get(crmId);
    if (!r || r.deleted) return;
    r.snapshot = normalizeSnapshot({ ...r.snapshot, ...fields });
    r.seq = ++this.seq;
  }

  userDelete(crmId: string): void {
    const r = this.records.get(crmId);
    if (!r || r.deleted) return;
    r.deleted = true;
    r.deletedBySyncFrom = null;
    r.seq = ++this.seq;
  }

  userRestore(crmId: string): void {
    const r = this.records.get(crmId);
    if (!r || !r.deleted) return;
    r.deleted = false;
    r.deletedBySyncFrom = null;
    r.seq = ++this.seq;
  }

  eligible(r: FakeRecord): boolean {
    return r.ownerId === this.userId && (!['import', 'migration'].includes(r.origin) || r.massUpdated);
  }

  // ---- CrmPort ----

  async acquireLease(holder: string, ttlMs: number): Promise<boolean> {
    if (this.lease && this.lease.holder !== holder && this.lease.expiresAt > this.now) return false;
    this.lease = { holder, expiresAt: this.now + ttlMs };
    return true;
  }

  async releaseLease(holder: string): Promise<void> {
    if (this.lease?.holder === holder) this.lease = null;
  }

  async loadState(): Promise<SyncState> {
    return { ...this.state };
  }

  async saveState(patch: Partial<SyncState>): Promise<void> {
    this.state = { ...this.state, ...patch };
  }

  async loadLinks(): Promise<Link[]> {
    this.calls.loadLinks = (this.calls.loadLinks ?? 0) + 1;
    return [...this.links.values()].map((l) => ({ ...l }));
  }

  async findLinks(query: LinkQuery): Promise<FoundLinks> {
    this.calls.findLinks = (this.calls.findLinks ?? 0) + 1;
    const crmIds = new Set(query.crmIds);
    const graphIds = new Set(query.graphIds);
    const links = [...this.links.values()]
      .filter((l) => crmIds.has(l.crmId) || graphIds.has(l.graphId))
      .map((l) => ({ ...l }));
    return { links, total: this.links.size };
  }

  async loadPending(): Promise<PendingWrite[]> {
    return [...this.pending.values()];
  }

  async addPending(pending: readonly PendingWrite[]): Promise<void> {
    for (const p of pending) this.pending.set(p.crmId, p);
  }

  async dropPending(crmIds: readonly string[]): Promise<void> {
    for (const id of crmIds) this.pending.delete(id);
  }

  async forget(): Promise<void> {
    this.links.clear();
    this.pending.clear();
    this.state = { ...EMPTY_STATE };
  }

  async eligibleRecords(limit: number): Promise<EligibleRecords> {
    const records = [...this.records]
      .filter(([, r]) => !r.deleted && this.eligible(r))
      .slice(0, limit)
      .map(([crmId, r]) => ({ crmId, snapshot: r.snapshot }));
    return { records, cursor: String(this.seq) };
  }

  async changes(cursor: string): Promise<{ changes: CrmChange[]; cursor: string }> {
    const from = Number(cursor);
    const changes = [...this.records]
      .filter(([, r]) => r.seq > from && this.eligible(r))
      .sort(([, a], [, b]) => a.seq - b.seq)
      .map(([crmId, r]) => this.change(crmId, r));
    return { changes, cursor: String(this.seq) };
  }

  async getRecords(crmIds: readonly string[]): Promise<CrmChange[]> {
    return crmIds.flatMap((id) => {
      const r = this.records.get(id);
      return r && this.eligible(r) ? [this.change(id, r)] : [];
    });
  }

  async commit(commits: readonly CrmCommit[]): Promise<Outcome<{ crmId: string }>[]> {
    return commits.map((c) => {
      let crmId = c.link?.op === 'save' ? c.link.crmId : c.link?.crmId;
      const w = c.record;
      if (w?.op === 'create') {
        crmId = `c-${++this.next}`;
        this.records.set(crmId, {
          snapshot: normalizeSnapshot(w.snapshot),
          ownerId: this.userId,
          origin: 'sync',
          massUpdated: false,
          deleted: false,
          deletedBySyncFrom: null,
          seq: ++this.seq,
        });
      } else if (w?.op === 'update') {
        const r = this.records.get(w.crmId);
        if (!r || (r.deleted && !w.restore)) return fail('notFound', 'No such record.');
        r.snapshot = patch(r.snapshot, w.snapshot, w.fields);
        r.deleted = false;
        r.deletedBySyncFrom = null;
        r.seq = ++this.seq;
      } else if (w?.op === 'delete') {
        const r = this.records.get(w.crmId);
        if (r && !r.deleted) {
          r.deleted = true;
          r.deletedBySyncFrom = this.links.get(w.crmId)?.graphId ?? null;
          r.seq = ++this.seq;
        }
      }
      if (!crmId) return fail('invalid', 'A commit needs a record id.');
      if (c.link?.op === 'save') {
        this.links.set(crmId, {
          crmId,
          graphId: c.link.graphId,
          snapshot: c.link.snapshot,
          changeKey: c.link.changeKey,
        });
        this.pending.delete(crmId);
      } else if (c.link?.op === 'remove') {
        this.links.delete(crmId);
        this.pending.delete(crmId);
      }
      this.conflicts.push(...(c.conflicts ?? []));
      return ok({ crmId });
    });
  }

  private change(crmId: string, r: FakeRecord): CrmChange {
    return r.deleted ? { crmId, deleted: true, snapshot: r.snapshot } : { crmId, snapshot: r.snapshot };
  }
}

/** Raised by a port after the fuse burns: the runner died mid-run. */
export class Crash extends Error {
  constructor() {
    super('crash');
    this.name = 'Crash';
  }
}

/**
 * Wraps a port so that after `calls` calls every call throws `Crash`; a call may die before or after
 * it took effect (the latter is a write whose answer never came back).
 */
export function withFuse<T extends object>(port: T, fuse: { calls: number; after: boolean }): T {
  return new Proxy(port, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        if (fuse.calls <= 0) throw new Crash();
        fuse.calls--;
        if (fuse.calls === 0 && fuse.after) {
          await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          throw new Crash();
        }
        return (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
      };
    },
  });
}
