import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { buildApp } from '../../src/server/app';
import type { Store } from '../../src/server/db/store';
import { LateServerSyncAccess, mailReconnect } from '../../src/server/services/sync-health';
import { SYNC_QUEUE, SyncQueue, syncKey, type SyncTarget } from '../../src/server/worker/sync-queue';
import { SyncWorker } from '../../src/server/worker/sync-worker';
import {
  SignInRequiredError,
  type GraphTokenProvider,
  type SyncUser,
} from '../../src/server/worker/token-provider';
import type { SyncHealthView, SyncOverview, UserSyncHealth } from '../../src/sync/sync-views';
import { createTestIssuer } from '../support/auth';
import { as, createTenant, type TestTenant, type TestUser } from '../support/fixtures';
import { openIsolatedStore, type IsolatedStore } from '../server/isolated-store';

/**
 * Background sync's health as people see it: in `GET /api/sync`, the admins' list, the one reconnect
 * mail a day, reconnecting by opening Tandem, and "Sync now" run by the server.
 */

/** An identity provider stand-in: which users the server holds access for, and who it refuses. */
class FakeTokens implements GraphTokenProvider {
  readonly held = new Set<string>();
  readonly refused = new Set<string>();
  readonly connects: { userId: string; apiToken: string }[] = [];

  async connect(user: SyncUser, apiToken: string): Promise<void> {
    this.connects.push({ userId: user.userId, apiToken });
    if (this.refused.has(user.userId)) throw new SignInRequiredError('Consent was withdrawn.');
    this.held.add(user.userId);
  }
  async holds(user: SyncUser): Promise<boolean> {
    return this.held.has(user.userId);
  }
  async graphToken(user: SyncUser): Promise<string> {
    if (this.refused.has(user.userId) || !this.held.has(user.userId))
      throw new SignInRequiredError('Microsoft no longer accepts the sign-in the server holds.');
    throw new Error('No Graph in this test.');
  }
  async disconnect(user: SyncUser): Promise<void> {
    this.held.delete(user.userId);
  }
}

let iso: IsolatedStore;
let store: Store;
let queue: SyncQueue;
let app: FastifyInstance;
let tenant: TestTenant;
let other: TestTenant;
let tokens: FakeTokens;
let worker: SyncWorker;

beforeAll(async () => {
  iso = await openIsolatedStore();
  store = iso.store;
  queue = await SyncQueue.open(
    { pglite: store.pglite, databaseUrl: iso.databaseUrl },
    { debounceSeconds: 30, superviseSeconds: 1 },
  );
  tokens = new FakeTokens();
  const serverSync = new LateServerSyncAccess();
  serverSync.target = { queue, tokens };
  const issuer = await createTestIssuer();
  app = await buildApp({ store, auth: issuer.auth, serverSync });
  tenant = await createTenant(store, issuer, { memberCount: 4 });
  other = await createTenant(store, issuer, { memberCount: 1 });
  // Only what the test calls: `run` of one job, no queue workers.
  worker = new SyncWorker({ db: store.db, queue, tokens, graphUrl: 'http://graph.invalid/v1.0' });
});
afterAll(async () => {
  await app.close();
  await queue.stop();
  await iso.close();
});

const member = (i: number) => tenant.members[i]!;
const target = (user: TestUser, resource: SyncTarget['resource'] = 'contacts'): SyncTarget => ({
  orgId: tenant.orgId,
  userId: user.userId,
  resource,
});
const job = (t: SyncTarget) => ({ ...t, trigger: 'poll' as const, at: new Date().toISOString() });

async function turnOn(user: TestUser, resource: SyncTarget['resource'] = 'contacts') {
  const res = await as(app, user).patch(`/api/sync/${resource}/state`, { enabled: true });
  expect(res.statusCode).toBeLessThan(300);
  tokens.held.add(user.userId);
}

async function mails(user: TestUser) {
  return store.db
    .selectFrom('outbox')
    .select(['subject', 'body', 'template'])
    .where('recipient', '=', user.email)
    .where('template', '=', 'sync_reconnect')
    .execute();
}

/** As if a day went by since the user's last reconnect mail. */
async function aDayLater(user: TestUser) {
  await sql`update rate_limits set reset_at = now() - interval '1 second'
    where key = ${`sync-reconnect-mail|${user.userId}`}`.execute(store.db);
}

async function setHealth(user: TestUser, state: SyncHealthView['state'], resource = 'contacts') {
  await store.db
    .updateTable('sync_health')
    .set({ state })
    .where('user_id', '=', user.userId)
    .where('resource', '=', resource as 'contacts')
    .execute();
}

