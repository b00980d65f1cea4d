import type { Conflict, CrmChange, GraphChange, GraphItem, Link, Side } from './changes';
import type { FieldValue, Snapshot } from './model';
import { changedFields, fieldsOf, normalizeSnapshot, sameSnapshot, sameValue } from './snapshot';

/**
 * The sync decision table as a pure function: links (what both sides agreed on last time) and the
 * changes seen on each side since then go in, the actions that make both sides agree come out.
 * Nothing here reads a clock or does I/O, so every rule is a unit test.
 */

export interface MassDeleteGuard {
  /** Refuse when the run would delete more than this share of the linked items… */
  maxShare: number;
  /** …and at least this many items are linked (small collections are left alone). */
  minLinks: number;
}

export interface SyncPolicy {
  /** Which side wins a field that both sides changed differently since the last sync. */
  conflictWinner: Side;
  /** `false` turns the guard off (after the user confirmed a large deletion). */
  massDelete: MassDeleteGuard | false;
}

export const DEFAULT_POLICY: SyncPolicy = {
  conflictWinner: 'crm',
  massDelete: { maxShare: 0.5, minLinks: 10 },
};

export type Action =
  /** New (or re-created) Outlook item from a CRM record; `replaces` is the link's deleted item. */
  | { type: 'createGraph'; crmId: string; snapshot: Snapshot; replaces: string | null }
  /** New CRM record from an Outlook item. */
  | { type: 'createCrm'; graphId: string; snapshot: Snapshot; changeKey: string | null }
  /**
   * Bring a linked pair to `snapshot`: write `toGraph` fields to Outlook, then `toCrm` fields to the
   * CRM (restoring a soft-deleted record first when `restoreCrm`), then store the link. Empty field
   * lists only store the link (both sides already agree).
   */
  | {
      type: 'update';
      crmId: string;
      graphId: string;
      snapshot: Snapshot;
      toGraph: string[];
      toCrm: string[];
      restoreCrm: boolean;
      changeKey: string | null;
      conflicts: Conflict[];
    }
  | { type: 'deleteGraph'; crmId: string; graphId: string }
  /** Soft delete: the record stays restorable in the CRM. */
  | { type: 'deleteCrm'; crmId: string; graphId: string }
  /** Both sides deleted the item: only the link goes. */
  | { type: 'unlink'; crmId: string; graphId: string }
  /** A second Outlook item carrying the marker of an already linked record: a duplicate of ours. */
  | { type: 'deleteDuplicate'; crmId: string; graphId: string };

export type ActionType = Action['type'];

export interface PlanRefusal {
  reason: 'massDelete';
  /** Linked items the run would have deleted, per side they would be deleted on. */
  deletions: { crm: number; graph: number };
  linked: number;
}

export interface Plan {
  actions: Action[];
  /** Set when the guard stopped the run: `actions` is then empty. */
  refused: PlanRefusal | null;
}

type CrmState = { deleted: true; snapshot?: Snapshot } | { deleted: false; snapshot: Snapshot };

/**
 * `links` must hold at least the links of every record and item in the changes (and of every record
 * an item's marker names); `linkedTotal` is how many links there are in all, for the mass-delete
 * guard, when `links` holds only those.
 */
export function plan(
  links: readonly Link[],
  crmChanges: readonly CrmChange[],
  graphChanges: readonly GraphChange[],
  policy: SyncPolicy = DEFAULT_POLICY,
  linkedTotal: number = links.length,
): Plan {
  const graph = collapseGraph(graphChanges);
  const linkByGraph = new Map(links.map((l) => [l.graphId, l]));
  const unlinked = [...graph.entries()]
    .filter(([graphId]) => !linkByGraph.has(graphId))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const run: PlanRun = {
    crm: collapseCrm(crmChanges),
    graph,
    linkByCrm: new Map(links.map((l) => [l.crmId, l])),
    unlinked,
    policy,
    actions: [],
    handledCrm: new Set<string>(),
    replacements: new Map<string, GraphItem>(),
  };
  findReplacements(run);
  for (const link of links) planLink(run, link);
  planUnlinked(run);
  for (const [crmId, c] of run.crm) {
    if (run.handledCrm.has(crmId) || c.deleted) continue;
    run.actions.push({ type: 'createGraph', crmId, snapshot: normalizeSnapshot(c.snapshot), replaces: null });
  }
  const refused = massDeleteRefusal(run.actions, run.linkByCrm, linkedTotal, policy);
  return refused ? { actions: [], refused } : { actions: run.actions, refused: null };
}

