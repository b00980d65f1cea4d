import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface FreshDatabase {
  /** The new database's URL, or undefined on PGlite (no DATABASE_URL). */
  url: string | undefined;
  drop(): Promise<void>;
}

/**
 * On PostgreSQL, a database of its own for a test that runs the real CLI: the tests share one database
 * otherwise, and two files setting up the same demo tenant differently would see each other's set-up.
 */
export async function freshDatabase(): Promise<FreshDatabase> {
  const shared = process.env.DATABASE_URL;
  if (!shared) return { url: undefined, drop: async () => {} };
  const name = `tandem_cli_${randomBytes(6).toString('hex')}`;
  await run(shared, `create database ${name}`);
  const url = new URL(shared);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => run(shared, `drop database if exists ${name} with (force)`) };
}

async function run(databaseUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
