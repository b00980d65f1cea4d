/* eslint-disable @typescript-eslint/no-explicit-any -- Graph answers are arbitrary JSON read field by field. */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freshDatabase, type FreshDatabase } from '../support/fresh-database';

const ROOT = path.resolve(__dirname, '../..');

let dataDir: string;
let database: FreshDatabase;
let base: string;
let port: number;
const started: ChildProcess[] = [];

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'tandem-serve-crash-'));
  database = await freshDatabase();
  port = await freePort();
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  for (const child of started) if (child.exitCode === null) child.kill('SIGKILL');
  await database.drop();
  await fs.rm(dataDir, { recursive: true, force: true });
});

async function start() {
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve'], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      DATABASE_URL: database.url ?? '',
      PORT: String(port),
      TANDEM_DATA_DIR: dataDir,
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
  return { child, exited, output: () => output };
}

async function graphToken(): Promise<string> {
  const res = await fetch(`${base}/sandbox/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: 'admin@contoso.example', audience: 'graph' }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

async function graph(token: string, method: string, url: string, body?: unknown) {
  const res = await fetch(`${base}/graph/v1.0${url}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as any) : undefined };
}

test('after kill -9 of `tandem serve`, the sandbox still holds every Graph write it answered', async () => {
  const first = await start();
  const token = await graphToken();
  const calendar = await graph(token, 'POST', '/me/calendars', { name: 'Tandem' });
  expect(calendar.status).toBe(201);
  const event = await graph(token, 'POST', `/me/calendars/${calendar.body.id}/events`, {
    subject: 'Survives a crash',
    start: { dateTime: '2027-06-01T09:00:00', timeZone: 'UTC' },
    end: { dateTime: '2027-06-01T10:00:00', timeZone: 'UTC' },
  });
  expect(event.status).toBe(201);
  const contact = await graph(token, 'POST', '/me/contacts', { givenName: 'Grace', surname: 'Hopper' });
  expect(contact.status).toBe(201);

  first.child.kill('SIGKILL');
  await first.exited;

  const second = await start();
  try {
    const calendars = await graph(token, 'GET', '/me/calendars');
    expect(calendars.body.value.map((c: any) => c.name)).toContain('Tandem');
    const events = await graph(token, 'GET', `/me/calendars/${calendar.body.id}/events`);
    expect(events.body.value.map((e: any) => e.subject)).toEqual(['Survives a crash']);
    expect((await graph(token, 'GET', `/me/contacts/${contact.body.id}`)).body.surname).toBe('Hopper');
  } finally {
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }
}, 120_000);

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
