import { sameSnapshot } from './snapshot';
import type { CrmChange, GraphChange, Link } from './changes';
import type { Snapshot, SyncResource } from './model';
import {
  DEFAULT_POLICY,
  plan,
  type Action,
  type ActionType,
  type PlanRefusal,
  type SyncPolicy,
} from './planner';
import {
  CONTAINER_NAMES,
  PortError,
  isRetryable,
  type CrmCommit,
  type CrmPort,
  type GraphPort,
  type GraphWrite,
  type GraphWritten,
  type Outcome,
  type PendingWrite,
  type PortErrorKind,
} from './ports';

/**
 * Runs one user's sync of one resource: prepare (state, links, changes of both sides), plan (pure),
 * execute (Graph writes first, then each action's CRM write, link and conflicts in one commit).
 * Cursors move only after a run in which nothing retryable failed, so a crash or a fault simply
 * replays the same changes next time; links make the replay a no-op for the work already done.
 */

/** The initial sync pushes at most this many CRM records (DESIGN §1). */
export const INITIAL_LIMITS: Record<SyncResource, number> = { calendar: 5000, contacts: 10000 };

export type SyncPhase = 'lease' | 'container' | 'collect' | 'plan' | 'apply' | 'done';

export interface SyncProgress {
  resource: SyncResource;
  phase: SyncPhase;
  done: number;
  total: number;
}

export type SyncMode = 'initial' | 'incremental' | 'reconcile';

export interface SyncFailure {
  action: ActionType;
  id: string;
  kind: PortErrorKind;
  message: string;
}

export interface SyncReport {
  resource: SyncResource;
  mode: SyncMode;
  /** `done`: every action applied; `partial`: some will be retried next run; `refused`: the guard stopped it. */
  outcome: 'done' | 'partial' | 'refused' | 'deactivated';
  applied: Partial<Record<ActionType, number>>;
  conflicts: number;
  failures: SyncFailure[];
  refused: PlanRefusal | null;
}

export class SyncBusyError extends Error {
  constructor(resource: SyncResource) {
    super(`Another sync of ${resource} is running for this user.`);
    this.name = 'SyncBusyError';
  }
}

export class SyncNotEnabledError extends Error {
  constructor(resource: SyncResource) {
    super(`${resource === 'calendar' ? 'Calendar' : 'Contact'} sync is not active.`);
    this.name = 'SyncNotEnabledError';
  }
}

export interface SyncEngineOptions {
  resource: SyncResource;
  graph: GraphPort;
  crm: CrmPort;
  policy?: SyncPolicy;
  /** Identifies this runner in the lease. */
  holder?: string;
  leaseMs?: number;
  initialLimit?: number;
  /** Actions per group: one Graph round (batched by the port) and one CRM commit per group. */
  groupSize?: number;
  onProgress?: (progress: SyncProgress) => void;
  newTransactionId?: () => string;
}

export class SyncEngine {
  private readonly resource: SyncResource;
  private readonly graph: GraphPort;
  private readonly crm: CrmPort;
  private readonly policy: SyncPolicy;
  private readonly holder: string;
  private readonly leaseMs: number;
  private readonly initialLimit: number;
  private readonly groupSize: number;
  private readonly onProgress: (progress: SyncProgress) => void;
  private readonly newTransactionId: () => string;

  constructor(options: SyncEngineOptions) {
    this.resource = options.resource;
    this.graph = options.graph;
    this.crm = options.crm;
    this.policy = options.policy ?? DEFAULT_POLICY;
    this.holder = options.holder ?? `runner-${globalThis.crypto.randomUUID()}`;
    this.leaseMs = options.leaseMs ?? 5 * 60_000;
    this.initialLimit = options.initialLimit ?? INITIAL_LIMITS[options.resource];
    this.groupSize = options.groupSize ?? 100;
    this.onProgress = options.onProgress ?? (() => {});
    this.newTransactionId = options.newTransactionId ?? (() => globalThis.crypto.randomUUID());
  }

  /** Turns the sync on (creating or re-finding the dedicated container) and runs it. */
  activate(): Promise<SyncReport> {
    return this.leased(() => this.run(true));
  }

  /** Runs an active sync; throws `SyncNotEnabledError` when it is off. */
  sync(): Promise<SyncReport> {
    return this.leased(() => this.run(false));
  }

  /** Deletes the dedicated container in Outlook and forgets links and cursors; CRM records stay. */
  deactivate(): Promise<void> {
    return this.leased(async () => {
      const state = await this.crm.loadState();
      if (state.containerId) await this.graph.deleteContainer(state.containerId);
      await this.crm.forget();
    });
  }

