import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openStore, type Store } from '../../src/server/db/store';
import { createTestStore } from '../support/store';

export interface IsolatedStore {
  store: Store;
  /** The database's own URL on PostgreSQL (undefined on PGlite). */
  databaseUrl: string | undefined;
  close(): Promise<void>;
}

/**
 * A store no other test file touches. On PGlite every test file has its own copy anyway; on
 * PostgreSQL the tests share one database, and a mail sender drains the whole outbox, so a sender in
 * one file would deliver (or fail) the mails another file is waiting for. Here each file gets a
 * database of its own, dropped afterwards.
 */
export async function openIsolatedStore(): Promise<IsolatedStore> {
  const shared = process.env.DATABASE_URL;
  if (!shared) {
    const store = await createTestStore();
    return { store, databaseUrl: undefined, close: () => store.close() };
  }
  const name = `tandem_t_${randomBytes(6).toString('hex')}`;
  await admin(shared, `create database ${name}`);
  const url = new URL(shared);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  const store = await openStore({ databaseUrl, poolSize: 4 });
  return {
    store,
    databaseUrl,
    close: async () => {
      await store.close();
      await admin(shared, `drop database if exists ${name} with (force)`);
    },
  };
}

async function admin(databaseUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
