import { changedSomething, crmCommit, graphWrite, writesGraph } from './action-writes';
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
  type GraphChanges,
  type GraphPort,
  type GraphWrite,
  type GraphWritten,
  type Outcome,
  type PendingWrite,
  type PortErrorKind,
  type SyncState,
  type UnreadableItem,
} from './ports';
import { sameSnapshot } from './snapshot';

/**
 * Runs one user's sync of one resource, in four steps:
 * - prepare: the state, the changes of both sides and the links they touch, as one `RunInputs`;
 * - plan: pure, in the planner;
 * - execute: Graph writes first, then each action's CRM write, link and conflicts in one commit;
 * - settle: move the cursors and clear the journal.
 * Cursors move only after a run in which nothing retryable failed, so a crash or a fault simply
 * replays the same changes next time; links make the replay a no-op for the work already done. An
 * item one side refuses (or whose content does not map) fails alone: it is listed in the report's
 * failures and the rest of the run commits.
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
  /** The action that failed; an Outlook item that could not be read is reported as the action it was headed for. */
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
    const state = await this.openContainer(activating);
    const inputs = await this.prepare(state);
    if ('outcome' in inputs) return inputs;
    this.progress('plan', 0, 1);
    const planned = plan(
      inputs.links,
      inputs.crmChanges,
      inputs.graphChanges,
      this.policy,
      inputs.linkedTotal,
    );
    if (planned.refused) return this.report(inputs, 'refused', [], [], planned.refused);
    const executed = await this.execute(inputs, planned.actions);
    return this.settle(inputs, executed, planned.actions.length);
  }

  /** The sync's state, with our container found or created when the sync is being turned on. */
  private async openContainer(activating: boolean): Promise<SyncState & { containerId: string }> {
    const state = await this.crm.loadState();
    if (!state.enabled && !activating) throw new SyncNotEnabledError(this.resource);
    if (state.enabled && state.containerId) return { ...state, containerId: state.containerId };
    this.progress('container', 0, 1);
    const containerId = (await this.graph.findContainer()) ?? (await this.createContainer());
    const opened = { enabled: true, containerId, graphCursor: null, crmCursor: null, initialDone: false };
    await this.crm.saveState(opened);
    return opened;
  }

  /**
   * Step 1: what the run works from. Both sides' changes, the journal of writes a crashed run left,
   * and the links the plan needs. A quiet incremental run ends here (a deleted container too).
   */
  private async prepare(state: SyncState & { containerId: string }): Promise<RunInputs | SyncReport> {
    this.progress('collect', 0, 2);
    const links = new LinkReader(this.crm);
    const graphRead = await this.readGraph(state, links);
    if ('outcome' in graphRead) return graphRead;
    this.progress('collect', 1, 2);
    const { mode, read } = graphRead;
    const crmRead = await this.readCrm(mode, state, links);
    const pending = await this.crm.loadPending();
    const quiet = read.changes.length === 0 && crmRead.changes.length === 0 && pending.length === 0;
    if (mode === 'incremental' && quiet && !read.unreadable?.length) {
      if (read.cursor !== state.graphCursor || crmRead.cursor !== state.crmCursor) {
        await this.crm.saveState({ graphCursor: read.cursor, crmCursor: crmRead.cursor });
      }
      this.progress('done', 0, 0);
      return this.report({ mode }, 'done', [], [], null);
    }
    const inputs: RunInputs = {
      mode,
      containerId: state.containerId,
      cursors: { graph: read.cursor, crm: crmRead.cursor },
      graphChanges: [...read.changes],
      crmChanges: crmRead.changes,
      unreadable: read.unreadable ?? [],
      pending,
      links: [],
      linkedTotal: 0,
    };
    await this.replayJournal(inputs);
    await this.narrowLinks(inputs, links);
    this.progress('collect', 2, 2);
    return inputs;
  }

  /** Outlook's changes: incremental from the cursor, or a full read (a reconcile when it expired). */
  private async readGraph(
    state: SyncState & { containerId: string },
    links: LinkReader,
  ): Promise<{ mode: SyncMode; read: GraphChanges } | SyncReport> {
    let mode: SyncMode = state.initialDone ? 'incremental' : 'initial';
    const read = (cursor: string | null) => this.graph.changes(state.containerId, cursor, links.of);
    try {
      if (mode !== 'incremental' || !state.graphCursor) return { mode, read: await read(null) };
      try {
        return { mode, read: await read(state.graphCursor) };
      } catch (error) {
        if (!(error instanceof PortError) || error.kind !== 'cursorExpired') throw error;
        mode = 'reconcile';
        return { mode, read: await read(null) };
      }
    } catch (error) {
      if (!(error instanceof PortError) || error.kind !== 'notFound') throw error;
      // The user deleted our calendar/folder in Outlook: that turns the sync off, CRM untouched.
      await this.crm.forget();
      return this.report({ mode }, 'deactivated', [], [], null);
    }
  }

  /** The CRM's changes since its cursor; for an initial or reconciling run, every eligible record. */
  private async readCrm(
    mode: SyncMode,
    state: SyncState,
    links: LinkReader,
  ): Promise<{ changes: CrmChange[]; cursor: string }> {
    if (mode !== 'initial' && state.crmCursor) return this.crm.changes(state.crmCursor);
    const eligible = await this.crm.eligibleRecords(this.initialLimit);
    const changes: CrmChange[] = eligible.records;
    // A listing shows no deletions: linked records it leaves out (an initial sync resumed after a
    // crash) are looked up; those no longer the user's eligible records count as deleted.
    const listed = new Set(changes.map((c) => c.crmId));
    const missing = (await links.all()).map((l) => l.crmId).filter((id) => !listed.has(id));
    if (missing.length > 0) {
      const found = await this.crm.getRecords(missing);
      const foundIds = new Set(found.map((f) => f.crmId));
      changes.push(...found);
      for (const crmId of missing) if (!foundIds.has(crmId)) changes.push({ crmId, deleted: true });
    }
    return { changes, cursor: eligible.cursor };
  }

  /**
   * Writes a crashed run sent but never linked: deletions we sent come back in the delta as ours,
   * not the user's; creates are found by our marker (linked records too: a re-create after Outlook
   * deleted the item may have gone unanswered).
   */
  private async replayJournal(inputs: RunInputs): Promise<void> {
    const ourDeletes = new Set(inputs.pending.flatMap((p) => (p.kind === 'delete' ? [p.graphId] : [])));
    if (ourDeletes.size > 0) {
      inputs.graphChanges = inputs.graphChanges.map((g) =>
        g.deleted && ourDeletes.has(g.graphId) ? { ...g, ours: true } : g,
      );
    }
    const unresolved = unresolvedCreates(inputs.pending);
    if (unresolved.length === 0) return;
    const found = await this.graph.findByMarker(
      inputs.containerId,
      unresolved.map((p) => p.crmId),
    );
    inputs.graphChanges.push(...found);
  }

  /**
   * The links the plan needs: all of them for a full read, or (incremental) only those of what
   * changed, with their total for the mass-delete guard. The planner pairs a marked item with its
   * record only if it sees the record's current state: those records are read too.
   */
  private async narrowLinks(inputs: RunInputs, links: LinkReader): Promise<void> {
    if (links.loaded || inputs.mode !== 'incremental') {
      inputs.links = await links.all();
      inputs.linkedTotal = inputs.links.length;
    } else {
      const crmIds = [...inputs.crmChanges.map((c) => c.crmId), ...inputs.pending.map((p) => p.crmId)];
      const graphIds = inputs.pending.flatMap((p) => (p.kind === 'delete' ? [p.graphId] : []));
      graphIds.push(...inputs.unreadable.map((u) => u.graphId));
      for (const g of inputs.graphChanges) {
        graphIds.push(g.graphId);
        if (!g.deleted && g.marker !== null) crmIds.push(g.marker);
      }
      ({ links: inputs.links, total: inputs.linkedTotal } = await this.crm.findLinks({ crmIds, graphIds }));
    }
    const linkedGraphIds = new Set(inputs.links.map((l) => l.graphId));
    const known = new Set(inputs.crmChanges.map((c) => c.crmId));
    const wanted = new Set<string>();
    for (const g of inputs.graphChanges) {
      if (!g.deleted && g.marker !== null && !linkedGraphIds.has(g.graphId) && !known.has(g.marker)) {
        wanted.add(g.marker);
      }
    }
    for (const p of unresolvedCreates(inputs.pending)) if (!known.has(p.crmId)) wanted.add(p.crmId);
    if (wanted.size > 0)
      inputs.crmChanges = [...inputs.crmChanges, ...(await this.crm.getRecords([...wanted]))];
  }

  /**
   * Step 3: the plan's actions in groups: one Graph round (batched by the port) and one CRM commit
   * per group. The CRM work around a group's Outlook writes overlaps them: the next group's journal
   * entries are stored and the previous group's commit runs while this group's writes are in
   * flight. Each write still leaves only after its own journal entry is stored, and each action
   * commits only after its own write, so a crash anywhere leaves nothing half-linked.
   */
  private async execute(inputs: RunInputs, actions: readonly Action[]): Promise<RunWork> {
    const run = new RunWork(inputs);
    const total = actions.length;
    this.progress('apply', 0, total);
    const groups: Action[][] = [];
    for (let i = 0; i < total; i += this.groupSize) groups.push(actions.slice(i, i + this.groupSize));
    const journal = (group: readonly Action[] | undefined) => {
      const journalled = group ? this.journalWrites(group, run) : undefined;
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
      const writing = this.sendToGraph(inputs.containerId, writes);
      journalled = journal(groups[g + 1]);
      const written = await writing;
      await committing;
      const groupDone = (done += group.length);
      committing = this.commitGroup(group, written, run).then(() => this.progress('apply', groupDone, total));
      committing.catch(() => undefined);
    }
    await committing;
    return run;
  }

  /**
   * Step 4: cursors move, the journal is cleared and our own writes' echoes are read, unless
   * something retryable failed: then the next run replays this one's changes.
   */
  private async settle(inputs: RunInputs, executed: RunWork, total: number): Promise<SyncReport> {
    const { applied, failures, transactionIds } = executed;
    const retry = failures.some((f) => isRetryable(f.kind) || f.kind === 'notFound');
    if (!retry) {
      const { graph, crm } = inputs.cursors;
      await this.crm.saveState({ graphCursor: graph, crmCursor: crm, initialDone: true });
      // Every write of this run is settled or failed for good, and every earlier one was looked up.
      const settled = new Set([...inputs.pending.map((p) => p.crmId), ...transactionIds.keys()]);
      if (settled.size > 0) await this.crm.dropPending([...settled]);
      if (applied.some(writesGraph)) await this.absorbEchoes(inputs.containerId, graph);
    }
    this.progress('done', total, total);
    return this.report(executed, retry ? 'partial' : 'done', applied, failures, null);
  }

  /**
   * Our own writes come back in the next delta. Reading them now, while they are all there is, keeps
   * the next run's read small: the cursor moves past them only if nothing else changed meanwhile.
   */
  private async absorbEchoes(containerId: string, cursor: string): Promise<void> {
    const links = new LinkReader(this.crm);
    let read;
    try {
      read = await this.graph.changes(containerId, cursor, links.of);
    } catch (error) {
      if (error instanceof PortError) return;
      throw error;
    }
    if (read.unreadable?.length) return;
    const known = links.loaded
      ? await links.all()
      : (await this.crm.findLinks({ crmIds: [], graphIds: read.changes.map((g) => g.graphId) })).links;
    const byGraph = new Map(known.map((l) => [l.graphId, l]));
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
  private async journalWrites(group: readonly Action[], run: RunWork): Promise<JournalledWrites> {
    const writes: GraphWrite[] = [];
    const writeIndex = new Map<Action, number>();
    const newPending: PendingWrite[] = [];
    const transactionId = (crmId: string) => {
      let id = run.transactionIds.get(crmId);
      if (!id) {
        id = this.newTransactionId();
        run.transactionIds.set(crmId, id);
        newPending.push({ crmId, kind: 'create', transactionId: id });
      }
      return id;
    };
    for (const action of group) {
      const write = graphWrite(action, run.bases, transactionId);
      if (write) {
        writeIndex.set(action, writes.length);
        writes.push(write);
      }
      if (action.type === 'deleteGraph' && run.linkByCrm.get(action.crmId)?.graphId === action.graphId) {
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
    group: readonly Action[],
    written: ReadonlyMap<Action, Outcome<GraphWritten>>,
    run: RunWork,
  ): Promise<void> {
    const commits: CrmCommit[] = [];
    const committing: Action[] = [];
    for (const action of group) {
      const outcome = written.get(action);
      if (outcome && !outcome.ok) {
        run.failures.push(failure(action, outcome.error.kind, outcome.error.message));
        continue;
      }
      const commit = crmCommit(action, outcome?.value);
      if (!commit) run.applied.push(action);
      else {
        commits.push(commit);
        committing.push(action);
      }
    }
    const committed = commits.length > 0 ? await this.crm.commit(commits) : [];
    await this.markCreated(run, committing, committed);
  }

  /**
   * Records each commit's outcome, and stamps our id on the items that came from Outlook, so a
   * reinstall re-links them. A lost mark only costs a re-link by content later: it does not fail.
   */
  private async markCreated(
    run: RunWork,
    committing: readonly Action[],
    committed: readonly Outcome<{ crmId: string }>[],
  ): Promise<void> {
    const marks: GraphWrite[] = [];
    committing.forEach((action, i) => {
      const outcome = committed[i];
      if (!outcome) return;
      if (!outcome.ok) {
        run.failures.push(failure(action, outcome.error.kind, outcome.error.message));
        return;
      }
      run.applied.push(action);
      if (action.type === 'createCrm')
        marks.push({ op: 'mark', graphId: action.graphId, crmId: outcome.value.crmId });
    });
    if (marks.length > 0) await this.graph.write(run.containerId, marks);
  }

  private report(
    run: { mode: SyncMode; linkByCrm?: ReadonlyMap<string, Link> },
    outcome: SyncReport['outcome'],
    applied: readonly Action[],
    failures: SyncFailure[],
    refused: PlanRefusal | null,
  ): SyncReport {
    const counts: Partial<Record<ActionType, number>> = {};
    let conflicts = 0;
    const linkByCrm = run.linkByCrm ?? new Map<string, Link>();
    for (const a of applied) {
      if (changedSomething(a, linkByCrm)) counts[a.type] = (counts[a.type] ?? 0) + 1;
      if (a.type === 'update') conflicts += a.conflicts.length;
    }
    const { mode } = run;
    return { resource: this.resource, mode, outcome, applied: counts, conflicts, failures, refused };
  }

  private progress(phase: SyncPhase, done: number, total: number): void {
    this.onProgress({ resource: this.resource, phase, done, total });
  }
}

/** What a run works from, as `prepare` gathered it. */
interface RunInputs {
  mode: SyncMode;
  containerId: string;
  /** Where each side's next read starts once this run settles. */
  cursors: { graph: string; crm: string };
  graphChanges: GraphChange[];
  crmChanges: CrmChange[];
  /** Outlook items read whose content the mapping refused. */
  unreadable: UnreadableItem[];
  /** The journal of Outlook writes a crashed run left. */
  pending: PendingWrite[];
  /** Every link, or (incremental) those of what changed. */
  links: Link[];
  /** How many links there are in all. */
  linkedTotal: number;
}

/** What executing a plan produced. */
interface Execution {
  applied: Action[];
  failures: SyncFailure[];
  /** The transaction id of each create sent in this run or an earlier one, by record. */
  transactionIds: Map<string, string>;
}

/** The execute step's working set: what writes are merged against, and what they produced. */
class RunWork implements Execution {
  readonly mode: SyncMode;
  readonly containerId: string;
  readonly linkByCrm: Map<string, Link>;
  /**
   * What each update was merged against on the Outlook side: the item as read in this run or, when
   * the run read no change of it, the content of its link. Outlook writes only over that version.
   */
  readonly bases = new Map<string, Snapshot>();
  readonly transactionIds: Map<string, string>;
  readonly applied: Action[] = [];
  readonly failures: SyncFailure[];

  constructor(inputs: RunInputs) {
    this.mode = inputs.mode;
    this.containerId = inputs.containerId;
    this.linkByCrm = new Map(inputs.links.map((l) => [l.crmId, l]));
    for (const l of inputs.links) this.bases.set(l.graphId, l.snapshot);
    for (const g of inputs.graphChanges) if (!g.deleted) this.bases.set(g.graphId, g.snapshot);
    this.transactionIds = new Map(unresolvedCreates(inputs.pending).map((p) => [p.crmId, p.transactionId]));
    const linked = new Set(inputs.links.map((l) => l.graphId));
    this.failures = inputs.unreadable.map((u) => ({
      action: linked.has(u.graphId) ? 'update' : 'createCrm',
      id: u.graphId,
      kind: 'invalid',
      message: u.message,
    }));
  }
}

/**
 * The links of a run, read only when something asks: a quiet run costs one delta read and no more.
 * `of` answers the links of given Outlook items, or without ids every link (read once).
 */
class LinkReader {
  private every: Promise<Link[]> | undefined;

  constructor(private readonly crm: CrmPort) {}

  get loaded(): boolean {
    return this.every !== undefined;
  }

  all = (): Promise<Link[]> => (this.every ??= this.crm.loadLinks());

  of = async (graphIds?: readonly string[]): Promise<readonly Link[]> =>
    graphIds ? (await this.crm.findLinks({ crmIds: [], graphIds })).links : this.all();
}

interface JournalledWrites {
  writes: GraphWrite[];
  /** Which write carries each action (actions with nothing to write in Outlook have none). */
  writeIndex: Map<Action, number>;
}

type PendingCreate = Extract<PendingWrite, { kind: 'create' }>;

/** Creates sent before a crash whose links were never stored. */
function unresolvedCreates(pending: readonly PendingWrite[]): PendingCreate[] {
  return pending.filter((p): p is PendingCreate => p.kind === 'create');
}

function failure(action: Action, kind: PortErrorKind, message: string): SyncFailure {
  const id = 'crmId' in action ? action.crmId : action.graphId;
  return { action: action.type, id, kind, message };
}