  /**
   * Creates our container under the first free name. A create whose answer was lost may still have
   * happened: look again (by marker) before giving up.
   */
  private async createContainer(): Promise<string> {
    for (const name of CONTAINER_NAMES) {
      let created: string | null;
      try {
        created = await this.graph.createContainer(name);
      } catch (error) {
        if (!(error instanceof PortError) || error.kind !== 'temporary') throw error;
        const found = await this.graph.findContainer();
        if (found) return found;
        throw error;
      }
      if (created) return created;
    }
    const what = this.resource === 'calendar' ? 'calendar' : 'contact folder';
    throw new PortError(
      'permanent',
      `Outlook already has a ${what} under each of the names Tandem uses (${CONTAINER_NAMES[0]} to ${CONTAINER_NAMES.at(-1)}). Rename or remove one of them and turn the sync on again.`,
    );
  }

  private async leased<T>(work: () => Promise<T>): Promise<T> {
    this.progress('lease', 0, 1);
    if (!(await this.crm.acquireLease(this.holder, this.leaseMs))) throw new SyncBusyError(this.resource);
    try {
      return await work();
    } finally {
      // A runner that dies never gets here: its lease simply expires. A failed release must not hide
      // the run's own error.
      await this.crm.releaseLease(this.holder).catch(() => undefined);
    }
  }

