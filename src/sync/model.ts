/**
 * The shapes the sync engine's parts agree on: mappers turn a CRM record or a Graph item into a
 * side-neutral snapshot of its mapped fields; the planner compares snapshots, never raw records.
 */

/** A JSON value of a mapped field. */
export type FieldValue =
  string | number | boolean | null | readonly FieldValue[] | { readonly [key: string]: FieldValue };

/**
 * A record's mapped content, keyed by the CRM field name. Mappers normalise values (trimmed strings,
 * `null` for absent, sorted keys inside objects) so that equal content is deep-equal, and a record
 * counts as changed only when its snapshot changes.
 */
export type Snapshot = Readonly<Record<string, FieldValue>>;

/** What one user syncs: their calendar or their contacts. */
export type SyncResource = 'calendar' | 'contacts';

/** Body of a Graph create or update, in Graph's own JSON shape. */
export type GraphBody = Record<string, unknown>;

/**
 * Translates one resource between the CRM and Graph. `Crm` is the CRM record's field document,
 * `Graph` the Graph item as read with the fields the mapping needs.
 */
export interface ResourceMapper<Crm, Graph> {
  /** The CRM fields that take part, in a stable order. */
  readonly fields: readonly string[];
  fromCrm(record: Crm): Snapshot;
  fromGraph(item: Graph): Snapshot;
  /**
   * A Graph body setting every field of `snapshot` (create) or, with `changed`, only those fields (update).
   * `current` is the item as last read from Graph, when there is one: Graph replaces some properties
   * whole (collections, addresses), and what the mapping does not cover is taken from it.
   */
  toGraph(snapshot: Snapshot, changed?: readonly string[], current?: Graph): GraphBody;
  /** A CRM patch setting the given fields (all of them when `changed` is omitted); `null` clears. */
  toCrm(snapshot: Snapshot, changed?: readonly string[]): Partial<Crm>;
}
