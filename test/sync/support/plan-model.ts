import type { CrmChange, GraphChange, Link } from '../../../src/sync/changes';
import type { FieldValue, Snapshot } from '../../../src/sync/model';
import type { Action } from '../../../src/sync/planner';
import { normalizeSnapshot } from '../../../src/sync/snapshot';

/** Both sides and the links as plain maps: what applying a plan should leave behind. */
export interface World {
  crm: Map<string, { snapshot: Snapshot; deleted: boolean }>;
  graph: Map<string, { snapshot: Snapshot; marker: string | null }>;
  links: Map<string, Link>;
}

/** Applies actions the way the engine does, writing only the fields each action names. */
export function applyPlan(world: World, actions: readonly Action[]): World {
  const crm = new Map(world.crm);
  const graph = new Map(world.graph);
  const links = new Map(world.links);
  let n = 0;
  const patch = (current: Snapshot, snapshot: Snapshot, fields: readonly string[]): Snapshot => {
    const out: Record<string, FieldValue> = { ...current };
    for (const f of fields) out[f] = snapshot[f] ?? null;
    return normalizeSnapshot(out);
  };
  for (const a of actions) {
    switch (a.type) {
      case 'createGraph': {
        const graphId = `g-created-${a.crmId}-${n++}`;
        graph.set(graphId, { snapshot: a.snapshot, marker: a.crmId });
        links.set(a.crmId, { crmId: a.crmId, graphId, snapshot: a.snapshot, changeKey: null });
        break;
      }
      case 'createCrm': {
        const crmId = `c-created-${a.graphId}`;
        crm.set(crmId, { snapshot: a.snapshot, deleted: false });
        links.set(crmId, { crmId, graphId: a.graphId, snapshot: a.snapshot, changeKey: a.changeKey });
        break;
      }
      case 'update': {
        const g = graph.get(a.graphId);
        if (!g) throw new Error(`update of missing Outlook item ${a.graphId}`);
        graph.set(a.graphId, { ...g, snapshot: patch(g.snapshot, a.snapshot, a.toGraph) });
        const c = crm.get(a.crmId);
        if (!c) throw new Error(`update of missing CRM record ${a.crmId}`);
        if (c.deleted && !a.restoreCrm) throw new Error(`update of deleted CRM record ${a.crmId}`);
        crm.set(a.crmId, { deleted: false, snapshot: patch(c.snapshot, a.snapshot, a.toCrm) });
        links.set(a.crmId, {
          crmId: a.crmId,
          graphId: a.graphId,
          snapshot: a.snapshot,
          changeKey: a.changeKey,
        });
        break;
      }
      case 'deleteGraph':
        graph.delete(a.graphId);
        if (links.get(a.crmId)?.graphId === a.graphId) links.delete(a.crmId);
        break;
      case 'deleteCrm': {
        const c = crm.get(a.crmId);
        if (c) crm.set(a.crmId, { ...c, deleted: true });
        links.delete(a.crmId);
        break;
      }
      case 'unlink':
        links.delete(a.crmId);
        break;
      case 'deleteDuplicate':
        graph.delete(a.graphId);
        break;
    }
  }
  return { crm, graph, links };
}

/** Every record and item as a change: what a full reconcile would see. */
export function everything(world: World): { crm: CrmChange[]; graph: GraphChange[] } {
  return {
    crm: [...world.crm].map(([crmId, c]) =>
      c.deleted ? { crmId, deleted: true as const } : { crmId, snapshot: c.snapshot },
    ),
    graph: [...world.graph].map(([graphId, g]) => ({
      graphId,
      snapshot: g.snapshot,
      changeKey: null,
      marker: g.marker,
    })),
  };
}
