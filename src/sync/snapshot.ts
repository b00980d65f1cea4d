import type { FieldValue, Snapshot } from './model';

/**
 * Content comparison of snapshots. A missing field and a `null` one are the same content, so a
 * mapper that omits empty fields and one that writes `null` agree.
 */

/** JSON with sorted object keys: equal content gives equal text. */
export function canonicalJson(value: FieldValue | undefined): string {
  if (value === undefined || value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.keys(value)
      .filter((k) => (value as Record<string, FieldValue>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, FieldValue>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

export function sameValue(a: FieldValue | undefined, b: FieldValue | undefined): boolean {
  if (a === b) return true;
  return canonicalJson(a) === canonicalJson(b);
}

/** Every field named by any of the snapshots, sorted, so plans are deterministic. */
export function fieldsOf(...snapshots: (Snapshot | undefined)[]): string[] {
  const keys = new Set<string>();
  for (const s of snapshots) if (s) for (const k of Object.keys(s)) keys.add(k);
  return [...keys].sort();
}

/** Fields whose content differs between `a` and `b`. */
export function changedFields(a: Snapshot, b: Snapshot): string[] {
  return fieldsOf(a, b).filter((f) => !sameValue(a[f], b[f]));
}

export function sameSnapshot(a: Snapshot, b: Snapshot): boolean {
  return changedFields(a, b).length === 0;
}

/** The snapshot without empty fields, in key order: the stored form. */
export function normalizeSnapshot(s: Snapshot): Snapshot {
  const out: Record<string, FieldValue> = {};
  for (const k of fieldsOf(s)) {
    const v = s[k];
    if (v !== undefined && v !== null) out[k] = v;
  }
  return out;
}

/**
 * A short content hash (two 32-bit FNV-1a lanes over the canonical JSON) stored beside a snapshot.
 * Pure JavaScript so the engine runs the same in the browser and in Node.
 */
export function snapshotHash(s: Snapshot): string {
  const text = canonicalJson(normalizeSnapshot(s) as FieldValue);
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

/**
 * The snapshot with every one of `fields` present, `null` where it is empty: the form mappers write
 * from (stored snapshots leave empty fields out, and an omitted field would not be cleared).
 */
export function completeSnapshot(s: Snapshot, fields: readonly string[]): Snapshot {
  const out: Record<string, FieldValue> = { ...s };
  for (const f of fields) if (out[f] === undefined) out[f] = null;
  return out;
}
