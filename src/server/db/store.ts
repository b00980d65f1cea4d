import fs from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect } from 'kysely';
import { Migrator } from 'kysely/migration';
import pg from 'pg';
import { migrations } from './migrations';
import type { Database } from './schema';

export type StoreKind = 'pglite' | 'postgres';

/** The companion CRM store: one Kysely handle over PGlite or PostgreSQL, migrated. */
export interface Store {
  db: Kysely<Database>;
  kind: StoreKind;
  close(): Promise<void>;
  /** PGlite only: the whole database as a tarball, loadable with `loadDataDir`. */
  dump?: () => Promise<Blob>;
}

export interface StoreOptions {
  /** PostgreSQL connection string; without it the embedded PGlite store is used. */
  databaseUrl?: string | undefined;
  /** PGlite data directory; omitted means in memory. */
  dataDir?: string | undefined;
  /** A PGlite data dump to start from (tests clone a migrated template this way). */
  loadDataDir?: Blob | File | undefined;
  /** PostgreSQL pool size. */
  poolSize?: number;
}

// int8 (change sequence numbers) as JavaScript numbers: exact up to 2^53, far beyond any feed.
pg.types.setTypeParser(20, (value) => Number(value));

export async function openStore(options: StoreOptions = {}): Promise<Store> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      // A database that does not answer fails the request (503) instead of holding it forever.
      connectionTimeoutMillis: 10_000,
    });
    // A connection the server ends (a restart, a failover, an administrator) must never take the process
    // down. Idle, the pool reports it here and drops it; checked out, its query fails (the request answers
    // 503, see http-errors.ts), the pool sees it is no longer queryable on release and replaces it.
    // The pool listens for a client's errors only while it is idle; this listener stays for its whole life.
    pool.on('connect', (client) =>
      client.on('error', (error) => console.warn(`A database connection was closed: ${error.message}`)),
    );
    // An idle client's error is re-emitted by the pool: already reported above, it must not go unhandled.
    pool.on('error', () => undefined);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return finishOpen(db, 'postgres');
  }
  if (options.dataDir) await fs.mkdir(options.dataDir, { recursive: true });
  const pglite = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
  });
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
  const store = await finishOpen(db, 'pglite');
  return { ...store, dump: () => pglite.dumpDataDir('none') };
}

async function finishOpen(db: Kysely<Database>, kind: StoreKind): Promise<Store> {
  try {
    await migrateToLatest(db);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return { db, kind, close: () => db.destroy() };
}

export async function migrateToLatest(db: Kysely<Database>): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'tandem_migrations',
    migrationLockTableName: 'tandem_migrations_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    const reason = error instanceof Error ? error.message : String(error ?? 'unknown error');
    throw new Error(`Database migration ${failed?.migrationName ?? ''} failed: ${reason}`.replace('  ', ' '));
  }
}
