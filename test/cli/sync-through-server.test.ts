import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { syncCommand } from '../../src/cli/sync';
import { createGraphSandbox, graphSandboxPlugin } from '../../src/sandbox';
import { loadConfig } from '../../src/server/config';
import { startServer, type RunningServer } from '../../src/server/server';
import type { SyncOverview } from '../../src/sync/sync-views';

const ROOT = path.resolve(__dirname, '../..');
const ADMIN = 'admin@contoso.example';
/** In the demo tenant, never a Tandem member here. */
const OUTSIDER = 'bruno.castillo@contoso.example';

let server: RunningServer;
let base: string;
let dataDir: string;
/** Where the CLI would put an embedded store, were it to open one. */
let cliDataDir: string;

/**
 * `tandem sync --crm-url` (the real CLI, through tsx) against a server this test runs: PGlite and the
 * Graph sandbox. The CLI is pointed at a store it cannot open, so a run that tried would fail.
 */
function tandem(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), ...args], {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_OPTIONS: '',
        DATABASE_URL: 'postgres://nobody@127.0.0.1:1/no_store_here',
        TANDEM_DATA_DIR: cliDataDir,
        CRM_TOKEN: '',
        GRAPH_TOKEN: '',
        TANDEM_GRAPH_URL: '',
        ...env,
      },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

async function token(user: string, audience: 'crm' | 'graph'): Promise<string> {
  const res = await fetch(`${base}/sandbox/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user, audience }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

async function call<T>(
  audience: 'crm' | 'graph',
  method: string,
  url: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(audience === 'graph' ? `${base}/graph/v1.0${url}` : `${base}${url}`, {
    method,
    headers: {
      authorization: `Bearer ${await token(ADMIN, audience)}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** The contacts of the Tandem folder in the admin's sandbox mailbox; null when there is no such folder. */
async function outlookContacts(): Promise<
  { givenName: string; surname: string; jobTitle?: string | null }[] | null
> {
  const folders = await call<{ value: { id: string; displayName: string }[] }>(
    'graph',
    'GET',
    '/me/contactFolders',
  );
  const folder = folders.body.value.find((f) => f.displayName === 'Tandem');
  if (!folder) return null;
  const contacts = await call<{ value: { givenName: string; surname: string; jobTitle?: string | null }[] }>(
    'graph',
    'GET',
    `/me/contactFolders/${encodeURIComponent(folder.id)}/contacts`,
  );
  return contacts.body.value;
}

async function overview(): Promise<SyncOverview> {
  const res = await call<SyncOverview>('crm', 'GET', '/api/sync');
  expect(res.status).toBe(200);
  return res.body;
}

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'tandem-sync-server-'));
  cliDataDir = path.join(dataDir, 'cli-must-not-create-this');
  const port = await freePort();
  // Its own embedded store: installing Contoso here must not reach other tests' databases.
  const config = loadConfig({ PORT: String(port), HOST: '127.0.0.1', TANDEM_DATA_DIR: dataDir });
  const sandbox = createGraphSandbox({ crmAudience: config.auth.audience, publicUrl: config.publicUrl });
  server = await startServer(
    { ...config, logLevel: 'silent' },
    { mount: async (app) => void (await app.register(graphSandboxPlugin, { sandbox })) },
  );
  base = config.publicUrl;

  // The administrator installs Tandem, as the add-in does on first use, and makes records one by one.
  const onboarding = await call<{ termsVersion: string }>('crm', 'GET', '/api/onboarding');
  const install = await call('crm', 'POST', '/api/onboarding/install', {
    acceptTerms: true,
    termsVersion: onboarding.body.termsVersion,
  });
  expect(install.status).toBe(201);
  for (const [firstName, lastName] of [
    ['Ada', 'Lovelace'],
    ['Grace', 'Hopper'],
  ]) {
    expect((await call('crm', 'POST', '/api/contacts', { firstName, lastName })).status).toBe(201);
  }
  const start = new Date(Date.now() + 2 * 86_400_000);
  start.setUTCHours(10, 0, 0, 0);
  const event = await call('crm', 'POST', '/api/events', {
    title: 'Quarterly review',
    start: start.toISOString(),
    end: new Date(start.getTime() + 3_600_000).toISOString(),
    timeZone: 'Europe/Madrid',
  });
  expect(event.status).toBe(201);
}, 120_000);

afterAll(async () => {
  await server?.close();
  await fs.rm(dataDir, { recursive: true, force: true });
});

