import type { Kysely } from 'kysely';
import type { Resource } from '../../domain/record';
import type { Database } from '../db/schema';

/** Records of these owners were written, and the write is committed. */
export interface RecordsWritten {
  orgId: string;
  resource: Resource;
  ownerIds: string[];
}

export type RecordsWrittenListener = (event: RecordsWritten) => void;

// Per store: several stores (tests, a CLI beside a server) never hear each other's writes.
const listeners = new WeakMap<Kysely<Database>, Set<RecordsWrittenListener>>();

/** Hears every committed record write made through the record service on this store; returns the unsubscribe. */
export function onRecordsWritten(db: Kysely<Database>, listener: RecordsWrittenListener): () => void {
  let set = listeners.get(db);
  if (!set) listeners.set(db, (set = new Set()));
  set.add(listener);
  return () => set.delete(listener);
}

export function announceRecordsWritten(db: Kysely<Database>, event: RecordsWritten): void {
  if (event.ownerIds.length === 0) return;
  for (const listener of listeners.get(db) ?? []) {
    try {
      listener(event);
    } catch {
      // A listener's failure is its own; the write has committed.
    }
  }
}
