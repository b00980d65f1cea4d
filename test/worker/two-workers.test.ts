/* eslint-disable @typescript-eslint/no-explicit-any -- API and Graph answers are read field by field. */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { withSandboxAuthority } from '../../src/cli/serve';
import {
  createGraphSandbox,
  graphSandboxPlugin,
  listenSandboxTls,
  SANDBOX_CLIENT_ID,
  SANDBOX_CLIENT_SECRET,
  type GraphSandbox,
  type SandboxTlsServer,
} from '../../src/sandbox';
import { loadConfig } from '../../src/server/config';
import { startServer, type RunningServer } from '../../src/server/server';
import { startBackgroundSync, type BackgroundSync } from '../../src/server/worker/background-sync';
import { LateBackgroundSyncHooks } from '../../src/server/worker/sync-activation';
import { openIsolatedStore, type IsolatedStore } from '../server/isolated-store';
import { waitFor } from './support';

/**
 * Two `tandem worker` processes on one PostgreSQL database beside a server that only queues, one
 * worker killed (SIGKILL) while it holds a user's run: its job and lease lapse, the other finishes,
 * and every CRM change arrives in Outlook exactly once. PostgreSQL only (the embedded store takes
 * one process).
 */

const onPostgres = process.env.DATABASE_URL ? describe : describe.skip;
const ROOT = path.resolve(__dirname, '../..');
const ADMIN = 'admin@contoso.example';

