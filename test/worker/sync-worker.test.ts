import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Actor } from '../../src/server/auth/permissions';
import type { Store } from '../../src/server/db/store';
import { RecordService } from '../../src/server/services/record-service';
import { SyncCredentialVault } from '../../src/server/services/sync-credentials';
import { actorForEmail, syncEngineFor } from '../../src/server/services/sync-runner';
import { SYNC_QUEUE, SyncQueue, syncKey, type SyncTarget } from '../../src/server/worker/sync-queue';
import { runSyncOnRecordWrites } from '../../src/server/worker/sync-triggers';
import { DEFAULT_LEASE_MS, SyncWorker } from '../../src/server/worker/sync-worker';
import { createGraphClient } from '../../src/sync/graph';
import { createTestIssuer } from '../support/auth';
import { createTenant, type TestTenant } from '../support/fixtures';
import { openIsolatedStore, type IsolatedStore } from '../server/isolated-store';
import { openSandbox, StubTokenProvider, waitFor } from './support';

/**
 * Background sync on the store's own database (PGlite here, PostgreSQL with DATABASE_URL): the queue,
 * the triggers and the worker running the sync engine with server-held credentials.
 */

const ADMIN = 'admin@contoso.example';
const BRUNO = 'bruno.castillo@contoso.example';

let iso: IsolatedStore;
let store: Store;
let queue: SyncQueue;
let tenant: TestTenant;
let sandbox: Awaited<ReturnType<typeof openSandbox>>;
let tokens: StubTokenProvider;
let unsubscribe: () => void;

beforeAll(async () => {
  iso = await openIsolatedStore();
  store = iso.store;
  queue = await SyncQueue.open(
    { pglite: store.pglite, databaseUrl: iso.databaseUrl },
    { debounceSeconds: 0.3, heartbeatSeconds: 10, superviseSeconds: 1 },
  );
  tenant = await createTenant(store, await createTestIssuer(), { memberCount: 4 });
  sandbox = await openSandbox();
  tokens = new StubTokenProvider(new SyncCredentialVault(store.db, randomBytes(32)), sandbox.sandbox);
  unsubscribe = runSyncOnRecordWrites(store.db, queue);
});
afterAll(async () => {
  unsubscribe();
  await queue.stop();
  await sandbox.app.close();
  await iso.close();
});

const identity = (i: number) => {
  const m = tenant.members[i]!;
  return { orgId: tenant.orgId, userId: m.userId, tenantId: m.tenantId, objectId: m.objectId };
};
const target = (i: number, resource: SyncTarget['resource'] = 'contacts'): SyncTarget => ({
  orgId: tenant.orgId,
  userId: tenant.members[i]!.userId,
  resource,
});
const actor = (i: number): Promise<Actor> => actorForEmail(store.db, tenant.members[i]!.email);

/** Jobs of one user's sync, by state. */
async function jobs(t: SyncTarget, state = 'created'): Promise<number> {
  const { rows } = await sql<{ n: number | string }>`
    select count(*) as n from tandem_queue.job
    where name = ${SYNC_QUEUE} and singleton_key = ${syncKey(t)} and state = ${state}`.execute(store.db);
  return Number(rows[0]?.n ?? 0);
}

function graphFor(mailbox: string) {
  return createGraphClient({
    baseUrl: sandbox.graphUrl,
    getToken: async () => sandbox.sandbox.issueToken(mailbox, 'graph', { origin: 'http://tandem.test' }),
    fetch: sandbox.fetch,
  });
}

/** Turns a member's sync on as the taskpane would, and hands the server its credentials. */
async function turnOn(i: number, mailbox: string, resource: SyncTarget['resource'] = 'contacts') {
  const engine = await syncEngineFor({
    db: store.db,
    actor: await actor(i),
    resource,
    graph: graphFor(mailbox),
    holder: 'taskpane',
  });
  await engine.activate();
  await tokens.connect(identity(i), mailbox);
}

const contact = (n: number) => ({
  fields: { firstName: `Ada ${n}`, lastName: 'Lovelace' },
  origin: 'ui' as const,
});

describe('the queue', () => {
  test('a burst of 50 triggers for one sync is one waiting run', async () => {
    const t = target(2, 'calendar');
    const queued = await Promise.all(Array.from({ length: 50 }, () => queue.request(t, 'notification')));
    expect(queued.filter(Boolean)).toHaveLength(1);
    expect(await jobs(t)).toBe(1);
    // Another user's, or another resource's, run is its own.
    expect(await queue.request(target(2, 'contacts'), 'notification')).toBe(true);
  });
});

