/**
 * Value normalisation shared by the mappers, so that equal content gives deep-equal snapshots
 * whichever side it was read from.
 */
import type { FieldValue } from '../model';

/** A single-line value: trimmed, empty → null. */
export function normaliseLine(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

/**
 * A multi-line value: Windows line ends (which Outlook writes) become `\n`, trailing spaces on each
 * line and blank lines at either end are dropped; empty → null.
 */
export function normaliseText(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const text = value
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(/[ \t]+$/, ''))
    .join('\n')
    .replace(/^\n+|\n+$/g, '');
  return text.trim() === '' ? null : text;
}

/** An object with its keys sorted and its null members left out; null when nothing is left. */
export function sortedObject(entries: Record<string, FieldValue | undefined>): FieldValue {
  const out: Record<string, FieldValue> = {};
  for (const key of Object.keys(entries).sort()) {
    const value = entries[key];
    if (value !== null && value !== undefined) out[key] = value;
  }
  return Object.keys(out).length === 0 ? null : out;
}

/** NUL and UTF-16 code units that pair with nothing: text no store or JSON parser on the way accepts. */
// eslint-disable-next-line no-control-regex -- NUL is exactly what this finds.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const HAS_UNSTORABLE = new RegExp(UNSTORABLE.source);

/**
 * A value read from Graph with every NUL and lone surrogate in its strings (keys and members of
 * nested objects included) replaced by U+FFFD, the replacement character: Outlook stores such text,
 * the CRM cannot, and an item that cannot be stored must not stop a run. The value itself is
 * returned when nothing needed replacing.
 */
export function replaceUnstorableText<T>(value: T): T {
  if (typeof value === 'string') {
    return (HAS_UNSTORABLE.test(value) ? value.replace(UNSTORABLE, '\uFFFD') : value) as T;
  }
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((member: unknown, i) => {
      const clean = replaceUnstorableText(member);
      if (clean !== member) (copy ??= [...value])[i] = clean;
    });
    return (copy ?? value) as T;
  }
  if (value === null || typeof value !== 'object') return value;
  let copy: Record<string, unknown> | undefined;
  for (const [key, member] of Object.entries(value)) {
    const cleanKey = replaceUnstorableText(key);
    const clean = replaceUnstorableText(member);
    if (clean === member && cleanKey === key) continue;
    copy ??= { ...(value as Record<string, unknown>) };
    if (cleanKey !== key) delete copy[key];
    copy[cleanKey] = clean;
  }
  return (copy ?? value) as T;
}
