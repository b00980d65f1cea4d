import type { Link } from './changes';
import type { Snapshot } from './model';
import type { Action } from './planner';
import type { CrmCommit, GraphWrite } from './ports';

/** What each planned action writes on either side: pure translations the engine's execute step uses. */

/** The Outlook write of an action, or null when it writes nothing there. */
export function graphWrite(
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

/** The CRM commit of an action (record write, link, conflicts), given its Outlook write's answer. */
export function crmCommit(
  action: Action,
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
    case 'update':
      return updateCommit(action, written);
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

function updateCommit(
  action: Extract<Action, { type: 'update' }>,
  written: { changeKey: string | null } | undefined,
): CrmCommit {
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

export function writesGraph(action: Action): boolean {
  return (
    action.type !== 'createCrm' &&
    action.type !== 'unlink' &&
    !(action.type === 'update' && action.toGraph.length === 0)
  );
}

/**
 * Whether an applied action is a change worth counting. An update of a pair already linked that
 * writes neither side and keeps no conflict only refreshes the link (a new change key, or content
 * that reads differently after a mapping change): nothing changed for the user.
 */
export function changedSomething(action: Action, linkByCrm: ReadonlyMap<string, Link>): boolean {
  if (action.type !== 'update') return true;
  if (action.toGraph.length > 0 || action.toCrm.length > 0 || action.restoreCrm) return true;
  if (action.conflicts.length > 0) return true;
  return linkByCrm.get(action.crmId)?.graphId !== action.graphId;
}