let iso: IsolatedStore;
let dataDir: string;
let sandbox: GraphSandbox;
let tls: SandboxTlsServer;
let server: RunningServer;
let background: BackgroundSync;
let base: string;
const workers: ChildProcess[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function call<T = any>(
  method: string,
  url: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const graph = url.startsWith('/me');
  const res = await fetch(graph ? `${base}/graph/v1.0${url}` : `${base}${url}`, {
    method,
    headers: {
      authorization: `Bearer ${sandbox.issueToken(ADMIN, graph ? 'graph' : 'crm', { origin: base })}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

async function outlookSubjects(): Promise<string[]> {
  const calendars = await call<{ value: { id: string; name: string }[] }>('GET', '/me/calendars');
  const calendar = calendars.body.value.find((c) => c.name === 'Tandem');
  if (!calendar) return [];
  const subjects: string[] = [];
  let next: string | undefined = `/me/calendars/${encodeURIComponent(calendar.id)}/events?$top=100`;
  while (next) {
    const page: { body: { value: { subject: string }[]; '@odata.nextLink'?: string } } = await call(
      'GET',
      next,
    );
    subjects.push(...page.body.value.map((e) => e.subject));
    const link = page.body['@odata.nextLink'];
    next = link ? link.slice(link.indexOf('/me/')) : undefined;
  }
  return subjects;
}

onPostgres('two worker processes on one PostgreSQL', () => {
  const secretKey = randomBytes(32).toString('hex');

  beforeAll(async () => {
    iso = await openIsolatedStore();
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'tandem-two-workers-'));
    const port = await freePort();
    const loaded = loadConfig({
      PORT: String(port),
      HOST: '127.0.0.1',
      TANDEM_DATA_DIR: dataDir,
      DATABASE_URL: iso.databaseUrl,
      TANDEM_SECRET_KEY: secretKey,
      TANDEM_WORKER: 'off',
      TANDEM_SYNC_DEBOUNCE_SECONDS: '0.3',
      TANDEM_SYNC_POLL_MINUTES: '1440',
    });
    base = loaded.publicUrl;
    sandbox = createGraphSandbox({ crmAudience: loaded.auth.audience, publicUrl: base });
    tls = await listenSandboxTls(sandbox);
    const config = { ...withSandboxAuthority(loaded, tls), logLevel: 'silent' };
    const hooks = new LateBackgroundSyncHooks();
    server = await startServer(config, {
      mount: async (app) => void (await app.register(graphSandboxPlugin, { sandbox, closeSandbox: false })),
      background: hooks,
    });
    // This server only queues: the runs are the worker processes'.
    background = await startBackgroundSync({
      store: server.store,
      config,
      runWorker: false,
      log: { info: () => {}, warn: () => {} },
    });
    hooks.target = background.hooks;
    const onboarding = await call<{ termsVersion: string }>('GET', '/api/onboarding');
    expect(
      (
        await call('POST', '/api/onboarding/install', {
          acceptTerms: true,
          termsVersion: onboarding.body.termsVersion,
        })
      ).status,
    ).toBe(201);

    const caFile = path.join(dataDir, 'sandbox-ca.pem');
    await fs.writeFile(caFile, tls.ca);
    for (let i = 0; i < 2; i++) {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), 'worker'],
        {
          cwd: ROOT,
          stdio: ['ignore', 'ignore', 'ignore'],
          env: {
            ...process.env,
            NODE_OPTIONS: '',
            DATABASE_URL: iso.databaseUrl,
            TANDEM_DATA_DIR: path.join(dataDir, `worker-${i}`),
            TANDEM_PUBLIC_URL: base,
            TANDEM_AUTH_AUDIENCE: 'api://tandem',
            TANDEM_CLIENT_ID: SANDBOX_CLIENT_ID,
            TANDEM_CLIENT_SECRET: SANDBOX_CLIENT_SECRET,
            TANDEM_TOKEN_AUTHORITY: `${tls.origin}/sandbox/{tenantid}`,
            TANDEM_TOKEN_AUTHORITY_CA: caFile,
            TANDEM_GRAPH_URL: `${base}/graph/v1.0`,
            TANDEM_SECRET_KEY: secretKey,
            TANDEM_SYNC_POLL_MINUTES: '1440',
          },
        },
      );
      workers.push(child);
    }
  }, 120_000);

  afterAll(async () => {
    for (const child of workers) if (child.exitCode === null) child.kill('SIGKILL');
    await background?.stop();
    await server?.close();
    await tls?.close();
    sandbox?.close();
    await iso?.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  test('one killed mid-run: every change arrives once, no duplicates', async () => {
    const on = await call('PATCH', '/api/sync/calendar/state', { enabled: true });
    expect(on.body).toEqual({ background: { available: true } });
    const [a] = workers;
    const start = new Date(Date.now() + 86_400_000);
    start.setUTCHours(9, 0, 0, 0);
    const titles: string[] = [];
    const create = async (n: number) => {
      const title = `Change ${n}`;
      const at = new Date(start.getTime() + n * 3_600_000);
      const res = await call('POST', '/api/events', {
        title,
        start: at.toISOString(),
        end: new Date(at.getTime() + 1_800_000).toISOString(),
        timeZone: 'UTC',
      });
      expect(res.status).toBe(201);
      titles.push(title);
    };
    // Changes keep coming until worker A is seen holding the user's run; then it dies without a word.
    let killed = false;
    for (let n = 0; n < 400 && !killed; n++) {
      await create(n);
      const lease = await server.store.db
        .selectFrom('sync_state')
        .select('lease_owner')
        .where('resource', '=', 'events')
        .where('lease_expires_at', '>', new Date())
        .executeTakeFirst();
      if (lease?.lease_owner?.startsWith(`worker-${a!.pid}-`)) {
        a!.kill('SIGKILL');
        killed = true;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(killed).toBe(true);
    for (let n = 1000; n < 1005; n++) await create(n);

    await waitFor(
      async () => (await outlookSubjects()).filter((s) => s.startsWith('Change ')).length >= titles.length,
      150_000,
      'every change in Outlook',
    );
    // A moment more: a duplicate would show up now.
    await new Promise((r) => setTimeout(r, 3000));
    const subjects = (await outlookSubjects()).filter((s) => s.startsWith('Change '));
    expect(subjects.sort()).toEqual([...titles].sort());
    const links = await server.store.db.selectFrom('sync_links').select(['crm_id', 'graph_id']).execute();
    expect(new Set(links.map((l) => l.graph_id)).size).toBe(links.length);
    expect(new Set(links.map((l) => l.crm_id)).size).toBe(links.length);
  }, 240_000);
});
