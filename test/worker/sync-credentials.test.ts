import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Store } from '../../src/server/db/store';
import {
  loadSecretKey,
  parseSecretKey,
  seal,
  SealedSecretError,
  SyncCredentialVault,
  unseal,
} from '../../src/server/services/sync-credentials';
import { createTestIssuer } from '../support/auth';
import { createTenant, type TestTenant } from '../support/fixtures';
import { createTestStore } from '../support/store';

/** The server's sealed credentials for background sync: the cipher, the key's source and the table. */

const key = randomBytes(32);

describe('sealing', () => {
  test('a sealed secret opens with its key and owner, and does not show the secret', () => {
    const sealed = seal(key, 'org/user', 'refresh-token-value');
    expect(sealed).not.toContain('refresh-token-value');
    expect(sealed.startsWith('v1.')).toBe(true);
    expect(unseal(key, 'org/user', sealed)).toBe('refresh-token-value');
    // A fresh nonce each time: the same secret never seals to the same text.
    expect(seal(key, 'org/user', 'refresh-token-value')).not.toBe(sealed);
  });

  test.each([
    ['another key', (s: string) => unseal(randomBytes(32), 'org/user', s)],
    ['another owner', (s: string) => unseal(key, 'org/other', s)],
    [
      'a changed byte',
      (s: string) => unseal(key, 'org/user', s.slice(0, -2) + (s.endsWith('A') ? 'BB' : 'AA')),
    ],
    ['garbage', () => unseal(key, 'org/user', 'not sealed')],
  ])('%s does not open it', (_, open) => {
    const sealed = seal(key, 'org/user', 'secret');
    expect(() => open(sealed)).toThrow(SealedSecretError);
  });

  test('the key is 32 bytes given as hex or base64, and a wrong one is named', () => {
    expect(parseSecretKey(key.toString('hex')).equals(key)).toBe(true);
    expect(parseSecretKey(key.toString('base64')).equals(key)).toBe(true);
    expect(parseSecretKey(key.toString('base64url')).equals(key)).toBe(true);
    expect(() => parseSecretKey(randomBytes(16).toString('hex'))).toThrow(
      /TANDEM_SECRET_KEY must be 32 bytes/,
    );
    expect(() => parseSecretKey('password')).toThrow(/TANDEM_SECRET_KEY/);
  });
});

describe('the secret key', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tandem-key-'));
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  test('the demo tenant generates one once into the data directory, readable by its owner only', async () => {
    const first = await loadSecretKey({ secretKey: undefined, dataDir: dir, sandbox: true });
    const again = await loadSecretKey({ secretKey: undefined, dataDir: dir, sandbox: true });
    expect(first.length).toBe(32);
    expect(again.equals(first)).toBe(true);
    const stat = await fs.stat(path.join(dir, 'secret.key'));
    expect(stat.mode & 0o077).toBe(0);
  });

  test('two processes starting at once agree on one key', async () => {
    const keys = await Promise.all(
      [1, 2, 3].map(() => loadSecretKey({ secretKey: undefined, dataDir: dir, sandbox: true })),
    );
    expect(keys[1]!.equals(keys[0]!)).toBe(true);
    expect(keys[2]!.equals(keys[0]!)).toBe(true);
  });

  test('a configured key wins, and a real tenant must configure one', async () => {
    const configured = await loadSecretKey({ secretKey: key.toString('hex'), dataDir: dir, sandbox: true });
    expect(configured.equals(key)).toBe(true);
    await expect(loadSecretKey({ secretKey: undefined, dataDir: dir, sandbox: false })).rejects.toThrow(
      /TANDEM_SECRET_KEY must be set/,
    );
    await expect(fs.readdir(dir)).resolves.toEqual([]);
  });
});

describe('the vault', () => {
  let store: Store;
  let tenant: TestTenant;
  let vault: SyncCredentialVault;
  beforeAll(async () => {
    store = await createTestStore();
    tenant = await createTenant(store, await createTestIssuer(), { memberCount: 2 });
    vault = new SyncCredentialVault(store.db, key);
  });
  afterAll(() => store.close());

  const owner = (i: number) => ({ orgId: tenant.orgId, userId: tenant.members[i]!.userId });
  const row = (i: number) => ({ org_id: tenant.orgId, user_id: tenant.members[i]!.userId });

  test('keeps the secret sealed in the database and gives it back to its owner', async () => {
    await vault.save(owner(0), 'rt-one');
    await vault.save(owner(0), 'rt-two');
    expect(await vault.load(owner(0))).toBe('rt-two');
    expect(await vault.load(owner(1))).toBeUndefined();
    const rows = await store.db.selectFrom('sync_credentials').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain('rt-two');
  });

  test('a sealed row copied to another user does not open', async () => {
    await vault.save(owner(0), 'rt-zero');
    const { sealed } = await store.db
      .selectFrom('sync_credentials')
      .select('sealed')
      .where('user_id', '=', owner(0).userId)
      .executeTakeFirstOrThrow();
    await store.db
      .insertInto('sync_credentials')
      .values({ org_id: tenant.orgId, user_id: owner(1).userId, sealed })
      .execute();
    await expect(vault.load(owner(1))).rejects.toThrow(SealedSecretError);
    await vault.remove(owner(1));
    expect(await vault.has(owner(1))).toBe(false);
  });

  test("another organisation's id reaches nothing", async () => {
    await vault.save(owner(0), 'rt');
    const stranger = { orgId: '00000000-0000-7000-8000-000000000001', userId: owner(0).userId };
    expect(await vault.load(stranger)).toBeUndefined();
    await vault.remove(stranger);
    expect(await vault.has(owner(0))).toBe(true);
  });

  const syncState = (i: number, resource: 'contacts' | 'events', enabled: boolean) =>
    store.db
      .insertInto('sync_state')
      .values({ ...row(i), resource, enabled, status: '{}' })
      .onConflict((oc) => oc.columns(['user_id', 'resource']).doUpdateSet({ enabled }))
      .execute();

  test('turning the last sync off deletes the credentials, and marks the health off', async () => {
    await syncState(0, 'contacts', true);
    await syncState(0, 'events', true);
    await vault.save(owner(0), 'rt');
    await store.db
      .insertInto('sync_health')
      .values({ ...row(0), resource: 'events', state: 'ok' })
      .execute();
    await syncState(0, 'events', false);
    expect(await vault.has(owner(0))).toBe(true);
    const health = await store.db
      .selectFrom('sync_health')
      .select('state')
      .where('user_id', '=', owner(0).userId)
      .executeTakeFirstOrThrow();
    expect(health.state).toBe('off');
    await syncState(0, 'contacts', false);
    expect(await vault.has(owner(0))).toBe(false);
  });

  test('deactivating the user deletes the credentials, whichever path does it', async () => {
    await vault.save(owner(1), 'rt');
    await store.db
      .updateTable('users')
      .set({ status: 'deactivated' })
      .where('id', '=', owner(1).userId)
      .execute();
    expect(await vault.has(owner(1))).toBe(false);
  });
});
