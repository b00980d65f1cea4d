import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { openStore } from '../../src/server/db/store';
import { freshDatabase, type FreshDatabase } from '../support/fresh-database';
import { createOrganisation } from '../../src/server/services/org-service';
import { CONTOSO_TENANT_ID } from '../../src/sandbox';

const ROOT = path.resolve(__dirname, '../..');
const ADMIN_OID = '9f1c2a30-0001-4b7e-8a11-c0a7e1d0a001';

interface Server {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

let dataDir: string;
const started: ChildProcess[] = [];
let database: FreshDatabase;
let port: number;
let base: string;

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'tandem-serve-'));
  port = await freePort();
  base = `http://localhost:${port}`;
  // The organisation the install flow would create for Contoso's administrator.
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
      admin: {
        email: 'admin@contoso.example',
        displayName: 'Ana Admin',
        msTenantId: CONTOSO_TENANT_ID,
        msObjectId: ADMIN_OID,
      },
    });
  }
  await store.close();
});

afterAll(async () => {
  // A server a failed assertion left running would keep the test run from ever ending.
  for (const child of started) if (child.exitCode === null) child.kill('SIGKILL');
  await database.drop();
  await fs.rm(dataDir, { recursive: true, force: true });
});

test('npm start serves health, and a SIGTERM stop loses nothing written', async () => {
  const first = await start();
  const health = await fetch(`${base}/api/health`);
  expect(await health.json()).toEqual({
    status: 'ok',
    store: process.env.DATABASE_URL ? 'postgres' : 'pglite',
  });
  expect(first.output()).toContain(`${base}/api/health`);

  const token = await crmToken();
  const created = await fetch(`${base}/api/contacts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ firstName: 'Persisted', lastName: 'Across Restarts' }),
  });
  expect(created.status).toBe(201);
  const { id } = (await created.json()) as { id: string };

  first.child.kill('SIGTERM');
  expect(await first.exited).toBe(0);
  expect(first.output()).toContain('Tandem stopped.');
  expect(first.output()).not.toContain(token);
  // The demo's terminal gets one readable line per API call, not JSON.
  expect(first.output()).toMatch(/INFO: POST \/api\/contacts 201 \d+ ms/);
  expect(first.output()).not.toMatch(/^\{"level"/m);

  const second = await start();
  try {
    const read = await fetch(`${base}/api/contacts/${id}`, {
      headers: { authorization: `Bearer ${await crmToken()}` },
    });
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ id, firstName: 'Persisted', lastName: 'Across Restarts' });
  } finally {
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
  }
}, 120_000);

async function crmToken(): Promise<string> {
  const res = await fetch(`${base}/sandbox/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: 'admin@contoso.example', audience: 'crm' }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

async function start(): Promise<Server> {
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve'], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      DATABASE_URL: database.url ?? '',
      PORT: String(port),
      TANDEM_DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      TANDEM_ADDIN_BUILD: 'off',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + 60_000;
  while (!output.includes('Tandem is running')) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${output}`);
    if (Date.now() > deadline) throw new Error(`server did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, output: () => output, exited };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
