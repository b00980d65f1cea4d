import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { seed } from '../../src/cli/seed';
import { createGraphSandbox, graphSandboxPlugin } from '../../src/sandbox';
import { loadConfig } from '../../src/server/config';
import { startServer, type RunningServer } from '../../src/server/server';

let server: RunningServer;
let base: string;
let dataDir: string;

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'tandem-seed-'));
  const port = await freePort();
  // Its own embedded store: the seed installs Contoso, which other tests' databases must not see.
  const config = loadConfig({ PORT: String(port), HOST: '127.0.0.1', TANDEM_DATA_DIR: dataDir });
  const sandbox = createGraphSandbox({ crmAudience: config.auth.audience, publicUrl: config.publicUrl });
  server = await startServer(
    { ...config, logLevel: 'silent' },
    { mount: async (app) => void (await app.register(graphSandboxPlugin, { sandbox })) },
  );
  base = config.publicUrl;
});

afterAll(async () => {
  await server?.close();
  await fs.rm(dataDir, { recursive: true, force: true });
});

async function crm(pathAndQuery: string): Promise<{ items: Record<string, unknown>[] }> {
  const token = await fetch(`${base}/sandbox/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: 'admin@contoso.example', audience: 'crm' }),
  }).then(async (r) => ((await r.json()) as { access_token: string }).access_token);
  const res = await fetch(`${base}${pathAndQuery}`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as { items: Record<string, unknown>[] };
}

test('seed installs the organisation and creates singly-made and imported records of every kind', async () => {
  const log = jest.spyOn(console, 'log').mockImplementation(() => {});
  await seed(['--url', base, '--contacts', '20', '--events', '30', '--imported', '50']);
  // A second run adds to what is there: the administrator is a member by now.
  await seed(['--url', base, '--contacts', '2', '--events', '0', '--seed', '7']);
  log.mockRestore();

  const contacts = (await crm('/api/contacts?limit=100')).items;
  expect(contacts).toHaveLength(22);
  expect(contacts.filter((c) => c.origin === 'import')).toHaveLength(10);
  expect(contacts.filter((c) => c.origin === 'api')).toHaveLength(12);
  const events = (await crm('/api/events?limit=100')).items;
  expect(events).toHaveLength(30);
  expect(events.filter((e) => e.origin === 'import')).toHaveLength(15);
  expect(events.some((e) => e.isAllDay === true)).toBe(true);
  expect(events.some((e) => e.recurrence)).toBe(true);
  expect(new Set(events.map((e) => e.timeZone)).size).toBeGreaterThan(2);

  const graphToken = await fetch(`${base}/sandbox/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: 'admin@contoso.example', audience: 'graph' }),
  }).then(async (r) => ((await r.json()) as { access_token: string }).access_token);
  const outlook = await fetch(`${base}/graph/v1.0/me/contacts?$top=50`, {
    headers: { authorization: `Bearer ${graphToken}` },
  }).then(async (r) => (await r.json()) as { value: unknown[] });
  expect(outlook.value).toHaveLength(10);
});

test('bad arguments and a server without the sandbox are clear errors', async () => {
  await expect(seed(['--url', base, '--events', 'many'])).rejects.toThrow('--events must be a whole number');
  await expect(seed(['--url', base, '--imported', '150'])).rejects.toThrow('percentage');
  await expect(seed(['--url', 'http://127.0.0.1:9'])).rejects.toThrow('No Tandem server answers');
});

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
