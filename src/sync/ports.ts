import type { Conflict, CrmChange, GraphChange, GraphItem, Link } from './changes';
import type { Snapshot, SyncResource } from './model';
import type { PortErrorKind } from './port-errors';

export { isRetryable, type PortErrorKind } from './port-errors';

/**
 * The two sides as the engine sees them. Each port is bound to one user and one resource and speaks
 * in snapshots: mapping Graph JSON or CRM records is the adapters' business, not the engine's.
 */

export class PortError extends Error {
  constructor(
    readonly kind: PortErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'PortError';
  }
}

export type Outcome<T> =
  { ok: true; value: T } | { ok: false; error: { kind: PortErrorKind; message: string } };

/** Name of the dedicated calendar / contact folder. */
export const CONTAINER_NAME = 'Tandem';

/**
 * Names tried in turn when creating our container: Outlook refuses a second calendar or contact folder
 * with a name already taken, and one named like ours without our marker is the user's own.
 */
export const CONTAINER_NAMES: readonly string[] = [
  CONTAINER_NAME,
  ...Array.from({ length: 9 }, (_, i) => `${CONTAINER_NAME} (${i + 2})`),
];

export interface GraphChanges {
  changes: GraphChange[];
  /** Where the next incremental read starts. */
  cursor: string;
  /** Items read whose content the mapping refused: left out of `changes`, reported by the run. */
  unreadable?: UnreadableItem[];
}

export interface UnreadableItem {
  graphId: string;
  message: string;
}

export type GraphWrite =
  | { op: 'create'; crmId: string; snapshot: Snapshot; transactionId: string }
  /**
   * Bring an item to `snapshot` by writing `fields`, only if Outlook still holds the version the merge
   * was computed against: `changeKey` is that version's (the link's, when the run read no change of
   * the item) and `base` its content. Otherwise the write fails with `conflict` and changes nothing.
   */
  | {
      op: 'update';
      graphId: string;
      snapshot: Snapshot;
      fields: readonly string[];
      changeKey: string | null;
      base: Snapshot;
    }
  | { op: 'delete'; graphId: string }
  /** Stamp our CRM id on an item that came from Outlook, so a reinstall re-links it. */
  | { op: 'mark'; graphId: string; crmId: string };

export interface GraphWritten {
  graphId: string;
  changeKey: string | null;
}

/** The links of these Outlook items, or without ids every link. */
export type LinksOf = (graphIds?: readonly string[]) => Promise<readonly Link[]>;

export interface GraphPort {
  /**
   * Our container: the one carrying our container marker, whatever its name now. A container that
   * only has our name is the user's own and is never returned.
   */
  findContainer(): Promise<string | null>;
  /** Creates a container carrying our marker; null when a container named `name` already exists. */
  createContainer(name: string): Promise<string | null>;
  /**
   * Deletes our container. One without our marker is left as it is (it is not ours to delete);
   * deleting a container that is already gone succeeds.
   */
  deleteContainer(containerId: string): Promise<void>;
  /**
   * Changes since `cursor`; with `cursor === null`, every item now in the container, plus a deletion
   * for each linked item that is no longer there. `links` (read on demand: a quiet delta needs none)
   * lets an adapter tell a linked item from one it must read again for its marker, one that left a
   * windowed view from one that was deleted, and find the series an occurrence belongs to; given
   * Outlook ids, it answers the links of those items only, without them every link.
   * Throws `PortError('cursorExpired')` when the cursor is no longer valid, `PortError('notFound')`
   * when the container is gone.
   */
  changes(containerId: string, cursor: string | null, links: LinksOf): Promise<GraphChanges>;
  /** Items in the container carrying these CRM ids as marker. */
  findByMarker(containerId: string, crmIds: readonly string[]): Promise<GraphItem[]>;
  /**
   * Batched writes with one outcome per write, in order; a delete of a missing item succeeds. An
   * update that meets a newer version of its item (edited in Outlook while the sync ran) fails with
   * `conflict`, a retryable kind: the next run reads that version and merges it.
   */
  write(containerId: string, writes: readonly GraphWrite[]): Promise<Outcome<GraphWritten>[]>;
}

