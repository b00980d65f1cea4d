import { randomBytes } from 'node:crypto';

/** Opaque Exchange-looking item ids; case-sensitive and URL-safe like Graph's immutable ids. */
export function newItemId(): string {
  return 'AAMkA' + randomBytes(33).toString('base64url');
}

export function newChangeKey(): string {
  return 'DwAAABYAAA' + randomBytes(15).toString('base64url');
}

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * Occurrence ids derive from the series master and the occurrence's original date, so they change when
 * a series is rescheduled (as Graph's do) and can be resolved back without storing every occurrence.
 */
export function occurrenceId(masterId: string, originalDate: string): string {
  return 'AAMkO' + Buffer.from(`${masterId}|${originalDate}`, 'utf8').toString('base64url');
}

export function parseOccurrenceId(id: string): { masterId: string; originalDate: string } | undefined {
  if (!id.startsWith('AAMkO')) return undefined;
  const decoded = Buffer.from(id.slice(5), 'base64url').toString('utf8');
  const match = /^(AAMkA[A-Za-z0-9_-]+)\|(\d{4}-\d{2}-\d{2})$/.exec(decoded);
  return match ? { masterId: match[1]!, originalDate: match[2]! } : undefined;
}

/** A small seedable generator (mulberry32) so fault injection and batch shuffling are reproducible. */
export class SeededRandom {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  shuffle<T>(items: T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }
}