describe('the reconnect mail', () => {
  test('a sync that turns to needs_sign_in mails the user once, however often it fails', async () => {
    const user = member(0);
    await turnOn(user);
    await turnOn(user, 'calendar');
    tokens.refused.add(user.userId);
    expect(await worker.run(job(target(user)))).toBe('needs-sign-in');
    expect(await worker.run(job(target(user, 'calendar')))).toBe('needs-sign-in');
    for (let i = 0; i < 3; i++) await worker.run(job(target(user)));
    const sent = await mails(user);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.subject).toMatch(/Reconnect your Outlook sync/);
    expect(sent[0]!.body).toMatch(/open Tandem once/);
    // The health says so, in the user's own status.
    const overview = (await as(app, user).get('/api/sync')).json() as SyncOverview;
    expect(overview.contacts.health).toMatchObject({
      state: 'needs_sign_in',
      lastError: expect.stringMatching(/no longer accepts/),
    });
    expect(overview.calendar.health?.state).toBe('needs_sign_in');
  });

  test('at most one a day: mended and broken again the same day, no second mail; a day later, one', async () => {
    const user = member(0);
    await setHealth(user, 'ok');
    await setHealth(user, 'ok', 'events');
    await worker.run(job(target(user)));
    expect(await mails(user)).toHaveLength(1);
    await setHealth(user, 'ok');
    await setHealth(user, 'ok', 'events');
    await aDayLater(user);
    await worker.run(job(target(user)));
    expect(await mails(user)).toHaveLength(2);
  });

  test('replicas noticing it at once send one mail (the day is counted in the database)', async () => {
    const user = member(1);
    const sent = await Promise.all(
      Array.from({ length: 6 }, () => mailReconnect(store.db, target(user)).catch(() => false)),
    );
    expect(sent.filter(Boolean)).toHaveLength(1);
    expect(await mails(user)).toHaveLength(1);
  });

  test('in the user’s language', async () => {
    const user = member(2);
    await store.db.updateTable('users').set({ language: 'es-ES' }).where('id', '=', user.userId).execute();
    expect(await mailReconnect(store.db, target(user))).toBe(true);
    const [mail] = await mails(user);
    expect(mail!.subject).toMatch(/Vuelve a conectar/);
    expect(mail!.body).toMatch(/abre Tandem una vez/);
  });
});

describe('reconnecting by opening Tandem', () => {
  test('with a sync waiting for sign-in, the fresh token is exchanged again and the sync asked to run', async () => {
    const user = member(0);
    await setHealth(user, 'needs_sign_in');
    tokens.refused.delete(user.userId);
    tokens.held.delete(user.userId);
    const res = await as(app, user).post('/api/sync/reconnect');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ outcome: 'reconnected', serverRuns: true });
    expect(tokens.connects.at(-1)).toEqual({ userId: user.userId, apiToken: user.token });
    const { rows } = await sql<{ n: string | number }>`
      select count(*) as n from tandem_queue.job
      where name = ${SYNC_QUEUE} and singleton_key = ${syncKey(target(user))}
        and state = 'created'`.execute(store.db);
    expect(Number(rows[0]!.n)).toBe(1);
  });

  test('nothing waiting: no exchange; refused again: said so', async () => {
    const user = member(3);
    const before = tokens.connects.length;
    expect((await as(app, user).post('/api/sync/reconnect')).json()).toMatchObject({
      outcome: 'not-needed',
    });
    expect(tokens.connects).toHaveLength(before);

    await turnOn(user);
    tokens.refused.add(user.userId);
    await worker.run(job(target(user)));
    const res = await as(app, user).post('/api/sync/reconnect');
    expect(res.json()).toMatchObject({ outcome: 'refused', reason: 'Consent was withdrawn.' });
    tokens.refused.delete(user.userId);
  });
});

describe('the admins’ Sync health list', () => {
  test('every user of the caller’s organisation, with each resource’s state; no one else’s', async () => {
    const res = await as(app, tenant.admin).get('/api/sync/health');
    expect(res.statusCode).toBe(200);
    const items = (res.json() as { items: UserSyncHealth[] }).items;
    expect(items.map((i) => i.userId).sort()).toEqual(
      [tenant.admin, ...tenant.members].map((u) => u.userId).sort(),
    );
    expect(items.find((i) => i.userId === member(3).userId)?.health.contacts?.state).toBe('needs_sign_in');
    expect(items.find((i) => i.userId === tenant.admin.userId)?.health).toEqual({
      calendar: null,
      contacts: null,
    });
    expect(JSON.stringify(items)).not.toContain(other.members[0]!.userId);
  });

  test('needs the manage-users permission', async () => {
    expect((await as(app, member(0)).get('/api/sync/health')).statusCode).toBe(403);
  });
});

describe('"Sync now" run by the server', () => {
  test('with server-held access: 202 and a run id, whose progress the caller (only) can read', async () => {
    const user = member(0);
    tokens.held.add(user.userId);
    const res = await as(app, user).post('/api/sync/contacts/server-runs');
    expect(res.statusCode).toBe(202);
    const { runId } = res.json() as { runId: string };
    // A debounced run already waited (the reconnect asked for it): it is brought forward, not doubled.
    const status = await as(app, user).get(`/api/sync/contacts/server-runs/${runId}`);
    expect(status.statusCode).toBe(200);
    expect(status.json()).toMatchObject({ id: runId, resource: 'contacts', state: 'queued' });
    const [waiting] = await queue.boss.findJobs(SYNC_QUEUE, { key: syncKey(target(user)), queued: true });
    expect(waiting).toMatchObject({ id: runId, priority: 10 });
    expect(new Date(waiting!.startAfter).getTime()).toBeLessThanOrEqual(Date.now() + 1000);

    expect((await as(app, member(1)).get(`/api/sync/contacts/server-runs/${runId}`)).statusCode).toBe(404);
    expect((await as(app, user).get(`/api/sync/calendar/server-runs/${runId}`)).statusCode).toBe(404);
  });

  test('a fresh run goes in at high priority and at once', async () => {
    const user = member(0);
    const res = await as(app, user).post('/api/sync/calendar/server-runs');
    expect(res.statusCode).toBe(202);
    const { runId } = res.json() as { runId: string };
    const [created] = await queue.boss.findJobs(SYNC_QUEUE, { id: runId });
    expect(created).toMatchObject({ priority: 10, state: 'created' });
  });

  test('without server-held access (or with the sync off): the taskpane runs it, as before', async () => {
    const user = member(1);
    const res = await as(app, user).post('/api/sync/contacts/server-runs');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ runId: null });
  });

  test('a bad run id is a 400 naming the field', async () => {
    const res = await as(app, member(0)).get('/api/sync/contacts/server-runs/nope');
    expect(res.statusCode).toBe(400);
    expect(JSON.stringify(res.json())).toContain('id');
  });
});