  private async run(activating: boolean): Promise<SyncReport> {
    let state = await this.crm.loadState();
    if (!state.enabled && !activating) throw new SyncNotEnabledError(this.resource);
    if (!state.enabled || !state.containerId) {
      this.progress('container', 0, 1);
      const containerId = (await this.graph.findContainer()) ?? (await this.createContainer());
      state = { enabled: true, containerId, graphCursor: null, crmCursor: null, initialDone: false };
      await this.crm.saveState(state);
    }
    const containerId = state.containerId as string;

    this.progress('collect', 0, 2);
    // Links are read only when something changed: a quiet run costs one delta read and no more.
    let linksLoaded: Promise<Link[]> | undefined;
    const loadLinks = () => (linksLoaded ??= this.crm.loadLinks());
    const linksOf = async (graphIds?: readonly string[]) =>
      graphIds ? (await this.crm.findLinks({ crmIds: [], graphIds })).links : loadLinks();

    let mode: SyncMode = state.initialDone ? 'incremental' : 'initial';
    let graphRead;
    try {
      if (mode === 'incremental' && state.graphCursor) {
        try {
          graphRead = await this.graph.changes(containerId, state.graphCursor, linksOf);
        } catch (error) {
          if (!(error instanceof PortError) || error.kind !== 'cursorExpired') throw error;
          mode = 'reconcile';
          graphRead = await this.graph.changes(containerId, null, linksOf);
        }
      } else {
        graphRead = await this.graph.changes(containerId, null, linksOf);
      }
    } catch (error) {
      if (error instanceof PortError && error.kind === 'notFound') {
        // The user deleted our calendar/folder in Outlook: that turns the sync off, CRM untouched.
        await this.crm.forget();
        return this.report(mode, 'deactivated', [], [], null);
      }
      throw error;
    }
    const graphChanges: GraphChange[] = [...graphRead.changes];
    this.progress('collect', 1, 2);

    let crmChanges: CrmChange[];
    let crmCursor: string;
    if (mode === 'initial' || !state.crmCursor) {
      const eligible = await this.crm.eligibleRecords(this.initialLimit);
      crmChanges = eligible.records;
      crmCursor = eligible.cursor;
      // A listing shows no deletions: linked records it leaves out (an initial sync resumed after a
      // crash) are looked up; those no longer the user's eligible records count as deleted.
      const listed = new Set(crmChanges.map((c) => c.crmId));
      const missing = (await loadLinks()).map((l) => l.crmId).filter((id) => !listed.has(id));
      if (missing.length > 0) {
        const found = await this.crm.getRecords(missing);
        const foundIds = new Set(found.map((f) => f.crmId));
        crmChanges.push(...found);
        for (const crmId of missing) if (!foundIds.has(crmId)) crmChanges.push({ crmId, deleted: true });
      }
    } else {
      const read = await this.crm.changes(state.crmCursor);
      crmChanges = read.changes;
      crmCursor = read.cursor;
    }

    // Creates sent before a crash whose links were never stored: find the items by our marker
    // (linked records too: a re-create after Outlook deleted the item may have gone unanswered).
    const pending = await this.crm.loadPending();
    if (
      mode === 'incremental' &&
      graphChanges.length === 0 &&
      crmChanges.length === 0 &&
      pending.length === 0
    ) {
      if (graphRead.cursor !== state.graphCursor || crmCursor !== state.crmCursor) {
        await this.crm.saveState({ graphCursor: graphRead.cursor, crmCursor });
      }
      this.progress('done', 0, 0);
      return this.report(mode, 'done', [], [], null);
    }
    const unresolved = pending.filter((p) => p.kind === 'create');
    // Deletions we sent before a crash come back in the delta: they are ours, not the user's.
    const ourDeletes = new Set(pending.flatMap((p) => (p.kind === 'delete' ? [p.graphId] : [])));
    if (ourDeletes.size > 0) {
      for (let i = 0; i < graphChanges.length; i++) {
        const g = graphChanges[i] as GraphChange;
        if (g.deleted && ourDeletes.has(g.graphId)) graphChanges[i] = { ...g, ours: true };
      }
    }
    if (unresolved.length > 0) {
      graphChanges.push(
        ...(await this.graph.findByMarker(
          containerId,
          unresolved.map((p) => p.crmId),
        )),
      );
    }
    // An incremental run reads only the links of what changed (unless the Graph port needed them all).
    let links: Link[];
    let linkedTotal: number;
    if (linksLoaded || mode !== 'incremental') {
      links = await loadLinks();
      linkedTotal = links.length;
    } else {
      const crmIds = [...crmChanges.map((c) => c.crmId), ...pending.map((p) => p.crmId)];
      const graphIds = [...ourDeletes];
      for (const g of graphChanges) {
        graphIds.push(g.graphId);
        if (!g.deleted && g.marker !== null) crmIds.push(g.marker);
      }
      ({ links, total: linkedTotal } = await this.crm.findLinks({ crmIds, graphIds }));
    }
    const linkByCrm = new Map(links.map((l) => [l.crmId, l]));
    const linkedGraphIds = new Set(links.map((l) => l.graphId));
    // The planner pairs a marked item with its record only if it sees the record's current state.
    const known = new Set(crmChanges.map((c) => c.crmId));
    const wanted = new Set<string>();
    for (const g of graphChanges) {
      if (!g.deleted && g.marker !== null && !linkedGraphIds.has(g.graphId) && !known.has(g.marker)) {
        wanted.add(g.marker);
      }
    }
    for (const p of unresolved) if (!known.has(p.crmId)) wanted.add(p.crmId);
    if (wanted.size > 0) crmChanges = [...crmChanges, ...(await this.crm.getRecords([...wanted]))];
    this.progress('collect', 2, 2);

    this.progress('plan', 0, 1);
    const planned = plan(links, crmChanges, graphChanges, this.policy, linkedTotal);
    if (planned.refused) return this.report(mode, 'refused', [], [], planned.refused);

    // What each update was merged against on the Outlook side: the item as read in this run or, when
    // the run read no change of it, the content of its link. Outlook writes only over that version.
    const bases = new Map<string, Snapshot>();
    for (const l of links) bases.set(l.graphId, l.snapshot);
    for (const g of graphChanges) if (!g.deleted) bases.set(g.graphId, g.snapshot);

    const applied: Action[] = [];
    const failures: SyncFailure[] = [];
    const transactionIds = new Map(unresolved.map((p) => [p.crmId, p.transactionId]));
    const total = planned.actions.length;
    this.progress('apply', 0, total);
    // The CRM work around a group's Outlook writes overlaps them: the next group's journal entries
    // are stored and the previous group's commit runs while this group's writes are in flight. Each
    // write still leaves only after its own journal entry is stored, and each action commits only
    // after its own write, so a crash anywhere leaves nothing half-linked.
    const groups: Action[][] = [];
    for (let i = 0; i < total; i += this.groupSize) groups.push(planned.actions.slice(i, i + this.groupSize));
    const journal = (group: readonly Action[] | undefined) => {
      const journalled = group ? this.journalWrites(group, linkByCrm, bases, transactionIds) : undefined;
      // Awaited in its turn; this only keeps Node from calling it unhandled meanwhile.
      journalled?.catch(() => undefined);
      return journalled;
    };
    let journalled = journal(groups[0]);
    let committing: Promise<void> = Promise.resolve();
    let done = 0;
    for (let g = 0; g < groups.length; g++) {
      const group = groups[g] as Action[];
      const writes = (await journalled) as JournalledWrites;
      if (g > 0 && !(await this.crm.acquireLease(this.holder, this.leaseMs)))
        throw new SyncBusyError(this.resource);
      const writing = this.sendToGraph(containerId, writes);
      journalled = journal(groups[g + 1]);
      const written = await writing;
      await committing;
      done += group.length;
      const groupDone = done;
      committing = this.commitGroup(containerId, group, written, linkByCrm, applied, failures).then(() =>
        this.progress('apply', groupDone, total),
      );
      committing.catch(() => undefined);
    }
    await committing;

    const retry = failures.some((f) => isRetryable(f.kind) || f.kind === 'notFound');
    if (!retry) {
      await this.crm.saveState({ graphCursor: graphRead.cursor, crmCursor, initialDone: true });
      // Every write of this run is settled or failed for good, and every earlier one was looked up.
      const settled = new Set([...pending.map((p) => p.crmId), ...transactionIds.keys()]);
      if (settled.size > 0) await this.crm.dropPending([...settled]);
      if (applied.some(writesGraph)) await this.absorbEchoes(containerId, graphRead.cursor);
    }
    this.progress('done', total, total);
    return this.report(mode, retry ? 'partial' : 'done', applied, failures, null);
  }

