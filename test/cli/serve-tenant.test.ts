import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, TENANT_SETTINGS } from '../../src/server/config';
import { freshDatabase, type FreshDatabase } from '../support/fresh-database';

const ROOT = path.resolve(__dirname, '../..');
const TENANT = {
  TANDEM_CLIENT_ID: '1111aaaa-2222-4bbb-8ccc-3333dddd4444',
  TANDEM_AUTH_AUDIENCE: 'api://tandem.example.com/1111aaaa-2222-4bbb-8ccc-3333dddd4444',
};

describe('loadConfig', () => {
  test('a client id and audience alone, without TANDEM_SANDBOX=false, switch the sandbox off', () => {
    const config = loadConfig(TENANT);
    expect(config.sandbox).toBe(false);
    expect(config.auth.audience).toBe(TENANT.TANDEM_AUTH_AUDIENCE);
    expect(config.auth.issuer).toBe('https://login.microsoftonline.com/{tenantid}/v2.0');
  });

  test.each(TENANT_SETTINGS.map((name) => [name]))('%s alone switches the sandbox off', (name) => {
    if (name === 'TANDEM_AUTH_AUDIENCE') {
      expect(loadConfig({ [name]: 'api://x' }).sandbox).toBe(false);
    } else {
      // The tenant configuration is chosen, and it wants its audience.
      expect(() => loadConfig({ [name]: 'https://tenant.example' })).toThrow(
        /TANDEM_AUTH_AUDIENCE must be set/,
      );
      expect(loadConfig({ [name]: 'https://tenant.example', TANDEM_AUTH_AUDIENCE: 'api://x' }).sandbox).toBe(
        false,
      );
    }
  });

  test.each(TENANT_SETTINGS.map((name) => [name]))(
    'TANDEM_SANDBOX=true beside %s is refused, naming the setting',
    (name) => {
      const env = {
        TANDEM_SANDBOX: 'true',
        [name]: 'https://tenant.example',
        TANDEM_AUTH_AUDIENCE: 'api://x',
      };
      expect(() => loadConfig(env)).toThrow(new RegExp(`TANDEM_SANDBOX=true cannot be combined.*${name}`));
    },
  );

  test('TANDEM_SANDBOX must say true or false', () => {
    expect(() => loadConfig({ TANDEM_SANDBOX: 'yes please' })).toThrow(/TANDEM_SANDBOX must be/);
    expect(loadConfig({ TANDEM_SANDBOX: 'true' }).sandbox).toBe(true);
    expect(loadConfig({ TANDEM_SANDBOX: 'false', ...TENANT }).sandbox).toBe(false);
  });

  test('the demo listens on loopback unless HOST says otherwise; a tenant on every interface', () => {
    expect(loadConfig({}).host).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    expect(loadConfig({ TANDEM_SANDBOX: 'false', TANDEM_AUTH_AUDIENCE: 'api://x' }).host).toBe('0.0.0.0');
    expect(loadConfig(TENANT).host).toBe('0.0.0.0');
    expect(loadConfig({ ...TENANT, HOST: '10.0.0.5' }).host).toBe('10.0.0.5');
  });
});

describe('tandem serve on a tenant configuration', () => {
  let dataDir: string;
  let database: FreshDatabase;
  const started: ChildProcess[] = [];

  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'tandem-serve-tenant-'));
    database = await freshDatabase();
  });

  afterAll(async () => {
    for (const child of started) if (child.exitCode === null) child.kill('SIGKILL');
    await database.drop();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  function serve(env: Record<string, string>) {
    let output = '';
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve'], {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_OPTIONS: '',
        DATABASE_URL: database.url ?? '',
        TANDEM_DATA_DIR: dataDir,
        TANDEM_ADDIN_BUILD: 'off',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    started.push(child);
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return { child, exited, output: () => output };
  }

  test('mounts no sandbox: no token minting, no snapshot, no sandbox Graph', async () => {
    const port = await freePort();
    const server = serve({ ...TENANT, PORT: String(port), HOST: '127.0.0.1' });
    const deadline = Date.now() + 60_000;
    while (!server.output().includes('Tandem is running')) {
      if (server.child.exitCode !== null) throw new Error(`server exited early:\n${server.output()}`);
      if (Date.now() > deadline) throw new Error(`server did not start:\n${server.output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    try {
      const base = `http://127.0.0.1:${port}`;
      const token = await fetch(`${base}/sandbox/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user: 'admin@contoso.example', audience: 'crm' }),
      });
      expect(token.status).toBe(404);
      expect((await fetch(`${base}/sandbox/admin/snapshot`)).status).toBe(404);
      expect((await fetch(`${base}/sandbox/discovery/v2.0/keys`)).status).toBe(404);
      expect((await fetch(`${base}/graph/v1.0/me`)).status).toBe(404);
      expect(server.output()).not.toContain('Graph sandbox');
    } finally {
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
    }
  }, 90_000);

  test('refuses to start with TANDEM_SANDBOX=true beside a tenant setting', async () => {
    const server = serve({ ...TENANT, TANDEM_SANDBOX: 'true', PORT: String(await freePort()) });
    expect(await server.exited).not.toBe(0);
    expect(server.output()).toMatch(
      /TANDEM_SANDBOX=true cannot be combined .*TANDEM_AUTH_AUDIENCE, TANDEM_CLIENT_ID/,
    );
  }, 60_000);
});

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