/** One planning's inputs, indexed, and what it has decided so far. */
interface PlanRun {
  crm: Map<string, CrmState>;
  graph: Map<string, GraphChange>;
  linkByCrm: Map<string, Link>;
  /** Changed Outlook items no link names, in id order. */
  unlinked: [string, GraphChange][];
  policy: SyncPolicy;
  actions: Action[];
  /** Records an action already covers. */
  handledCrm: Set<string>;
  /** By record: the item that replaced its deleted linked item. */
  replacements: Map<string, GraphItem>;
}

/**
 * A linked item deleted while another item carries its record's marker: the other one replaced it
 * (a re-create whose link was never stored). The pair moves to the new item.
 */
function findReplacements(run: PlanRun): void {
  for (const [, g] of run.unlinked) {
    if (g.deleted || g.marker === null || run.replacements.has(g.marker)) continue;
    const link = run.linkByCrm.get(g.marker);
    if (link && run.graph.get(link.graphId)?.deleted) run.replacements.set(g.marker, g);
  }
}

function planLink(run: PlanRun, link: Link): void {
  const c = run.crm.get(link.crmId);
  run.handledCrm.add(link.crmId);
  const replacement = run.replacements.get(link.crmId);
  if (replacement) {
    const moved = { ...link, graphId: replacement.graphId };
    run.actions.push(planLinked(moved, c, replacement, run.policy) ?? linkOnly(moved, replacement.changeKey));
    return;
  }
  const action = planLinked(link, c, run.graph.get(link.graphId), run.policy);
  if (action) run.actions.push(action);
}

/** Unlinked Outlook items: ours (marker) are re-linked, strangers are pulled into the CRM. */
function planUnlinked(run: PlanRun): void {
  const claimed = new Set<string>();
  for (const [graphId, g] of run.unlinked) {
    if (g.deleted) continue;
    if (g.marker !== null && run.replacements.get(g.marker)?.graphId === graphId) continue;
    const marker = g.marker;
    if (marker !== null && (run.linkByCrm.has(marker) || claimed.has(marker))) {
      run.actions.push({ type: 'deleteDuplicate', crmId: marker, graphId });
      continue;
    }
    const c = marker === null ? undefined : run.crm.get(marker);
    if (marker === null || c === undefined) {
      run.actions.push({
        type: 'createCrm',
        graphId,
        snapshot: normalizeSnapshot(g.snapshot),
        changeKey: g.changeKey,
      });
      continue;
    }
    claimed.add(marker);
    run.handledCrm.add(marker);
    // Our own item whose record was deleted while the pair was unlinked: the deletion stands.
    if (c.deleted) run.actions.push({ type: 'deleteGraph', crmId: marker, graphId });
    else run.actions.push(merge(marker, graphId, undefined, c.snapshot, g, run.policy));
  }
}

function planLinked(
  link: Link,
  c: CrmState | undefined,
  g: GraphChange | undefined,
  policy: SyncPolicy,
): Action | null {
  const crmChanged = c !== undefined && (c.deleted || !sameSnapshot(c.snapshot, link.snapshot));
  const graphChanged = g !== undefined && (g.deleted || !sameSnapshot(g.snapshot, link.snapshot));
  if (!crmChanged && !graphChanged) return null;
  const { crmId, graphId } = link;

  if (g?.deleted && g.ours) {
    // We deleted the item for a CRM deletion and crashed before forgetting the link: if the record
    // came back meanwhile (restored), it goes back to Outlook.
    if (!c || c.deleted) return { type: 'unlink', crmId, graphId };
    return { type: 'createGraph', crmId, snapshot: normalizeSnapshot(c.snapshot), replaces: graphId };
  }
  if (c?.deleted && g?.deleted) return { type: 'unlink', crmId, graphId };
  if (c?.deleted) {
    // Deleted in the CRM: delete in Outlook, unless Outlook edited it since (the edit wins).
    if (!graphChanged || !g || g.deleted) return { type: 'deleteGraph', crmId, graphId };
    return {
      type: 'update',
      crmId,
      graphId,
      snapshot: normalizeSnapshot(g.snapshot),
      toGraph: [],
      toCrm: fieldsOf(g.snapshot, link.snapshot, c.snapshot),
      restoreCrm: true,
      changeKey: g.changeKey,
      conflicts: [],
    };
  }
  if (g?.deleted) {
    if (!crmChanged || !c) return { type: 'deleteCrm', crmId, graphId };
    return { type: 'createGraph', crmId, snapshot: normalizeSnapshot(c.snapshot), replaces: graphId };
  }
  const crmSnap = c && crmChanged ? c.snapshot : link.snapshot;
  const graphItem: GraphItem =
    g && graphChanged ? g : { graphId, snapshot: link.snapshot, changeKey: link.changeKey, marker: crmId };
  return merge(crmId, graphId, link.snapshot, crmSnap, graphItem, policy);
}

