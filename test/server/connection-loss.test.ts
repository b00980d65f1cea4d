import pg from 'pg';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/server/app';
import { createTestIssuer } from '../support/auth';
import { as, createTenant, type TestTenant } from '../support/fixtures';
import { openIsolatedStore, type IsolatedStore } from './isolated-store';

/**
 * The server survives losing its database connections: a request whose connection the server ends
 * mid-transaction answers 503 with Retry-After, its writes are rolled back, the pool replaces the dead
 * connections and the next requests succeed. Needs a real PostgreSQL (DATABASE_URL); every backend
 * terminated here belongs to this file's own database.
 */
const onPostgres = process.env.DATABASE_URL ? describe : describe.skip;

onPostgres('a database connection lost mid-request', () => {
  let database: IsolatedStore;
  let app: FastifyInstance;
  let tenant: TestTenant;
  let admin: pg.Client;
  const crashes: unknown[] = [];
  const onCrash = (error: unknown) => crashes.push(error);

  beforeAll(async () => {
    process.on('uncaughtException', onCrash);
    database = await openIsolatedStore();
    const issuer = await createTestIssuer();
    app = await buildApp({ store: database.store, auth: issuer.auth });
    tenant = await createTenant(database.store, issuer, { memberCount: 1 });
    admin = new pg.Client({ connectionString: database.databaseUrl, statement_timeout: 10_000 });
    await admin.connect();
  });
  afterAll(async () => {
    process.off('uncaughtException', onCrash);
    await admin?.end().catch(() => undefined);
    await app?.close();
    await database?.close();
  });

  const changeSeq = async () =>
    Number(
      (await admin.query('select change_seq from orgs where id = $1', [tenant.orgId])).rows[0].change_seq,
    );

  /** Polls until `check` holds, failing (never hanging) after a few seconds. */
  async function until(what: string, check: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  const withDeadline = <T>(promise: Promise<T>, what: string): Promise<T> =>
    Promise.race([
      promise,
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`${what} did not answer in time`)), 15_000).unref(),
      ),
    ]);

  test('the request answers 503 + Retry-After, its transaction is rolled back, the next requests succeed', async () => {
    const user = as(app, tenant.members[0]!);
    expect((await user.post('/api/contacts', { firstName: 'Before' })).statusCode).toBe(201);
    const seqBefore = await changeSeq();

    // Hold the contacts table so the import stops inside its transaction, after it took its sequence numbers.
    await admin.query('begin');
    await admin.query('lock table contacts in exclusive mode');
    const pending = user.post('/api/contacts/import', {
      records: [{ firstName: 'Lost' }, { firstName: 'Too' }],
    });
    await until('the import waits for the lock', async () => {
      const { rows } = await admin.query(
        `select count(*)::int as n from pg_stat_activity
          where datname = current_database() and pid <> pg_backend_pid() and wait_event_type = 'Lock'`,
      );
      return rows[0].n > 0;
    });

    // An administrator (or a failover) ends every other connection to this database.
    await admin.query(
      `select pg_terminate_backend(pid) from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid()`,
    );
    await admin.query('rollback');

    const res = await withDeadline(pending, 'the interrupted import');
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toMatch(/^\d+$/);
    expect(res.json()).toEqual({ error: { code: 'unavailable', message: expect.any(String) } });
    expect(res.body).not.toMatch(/terminat|connection|postgres/i);

    // Nothing of the import was kept: no records, no sequence numbers taken.
    expect(await changeSeq()).toBe(seqBefore);
    const { rows } = await admin.query(`select count(*)::int as n from contacts where org_id = $1`, [
      tenant.orgId,
    ]);
    expect(rows[0].n).toBe(1);

    // The pool heals: later requests, more of them than the pool has connections, succeed.
    for (let i = 0; i < 6; i++) {
      const created = await withDeadline(user.post('/api/contacts', { firstName: `After ${i}` }), 'a create');
      expect(created.statusCode).toBe(201);
    }
    const listed = await user.get('/api/contacts?limit=50');
    expect(listed.statusCode).toBe(200);
    expect((listed.json() as { items: unknown[] }).items).toHaveLength(7);
    expect(crashes).toEqual([]);
  });

  test('idle connections ended between requests are replaced without a failed request', async () => {
    const user = as(app, tenant.members[0]!);
    await admin.query(
      `select pg_terminate_backend(pid) from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid()`,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const res = await withDeadline(user.get('/api/contacts'), 'a list');
    expect(res.statusCode).toBe(200);
    expect(crashes).toEqual([]);
  });
});