test('a run through the server activates, lands in the mailbox, is recorded, then runs incrementally and deactivates', async () => {
  const first = await tandem(['sync', '--user', ADMIN, '--crm-url', base]);
  expect(first.out).toContain('calendar: the sync was off; activating it creates the Tandem calendar');
  expect(first.out).toContain('calendar (initial): done: 1 created in Outlook');
  expect(first.out).toContain('contacts (initial): done: 2 created in Outlook');
  expect(first.code).toBe(0);

  const contacts = await outlookContacts();
  expect(contacts?.map((c) => `${c.givenName} ${c.surname}`).sort()).toEqual([
    'Ada Lovelace',
    'Grace Hopper',
  ]);
  const calendars = await call<{ value: { id: string; name: string }[] }>('graph', 'GET', '/me/calendars');
  const calendar = calendars.body.value.find((c) => c.name === 'Tandem');
  expect(calendar).toBeDefined();
  const events = await call<{ value: { subject: string }[] }>(
    'graph',
    'GET',
    `/me/calendars/${encodeURIComponent(calendar!.id)}/events`,
  );
  expect(events.body.value.map((e) => e.subject)).toEqual(['Quarterly review']);

  // The integration page reads the run the CLI recorded.
  let state = await overview();
  expect(state.contacts).toMatchObject({
    enabled: true,
    initialDone: true,
    running: false,
    lastRun: { mode: 'initial', outcome: 'done', applied: { createGraph: 2 }, failureCount: 0 },
  });
  expect(state.calendar.lastRun).toMatchObject({
    mode: 'initial',
    outcome: 'done',
    applied: { createGraph: 1 },
  });
  expect(state.contacts.lastRun?.startedAt).toEqual(expect.any(String));

  // A CRM edit; the user's own tokens this time, as a real tenant would need.
  const list = await call<{ items: { id: string; firstName: string }[] }>('crm', 'GET', '/api/contacts');
  const ada = list.body.items.find((c) => c.firstName === 'Ada')!;
  expect((await call('crm', 'PATCH', `/api/contacts/${ada.id}`, { title: 'Analyst' })).status).toBe(200);
  const second = await tandem(['sync', '--user', ADMIN, '--crm-url', base, '--contacts'], {
    CRM_TOKEN: await token(ADMIN, 'crm'),
    GRAPH_TOKEN: await token(ADMIN, 'graph'),
  });
  expect(second.out).toContain('contacts (incremental): done: 1 updated');
  expect(second.out).not.toContain('activating');
  expect(second.out).not.toContain('calendar');
  expect(second.code).toBe(0);
  expect((await outlookContacts())?.find((c) => c.givenName === 'Ada')?.jobTitle).toBe('Analyst');
  state = await overview();
  expect(state.contacts.lastRun).toMatchObject({
    mode: 'incremental',
    outcome: 'done',
    applied: { update: 1 },
  });

  const off = await tandem(['sync', '--user', ADMIN, '--crm-url', base, '--contacts', '--deactivate']);
  expect(off.out).toContain('contacts: deactivated; the Tandem contact folder was removed from Outlook');
  expect(off.code).toBe(0);
  expect(await outlookContacts()).toBeNull();
  state = await overview();
  expect(state.contacts.enabled).toBe(false);
  expect(state.calendar.enabled).toBe(true);
  const kept = await call<{ items: unknown[] }>('crm', 'GET', '/api/contacts');
  expect(kept.body.items).toHaveLength(2);

  const again = await tandem(['sync', '--user', ADMIN, '--crm-url', base, '--contacts', '--deactivate']);
  expect(again.out).toContain('contacts: the sync was not on');
  expect(again.code).toBe(0);

  // Not one of these runs touched a store of its own.
  await expect(fs.stat(cliDataDir)).rejects.toMatchObject({ code: 'ENOENT' });
}, 240_000);

/** The same command in this process: quicker for runs that stop before syncing anything. */
async function tandemHere(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const code = await syncCommand(args, {
    out: (line) => lines.push(line),
    progress: () => {},
    env: { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/no_store_here', TANDEM_DATA_DIR: cliDataDir, ...env },
  });
  return { code, out: lines.join('\n') };
}

test('tokens, membership and the server address fail with clear messages', async () => {
  // The real command's exit code, once.
  const badToken = await tandem(['sync', '--user', ADMIN, '--crm-url', base, '--calendar'], {
    CRM_TOKEN: 'not-a-token',
  });
  expect(badToken.out).toContain(`The Tandem server at ${base} refused CRM_TOKEN`);
  expect(badToken.code).toBe(1);

  const someoneElses = await tandemHere(['--user', ADMIN, '--crm-url', base, '--calendar'], {
    CRM_TOKEN: await token(OUTSIDER, 'crm'),
  });
  expect(someoneElses.out).toContain(`CRM_TOKEN was issued to ${OUTSIDER}, not to ${ADMIN}`);
  expect(someoneElses.code).toBe(2);

  const badGraphToken = await tandemHere(['--user', ADMIN, '--crm-url', base, '--calendar'], {
    CRM_TOKEN: await token(ADMIN, 'crm'),
    GRAPH_TOKEN: 'not-a-token',
  });
  expect(badGraphToken.out).toContain(`calendar: Microsoft Graph refused the token for ${ADMIN}`);
  expect(badGraphToken.out).toContain('Check GRAPH_TOKEN');
  expect(badGraphToken.code).toBe(1);

  const outsider = await tandemHere(['--user', OUTSIDER, '--crm-url', base, '--calendar']);
  expect(outsider.out).toContain(`${OUTSIDER} is not a member of a Tandem organisation at ${base}`);
  expect(outsider.code).toBe(1);

  const unknown = await tandemHere(['--user', 'nobody@contoso.example', '--crm-url', base]);
  expect(unknown.out).toContain('nobody@contoso.example is not a user of the demo tenant.');
  expect(unknown.code).toBe(1);

  const nobodyThere = await tandemHere([
    '--user',
    ADMIN,
    '--crm-url',
    `http://127.0.0.1:${await freePort()}`,
  ]);
  expect(nobodyThere.out).toContain('No Tandem server answers at http://127.0.0.1:');
  expect(nobodyThere.code).toBe(1);

  const graphWithoutToken = await tandemHere([
    '--user',
    ADMIN,
    '--crm-url',
    base,
    '--graph-url',
    'https://graph.microsoft.com/v1.0',
  ]);
  expect(graphWithoutToken.out).toContain('GRAPH_TOKEN must hold a delegated Microsoft Graph token');
  expect(graphWithoutToken.code).toBe(2);

  const notAUrl = await tandemHere(['--user', ADMIN, '--crm-url', 'localhost-3000']);
  expect(notAUrl.out).toContain("--crm-url must be the Tandem server's address");
  expect(notAUrl.code).toBe(2);

  await expect(fs.stat(cliDataDir)).rejects.toMatchObject({ code: 'ENOENT' });
}, 120_000);

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