  /**
   * Our own writes come back in the next delta. Reading them now, while they are all there is, keeps
   * the next run's read small: the cursor moves past them only if nothing else changed meanwhile.
   */
  private async absorbEchoes(containerId: string, cursor: string): Promise<void> {
    let all: Promise<Link[]> | undefined;
    let read;
    try {
      read = await this.graph.changes(containerId, cursor, async (graphIds) =>
        graphIds
          ? (await this.crm.findLinks({ crmIds: [], graphIds })).links
          : (all ??= this.crm.loadLinks()),
      );
    } catch (error) {
      if (error instanceof PortError) return;
      throw error;
    }
    const links = all
      ? await all
      : (await this.crm.findLinks({ crmIds: [], graphIds: read.changes.map((g) => g.graphId) })).links;
    const byGraph = new Map(links.map((l) => [l.graphId, l]));
    const onlyEchoes = read.changes.every((g) => {
      const link = byGraph.get(g.graphId);
      return g.deleted ? link === undefined : link !== undefined && sameSnapshot(link.snapshot, g.snapshot);
    });
    if (onlyEchoes) await this.crm.saveState({ graphCursor: read.cursor });
  }

  /**
   * The Outlook writes of a group, one per action that needs one, with the creates and deletions
   * among them journalled in the CRM first (a crash or a lost answer then replays into a no-op).
   */
  private async journalWrites(
    group: readonly Action[],
    linkByCrm: ReadonlyMap<string, Link>,
    bases: ReadonlyMap<string, Snapshot>,
    transactionIds: Map<string, string>,
  ): Promise<JournalledWrites> {
    const writes: GraphWrite[] = [];
    const writeIndex = new Map<Action, number>();
    const newPending: PendingWrite[] = [];
    for (const action of group) {
      const write = graphWrite(action, bases, (crmId) => {
        let id = transactionIds.get(crmId);
        if (!id) {
          id = this.newTransactionId();
          transactionIds.set(crmId, id);
          newPending.push({ crmId, kind: 'create', transactionId: id });
        }
        return id;
      });
      if (write) {
        writeIndex.set(action, writes.length);
        writes.push(write);
      }
      if (action.type === 'deleteGraph' && linkByCrm.get(action.crmId)?.graphId === action.graphId) {
        newPending.push({ crmId: action.crmId, kind: 'delete', graphId: action.graphId });
      }
    }
    if (newPending.length > 0) await this.crm.addPending(newPending);
    return { writes, writeIndex };
  }

  /** Sends a group's journalled writes; the outcomes by action. */
  private async sendToGraph(
    containerId: string,
    { writes, writeIndex }: JournalledWrites,
  ): Promise<Map<Action, Outcome<GraphWritten>>> {
    const written = writes.length > 0 ? await this.graph.write(containerId, writes) : [];
    const byAction = new Map<Action, Outcome<GraphWritten>>();
    for (const [action, index] of writeIndex) {
      const outcome = written[index];
      if (outcome) byAction.set(action, outcome);
    }
    return byAction;
  }