describe('CRM writes', () => {
  beforeAll(() => turnOn(0, ADMIN));

  test('a committed write to a record whose owner syncs it asks for one run, however many writes', async () => {
    const records = new RecordService(store.db);
    const me = await actor(0);
    await records.create(me, 'contacts', contact(1));
    await waitFor(async () => (await jobs(target(0))) === 1, 5000, 'a queued run');
    await records.createMany(me, 'contacts', [contact(2), contact(3)]);
    await Promise.all(Array.from({ length: 20 }, (_, n) => records.create(me, 'contacts', contact(10 + n))));
    await new Promise((r) => setTimeout(r, 200));
    expect(await jobs(target(0))).toBe(1);
  });

  test('writes of users without server-held credentials, or with that sync off, ask for nothing', async () => {
    const records = new RecordService(store.db);
    await records.create(await actor(1), 'contacts', contact(99));
    // Member 0 syncs contacts, not the calendar.
    await records.create(await actor(0), 'events', {
      fields: { subject: 'Call', start: '2030-01-07T10:00:00', end: '2030-01-07T10:30:00', timeZone: 'UTC' },
      origin: 'ui',
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(await jobs(target(1))).toBe(0);
    expect(await jobs(target(0, 'calendar'))).toBe(0);
  });

  test('the worker runs it with the server-held token: the contacts reach Outlook', async () => {
    const worker = new SyncWorker({
      db: store.db,
      queue,
      tokens,
      graphUrl: sandbox.graphUrl,
      fetch: sandbox.fetch,
      pollMinutes: 0,
      pollingIntervalSeconds: 0.5,
    });
    await worker.start();
    try {
      await waitFor(
        async () => {
          const health = await store.db
            .selectFrom('sync_health')
            .selectAll()
            .where('user_id', '=', target(0).userId)
            .executeTakeFirst();
          return health?.state === 'ok' && health;
        },
        20_000,
        'a successful run',
      );
    } finally {
      await worker.stop();
    }
    const links = await store.db
      .selectFrom('sync_links')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('user_id', '=', target(0).userId)
      .executeTakeFirstOrThrow();
    expect(Number(links.n)).toBe(23);
    const folder = await store.db
      .selectFrom('sync_state')
      .select(['container_id', 'lease_owner'])
      .where('user_id', '=', target(0).userId)
      .where('resource', '=', 'contacts')
      .executeTakeFirstOrThrow();
    // The run let go of its lease.
    expect(folder.lease_owner).toBeNull();
    const names: string[] = [];
    for await (const c of graphFor(ADMIN).list<{ givenName: string }>(
      `/me/contactFolders/${folder.container_id}/contacts`,
    ))
      names.push(c.givenName);
    expect(names).toEqual(expect.arrayContaining(['Ada 1', 'Ada 2', 'Ada 29']));
  });
});

describe('a run', () => {
  let worker: SyncWorker;
  beforeAll(async () => {
    await turnOn(1, BRUNO);
    worker = new SyncWorker({
      db: store.db,
      queue,
      tokens,
      graphUrl: sandbox.graphUrl,
      fetch: sandbox.fetch,
    });
  });
  const job = (i: number) => ({ ...target(i), trigger: 'poll' as const, at: new Date().toISOString() });
  const health = (i: number) =>
    store.db
      .selectFrom('sync_health')
      .selectAll()
      .where('user_id', '=', target(i).userId)
      .where('resource', '=', 'contacts')
      .executeTakeFirst();

  test('waits for a lease another runner holds, and asks to run again after it', async () => {
    await store.db
      .updateTable('sync_state')
      .set({ lease_owner: 'taskpane-elsewhere', lease_expires_at: sql<Date>`now() + interval '1 minute'` })
      .where('user_id', '=', target(1).userId)
      .execute();
    expect(await worker.run(job(1))).toBe('busy');
    expect(await jobs(target(1))).toBe(1);
    await store.db
      .updateTable('sync_state')
      .set({ lease_owner: null, lease_expires_at: null })
      .where('user_id', '=', target(1).userId)
      .execute();
    expect(await worker.run(job(1))).toBe('done');
    expect((await health(1))?.state).toBe('ok');
  });

  test('keeps its lease alive while it runs, and the lease is short enough to lapse within a minute', async () => {
    let slow = true;
    const seen: number[] = [];
    const slowWorker = new SyncWorker({
      db: store.db,
      queue,
      tokens,
      graphUrl: sandbox.graphUrl,
      leaseMs: 600,
      fetch: async (input, init) => {
        if (slow) await new Promise((r) => setTimeout(r, 900));
        return sandbox.fetch(input, init);
      },
    });
    const running = slowWorker.run(job(1));
    for (let i = 0; i < 4; i++) {
      await new Promise((r) => setTimeout(r, 300));
      const row = await store.db
        .selectFrom('sync_state')
        .select(['lease_owner', 'lease_expires_at'])
        .where('user_id', '=', target(1).userId)
        .where('resource', '=', 'contacts')
        .executeTakeFirstOrThrow();
      if (row.lease_owner && row.lease_expires_at) seen.push(new Date(row.lease_expires_at).getTime());
    }
    slow = false;
    expect(await running).toBe('done');
    // Renewed while the run waited on Graph: the expiry moved on, and never lay more than a lease ahead.
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(seen.at(-1)!).toBeGreaterThan(seen[0]!);
    expect(DEFAULT_LEASE_MS).toBeLessThanOrEqual(60_000);
  });

  test('a refused refresh leaves the sync needing sign-in, in plain words, without a retry', async () => {
    const waiting = await jobs(target(1));
    tokens.revoked.add(target(1).userId);
    try {
      expect(await worker.run(job(1))).toBe('needs-sign-in');
    } finally {
      tokens.revoked.delete(target(1).userId);
    }
    expect(await health(1)).toMatchObject({
      state: 'needs_sign_in',
      last_error: expect.stringMatching(/no longer/),
    });
    expect(await jobs(target(1))).toBe(waiting);
  });

  test('a sync turned off runs nothing, and the server forgets the credentials', async () => {
    await store.db
      .updateTable('sync_state')
      .set({ enabled: false })
      .where('user_id', '=', target(1).userId)
      .execute();
    expect(await worker.run(job(1))).toBe('off');
    expect(await tokens.holds(identity(1))).toBe(false);
    expect((await health(1))?.state).toBe('off');
  });
});

describe('replicas', () => {
  test('a replica killed mid-run loses nothing: its lease lapses and another replica finishes the run', async () => {
    await turnOn(3, 'carmen.delgado@contoso.example');
    const options = { debounceSeconds: 0, heartbeatSeconds: 10, superviseSeconds: 1 };
    const connection = { pglite: store.pglite, databaseUrl: iso.databaseUrl };
    const replicaA = await SyncQueue.open(connection, options);
    const replicaB = await SyncQueue.open(connection, options);
    // A change is written; replica A takes the run and the user's lease, then dies without a word.
    const me = await actor(3);
    await new RecordService(store.db).create(me, 'contacts', contact(300));
    const claimed = await waitFor(async () => {
      const got = await replicaA.boss.fetch(SYNC_QUEUE);
      return got?.find((j) => (j.data as { userId: string }).userId === target(3).userId);
    });
    expect(claimed).toBeDefined();
    await store.db
      .updateTable('sync_state')
      .set({ lease_owner: 'replica-a:contacts', lease_expires_at: sql<Date>`now() + interval '3 seconds'` })
      .where('user_id', '=', target(3).userId)
      .where('resource', '=', 'contacts')
      .execute();
    await replicaA.boss.stop({ graceful: false, close: !store.pglite });

    const worker = new SyncWorker({
      db: store.db,
      queue: replicaB,
      tokens,
      graphUrl: sandbox.graphUrl,
      fetch: sandbox.fetch,
      pollMinutes: 0,
      pollingIntervalSeconds: 0.5,
    });
    await worker.start();
    try {
      await waitFor(
        async () => {
          const link = await store.db
            .selectFrom('sync_links')
            .innerJoin('contacts', 'contacts.id', 'sync_links.crm_id')
            .select('sync_links.graph_id')
            .where('sync_links.user_id', '=', target(3).userId)
            .where(sql<string>`contacts.data->>'firstName'`, '=', 'Ada 300')
            .executeTakeFirst();
          return link;
        },
        45_000,
        'the run finished by replica B',
      );
    } finally {
      await worker.stop();
      await replicaB.stop();
    }
    const links = await store.db
      .selectFrom('sync_links')
      .select('graph_id')
      .where('user_id', '=', target(3).userId)
      .execute();
    // Exactly once in Outlook.
    expect(new Set(links.map((l) => l.graph_id)).size).toBe(links.length);
    // And it was replica A's own job, given up by its heartbeat and run again.
    const { rows } = await sql<{ state: string; retry_count: number }>`
      select state, retry_count from tandem_queue.job where id = ${claimed!.id}`.execute(store.db);
    expect(rows[0]).toMatchObject({ state: 'completed' });
    expect(Number(rows[0]!.retry_count)).toBeGreaterThanOrEqual(1);
  }, 60_000);
});
