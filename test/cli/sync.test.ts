import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CONTOSO_TENANT_ID } from '../../src/sandbox';
import { openStore } from '../../src/server/db/store';
import { freshDatabase, type FreshDatabase } from '../support/fresh-database';
import { createOrganisation } from '../../src/server/services/org-service';
import { RecordService } from '../../src/server/services/record-service';
import { actorForEmail } from '../../src/server/services/sync-runner';

const ROOT = path.resolve(__dirname, '../..');
const ADMIN = 'admin@contoso.example';

let dataDir: string;
let database: FreshDatabase;

/** Runs the real `tandem` CLI (through tsx) against the data directory. */
function tandem(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), ...args], {
      cwd: ROOT,
      env: { ...process.env, TANDEM_DATA_DIR: dataDir, DATABASE_URL: database.url ?? '', NODE_OPTIONS: '' },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'tandem-sync-cli-'));
  database = await freshDatabase();
  const store = await openStore({ databaseUrl: database.url, dataDir });
  const existing = await store.db
    .selectFrom('orgs')
    .select('id')
    .where('tenant_id', '=', CONTOSO_TENANT_ID)
    .executeTakeFirst();
  if (!existing) {
    await createOrganisation(store.db, {
      tenantId: CONTOSO_TENANT_ID,
      name: 'Contoso',
      edition: 'paid',
      admin: { email: ADMIN, displayName: 'Contoso Admin', msTenantId: CONTOSO_TENANT_ID, msObjectId: null },
    });
  }
  const actor = await actorForEmail(store.db, ADMIN);
  const records = new RecordService(store.db);
  await records.create(actor, 'contacts', {
    fields: { firstName: 'Ada', lastName: 'Lovelace' },
    origin: 'ui',
  });
  await records.create(actor, 'contacts', {
    fields: { firstName: 'Grace', lastName: 'Hopper' },
    origin: 'ui',
  });
  await store.close();
});
afterAll(async () => {
  await database.drop();
  await fs.rm(dataDir, { recursive: true, force: true });
});

test('tandem sync activates, syncs incrementally against the saved sandbox, and deactivates', async () => {
  const first = await tandem(['sync', '--user', ADMIN, '--contacts']);
  expect(first.out).toContain('contacts (initial): done: 2 created in Outlook');
  expect(first.code).toBe(0);

  // The store and the demo mailbox both kept their state: nothing left to do.
  const second = await tandem(['sync', '--user', ADMIN, '--contacts']);
  expect(second.out).toContain('contacts (incremental): done: nothing to do');
  expect(second.code).toBe(0);

  const off = await tandem(['sync', '--user', ADMIN, '--contacts', '--deactivate']);
  expect(off.out).toContain('contacts: deactivated');
  expect(off.code).toBe(0);
}, 120_000);

test('tandem sync explains its usage and refuses an unknown user', async () => {
  const usage = await tandem(['sync']);
  expect(usage.code).toBe(2);
  expect(usage.out).toContain('--user is required');
  const unknown = await tandem(['sync', '--user', 'nobody@contoso.example', '--calendar']);
  expect(unknown.code).toBe(1);
  expect(unknown.out).toContain('Tandem user nobody@contoso.example not found.');
}, 120_000);