  /** CRM side: the record write, link and conflicts of each action whose Outlook part succeeded. */
  private async commitGroup(
    containerId: string,
    group: readonly Action[],
    written: ReadonlyMap<Action, Outcome<GraphWritten>>,
    linkByCrm: ReadonlyMap<string, Link>,
    applied: Action[],
    failures: SyncFailure[],
  ): Promise<void> {
    const commits: CrmCommit[] = [];
    const committing: Action[] = [];
    for (const action of group) {
      const outcome = written.get(action);
      if (outcome && !outcome.ok) {
        failures.push(failure(action, outcome.error.kind, outcome.error.message));
        continue;
      }
      const commit = crmCommit(action, linkByCrm, outcome?.value);
      if (!commit) {
        applied.push(action);
        continue;
      }
      commits.push(commit);
      committing.push(action);
    }
    const committed = commits.length > 0 ? await this.crm.commit(commits) : [];

    // Stamp our id on items that came from Outlook, so a reinstall re-links them.
    const marks: GraphWrite[] = [];
    committing.forEach((action, i) => {
      const outcome = committed[i];
      if (!outcome) return;
      if (!outcome.ok) {
        failures.push(failure(action, outcome.error.kind, outcome.error.message));
        return;
      }
      applied.push(action);
      if (action.type === 'createCrm')
        marks.push({ op: 'mark', graphId: action.graphId, crmId: outcome.value.crmId });
    });
    // A lost mark only costs a re-link by content later; it does not block the run.
    if (marks.length > 0) await this.graph.write(containerId, marks);
  }

  private report(
    mode: SyncMode,
    outcome: SyncReport['outcome'],
    applied: readonly Action[],
    failures: SyncFailure[],
    refused: PlanRefusal | null,
  ): SyncReport {
    const counts: Partial<Record<ActionType, number>> = {};
    let conflicts = 0;
    for (const a of applied) {
      counts[a.type] = (counts[a.type] ?? 0) + 1;
      if (a.type === 'update') conflicts += a.conflicts.length;
    }
    return { resource: this.resource, mode, outcome, applied: counts, conflicts, failures, refused };
  }

  private progress(phase: SyncPhase, done: number, total: number): void {
    this.onProgress({ resource: this.resource, phase, done, total });
  }
}

interface JournalledWrites {
  writes: GraphWrite[];
  /** Which write carries each action (actions with nothing to write in Outlook have none). */
  writeIndex: Map<Action, number>;
}

function graphWrite(
  action: Action,
  bases: ReadonlyMap<string, Snapshot>,
  transactionId: (crmId: string) => string,
): GraphWrite | null {
  switch (action.type) {
    case 'createGraph':
      return {
        op: 'create',
        crmId: action.crmId,
        snapshot: action.snapshot,
        transactionId: transactionId(action.crmId),
      };
    case 'update':
      return action.toGraph.length === 0
        ? null
        : {
            op: 'update',
            graphId: action.graphId,
            snapshot: action.snapshot,
            fields: action.toGraph,
            changeKey: action.changeKey,
            base: bases.get(action.graphId) ?? {},
          };
    case 'deleteGraph':
    case 'deleteDuplicate':
      return { op: 'delete', graphId: action.graphId };
    default:
      return null;
  }
}

function crmCommit(
  action: Action,
  linkByCrm: ReadonlyMap<string, Link>,
  written: { graphId: string; changeKey: string | null } | undefined,
): CrmCommit | null {
  switch (action.type) {
    case 'createGraph':
      return {
        link: {
          op: 'save',
          crmId: action.crmId,
          graphId: written?.graphId ?? '',
          snapshot: action.snapshot,
          changeKey: written?.changeKey ?? null,
        },
      };
    case 'createCrm':
      return {
        record: { op: 'create', snapshot: action.snapshot },
        link: { op: 'save', graphId: action.graphId, snapshot: action.snapshot, changeKey: action.changeKey },
      };
    case 'update': {
      const recordChanges = action.toCrm.length > 0 || action.restoreCrm;
      return {
        ...(recordChanges
          ? {
              record: {
                op: 'update' as const,
                crmId: action.crmId,
                snapshot: action.snapshot,
                fields: action.toCrm,
                restore: action.restoreCrm,
              },
            }
          : {}),
        link: {
          op: 'save',
          crmId: action.crmId,
          graphId: action.graphId,
          snapshot: action.snapshot,
          changeKey: written?.changeKey ?? action.changeKey,
        },
        conflicts: action.conflicts,
      };
    }
    case 'deleteGraph':
      // The record's link goes, whichever item it named (there may be none: an unlinked item of ours).
      return { link: { op: 'remove', crmId: action.crmId } };
    case 'deleteCrm':
      return { record: { op: 'delete', crmId: action.crmId }, link: { op: 'remove', crmId: action.crmId } };
    case 'unlink':
      return { link: { op: 'remove', crmId: action.crmId } };
    case 'deleteDuplicate':
      return null;
  }
}

function writesGraph(action: Action): boolean {
  return (
    action.type !== 'createCrm' &&
    action.type !== 'unlink' &&
    !(action.type === 'update' && action.toGraph.length === 0)
  );
}

function failure(action: Action, kind: PortErrorKind, message: string): SyncFailure {
  const id = 'crmId' in action ? action.crmId : action.graphId;
  return { action: action.type, id, kind, message };
}
