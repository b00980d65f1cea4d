import type { FieldValue, Snapshot } from './model';

/** A CRM record and the Outlook item it is synced with, as of the last successful sync. */
export interface Link {
  crmId: string;
  graphId: string;
  /** The content both sides had when they last agreed: the base of three-way merges. */
  snapshot: Snapshot;
  changeKey: string | null;
}

/** The current state of a CRM record that changed (or that the engine looked up). */
export type CrmChange =
  | { crmId: string; deleted?: false; snapshot: Snapshot }
  /** `snapshot`: the soft-deleted record's content, when known (a restore overwrites all of it). */
  | { crmId: string; deleted: true; snapshot?: Snapshot };

/** The current state of an Outlook item that changed. `marker` is the CRM id we stamped on it, if any. */
export type GraphChange =
  | { graphId: string; deleted?: false; snapshot: Snapshot; changeKey: string | null; marker: string | null }
  /** `ours`: the sync itself deleted it in a run that did not finish. */
  | { graphId: string; deleted: true; ours?: boolean };

export type GraphItem = Extract<GraphChange, { deleted?: false }>;

export type Side = 'crm' | 'graph';

/** A field both sides changed differently since the last sync; the loser's value is kept here. */
export interface Conflict {
  crmId: string;
  field: string;
  crmValue: FieldValue;
  graphValue: FieldValue;
  winner: Side;
}