export interface SyncState {
  enabled: boolean;
  containerId: string | null;
  graphCursor: string | null;
  crmCursor: string | null;
  /** The initial sync finished: later runs are incremental. */
  initialDone: boolean;
}

export const EMPTY_STATE: SyncState = {
  enabled: false,
  containerId: null,
  graphCursor: null,
  crmCursor: null,
  initialDone: false,
};

/**
 * An Outlook write whose link change is not stored yet. After a crash, a pending create is looked up
 * by marker (and re-sent with the same transactionId); a pending delete tells our own deletion of an
 * item from the user's.
 */
export type PendingWrite =
  | { crmId: string; kind: 'create'; transactionId: string }
  | { crmId: string; kind: 'delete'; graphId: string };

export type CrmRecordWrite =
  | { op: 'create'; snapshot: Snapshot }
  | { op: 'update'; crmId: string; snapshot: Snapshot; fields: readonly string[]; restore: boolean }
  /** Soft delete, marked as made by the sync. */
  | { op: 'delete'; crmId: string };

export type LinkWrite =
  /** `crmId` may be omitted when the record write creates the record. */
  | { op: 'save'; crmId?: string; graphId: string; snapshot: Snapshot; changeKey: string | null }
  | { op: 'remove'; crmId: string };

/** One unit of CRM-side work, committed atomically: the record write, its link and its conflicts. */
export interface CrmCommit {
  record?: CrmRecordWrite;
  link?: LinkWrite;
  conflicts?: readonly Conflict[];
}

export interface LinkQuery {
  crmIds: readonly string[];
  graphIds: readonly string[];
}

export interface FoundLinks {
  links: Link[];
  /** Links of the user and resource in all, found or not. */
  total: number;
}

export interface EligibleRecords {
  records: { crmId: string; snapshot: Snapshot }[];
  /** Change-feed position taken before reading, so nothing written meanwhile is missed. */
  cursor: string;
}

export interface CrmPort {
  readonly resource: SyncResource;
  /** Takes or renews the lease; false when another runner holds it. */
  acquireLease(holder: string, ttlMs: number): Promise<boolean>;
  releaseLease(holder: string): Promise<void>;
  loadState(): Promise<SyncState>;
  saveState(patch: Partial<SyncState>): Promise<void>;
  /** Every link of the user and resource. */
  loadLinks(): Promise<Link[]>;
  /**
   * The links naming any of these records or Outlook items, and how many links there are in all: an
   * incremental run needs only the links of what changed (and the total, for the mass-delete guard).
   */
  findLinks(query: LinkQuery): Promise<FoundLinks>;
  loadPending(): Promise<PendingWrite[]>;
  /** Records writes about to be sent; storing or removing a record's link clears its entry. */
  addPending(pending: readonly PendingWrite[]): Promise<void>;
  dropPending(crmIds: readonly string[]): Promise<void>;
  /** Forgets links, cursors and pending creates and disables the sync; CRM records stay as they are. */
  forget(): Promise<void>;
  /** The user's eligible records for the initial sync, in priority order, at most `limit`. */
  eligibleRecords(limit: number): Promise<EligibleRecords>;
  /** Eligible records changed since `cursor` (deletions included), and the next cursor. */
  changes(cursor: string): Promise<{ changes: CrmChange[]; cursor: string }>;
  /** Current state of these records; ids that are not the user's eligible records are left out. */
  getRecords(crmIds: readonly string[]): Promise<CrmChange[]>;
  /** Applies each commit atomically; one outcome per commit, in order, with the record's id. */
  commit(commits: readonly CrmCommit[]): Promise<Outcome<{ crmId: string }>[]>;
}
