import fs from 'node:fs/promises';
import { openStore, type Store } from '../../src/server/db/store';

/**
 * A store for one test file: PostgreSQL when DATABASE_URL is set (tests isolate themselves by
 * creating their own organisations), otherwise a private PGlite copy of the migrated template.
 */
export async function createTestStore(): Promise<Store> {
  if (process.env.DATABASE_URL) return openStore({ databaseUrl: process.env.DATABASE_URL, poolSize: 4 });
  const template = process.env.TANDEM_TEST_TEMPLATE;
  if (!template) return openStore();
  const blob = new Blob([await fs.readFile(template)]);
  return openStore({ loadDataDir: blob });
}
