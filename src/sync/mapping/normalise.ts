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
