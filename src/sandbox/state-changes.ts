/**
 * What changed in the sandbox's state since it was last made durable, as journal operations: a record
 * (an event, a contact, a user, a delta state…) set to its current value or removed, or a message
 * appended to a mail folder. Writers mark the records they touch; `take` turns the marks into
 * operations, reading each record's value at that moment.
 */
export type StatePath = readonly string[];

export type JournalOp =
  | { op: 'set'; path: StatePath; value: unknown }
  | { op: 'delete'; path: StatePath }
  | { op: 'append'; path: StatePath; value: unknown };

type Mark = { kind: 'record'; path: StatePath } | { kind: 'append'; path: StatePath; json: string };

export class StateChanges {
  private marks: Mark[] = [];
  private readonly records = new Set<string>();

  get size(): number {
    return this.marks.length;
  }

  /** The record at `path` was created, changed or removed. */
  record(path: StatePath): void {
    const key = JSON.stringify(path);
    if (this.records.has(key)) return;
    this.records.add(key);
    this.marks.push({ kind: 'record', path: [...path] });
  }

  /** `item` was appended to the array at `path` (kept as it is now: appended items are never changed). */
  appended(path: StatePath, item: unknown): void {
    this.marks.push({ kind: 'append', path: [...path], json: JSON.stringify(item) });
  }

  /** The marked changes as operations in the order they happened, against the state as it is now. */
  take(state: object): string[] {
    const marks = this.marks;
    const records = new Set(this.records);
    this.marks = [];
    this.records.clear();
    const covered = (path: StatePath) =>
      path.some((_, i) => i > 0 && records.has(JSON.stringify(path.slice(0, i))));
    const lines: string[] = [];
    for (const mark of marks) {
      // A record written whole already holds what was appended or changed inside it.
      if (covered(mark.path)) continue;
      if (mark.kind === 'append') {
        lines.push(`{"op":"append","path":${JSON.stringify(mark.path)},"value":${mark.json}}`);
        continue;
      }
      const value = readPath(state, mark.path);
      lines.push(
        value === undefined
          ? JSON.stringify({ op: 'delete', path: mark.path })
          : JSON.stringify({ op: 'set', path: mark.path, value }),
      );
    }
    return lines;
  }

  clear(): void {
    this.marks = [];
    this.records.clear();
  }
}

function readPath(state: object, path: StatePath): unknown {
  let node: unknown = state;
  for (const key of path) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** Replays one journal operation onto a parsed state; a path through missing records is skipped. */
export function applyOp(state: Record<string, unknown>, op: JournalOp): void {
  const parentPath = op.path.slice(0, -1);
  const key = op.path[op.path.length - 1];
  if (key === undefined || op.path.some((segment) => FORBIDDEN.has(segment))) return;
  let node: unknown = state;
  for (const segment of parentPath) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, segment)) return;
    node = (node as Record<string, unknown>)[segment];
  }
  if (node === null || typeof node !== 'object') return;
  const parent = node as Record<string, unknown>;
  if (op.op === 'set') parent[key] = op.value;
  else if (op.op === 'delete') delete parent[key];
  else {
    const list = (parent[key] ??= []);
    if (Array.isArray(list)) list.push(op.value);
  }
}

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);