/** Both sides agree already; only the link changes (to a new item, or a new change key). */
function linkOnly(link: Link, changeKey: string | null): Action {
  return {
    type: 'update',
    crmId: link.crmId,
    graphId: link.graphId,
    snapshot: link.snapshot,
    toGraph: [],
    toCrm: [],
    restoreCrm: false,
    changeKey,
    conflicts: [],
  };
}

/**
 * Field-level three-way merge. A field changed on one side only takes that side's value; a field
 * changed on both sides to different values is a conflict the policy settles. Without a base (a
 * re-found pair) every differing field is a conflict.
 */
function merge(
  crmId: string,
  graphId: string,
  base: Snapshot | undefined,
  crmSnap: Snapshot,
  g: GraphItem,
  policy: SyncPolicy,
): Action {
  const merged: Record<string, FieldValue> = {};
  const conflicts: Conflict[] = [];
  for (const field of fieldsOf(base, crmSnap, g.snapshot)) {
    const b = base?.[field];
    const cv = crmSnap[field] ?? null;
    const gv = g.snapshot[field] ?? null;
    let value: FieldValue;
    if (sameValue(cv, gv)) value = cv;
    else if (base && sameValue(cv, b)) value = gv;
    else if (base && sameValue(gv, b)) value = cv;
    else {
      value = policy.conflictWinner === 'crm' ? cv : gv;
      conflicts.push({ crmId, field, crmValue: cv, graphValue: gv, winner: policy.conflictWinner });
    }
    merged[field] = value;
  }
  const snapshot = normalizeSnapshot(merged);
  return {
    type: 'update',
    crmId,
    graphId,
    snapshot,
    toGraph: changedFields(g.snapshot, snapshot),
    toCrm: changedFields(crmSnap, snapshot),
    restoreCrm: false,
    changeKey: g.changeKey,
    conflicts,
  };
}

/** The feed may repeat a record; its last state counts. */
function collapseCrm(changes: readonly CrmChange[]): Map<string, CrmState> {
  const out = new Map<string, CrmState>();
  for (const c of changes) {
    out.set(
      c.crmId,
      c.deleted ? { deleted: true, snapshot: c.snapshot } : { deleted: false, snapshot: c.snapshot },
    );
  }
  return out;
}

/**
 * Delta pages can replay an item and do not guarantee order. Ids are never reused, so a deletion
 * seen anywhere is final; otherwise the last state seen counts.
 */
function collapseGraph(changes: readonly GraphChange[]): Map<string, GraphChange> {
  const out = new Map<string, GraphChange>();
  for (const g of changes) {
    if (out.get(g.graphId)?.deleted) continue;
    out.set(g.graphId, g);
  }
  return out;
}

/** Counts deletions of linked items only: removing our own duplicates is no loss. */
function massDeleteRefusal(
  actions: readonly Action[],
  links: ReadonlyMap<string, Link>,
  linked: number,
  policy: SyncPolicy,
): PlanRefusal | null {
  if (policy.massDelete === false) return null;
  const deletions = { crm: 0, graph: 0 };
  for (const a of actions) {
    if (a.type === 'deleteCrm') deletions.crm++;
    else if (a.type === 'deleteGraph' && links.get(a.crmId)?.graphId === a.graphId) deletions.graph++;
  }
  const total = deletions.crm + deletions.graph;
  if (linked < policy.massDelete.minLinks || total <= policy.massDelete.maxShare * linked) return null;
  return { reason: 'massDelete', deletions, linked };
}
