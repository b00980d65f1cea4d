import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { createGraphSandbox, graphSandboxPlugin } from '../../src/sandbox';
import { SANDBOX_PAGES_DIR } from '../../src/sandbox/outlook-page';

const ROOT = path.resolve(__dirname, '../..');

function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

async function sandboxApp(outlookPageDir: string) {
  const app = Fastify();
  await app.register(graphSandboxPlugin, {
    sandbox: createGraphSandbox({ crmAudience: 'api://tandem' }),
    outlookPageDir,
  });
  return app;
}

test('with the sandbox, /sandbox/outlook.html is served once built, its bundles for good', async () => {
  const dir = tempDir('tandem-sandbox-pages-');
  const app = await sandboxApp(dir);
  const building = await app.inject('/sandbox/outlook.html');
  expect(building.statusCode).toBe(503);
  expect(building.body).toContain('being built');

  fs.mkdirSync(path.join(dir, 'outlook'));
  fs.writeFileSync(path.join(dir, 'outlook.html'), '<!doctype html><title>Outlook</title>');
  fs.writeFileSync(path.join(dir, 'outlook', 'outlook.0123abcd.js'), 'console.log(1)');
  const page = await app.inject('/sandbox/outlook.html');
  expect(page.statusCode).toBe(200);
  expect(page.headers['content-type']).toContain('text/html');
  expect(page.headers['cache-control']).toBe('no-cache');
  expect(page.body).toContain('<title>Outlook</title>');
  const bundle = await app.inject('/sandbox/outlook/outlook.0123abcd.js');
  expect(bundle.statusCode).toBe(200);
  expect(bundle.headers['cache-control']).toContain('immutable');
  expect((await app.inject('/sandbox/outlook/missing.js')).statusCode).toBe(404);
  await app.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('the Outlook view is built outside dist/, which the web app serves on every configuration', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- webpack's own CommonJS config
  const configs = require('../../webpack.config.js')({}, { mode: 'development' }) as {
    name: string;
    output: { path: string };
  }[];
  const addIn = configs.find((c) => c.name === 'add-in')!;
  const outlook = configs.find((c) => c.name === 'sandbox-outlook')!;
  expect(outlook.output.path).toBe(SANDBOX_PAGES_DIR);
  expect(path.relative(addIn.output.path, outlook.output.path).startsWith('..')).toBe(true);
});

test('on a real-tenant configuration the server has no Outlook view and does not print one', async () => {
  const port = await freePort();
  const dataDir = tempDir('tandem-real-tenant-');
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve'], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      DATABASE_URL: '',
      PORT: String(port),
      TANDEM_DATA_DIR: dataDir,
      TANDEM_ADDIN_BUILD: 'off',
      LOG_LEVEL: 'warn',
      TANDEM_AUTH_ISSUER: 'https://login.microsoftonline.com/{tenantid}/v2.0',
      TANDEM_AUTH_AUDIENCE: 'api://tandem.example.com/1111',
      TANDEM_CLIENT_ID: '1111',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    const deadline = Date.now() + 60_000;
    while (!output.includes('Tandem is running')) {
      if (child.exitCode !== null) throw new Error(`server exited early:\n${output}`);
      if (Date.now() > deadline) throw new Error(`server did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const base = `http://127.0.0.1:${port}`;
    expect((await fetch(`${base}/sandbox/outlook.html`)).status).toBe(404);
    expect((await fetch(`${base}/sandbox/outlook/outlook.js`)).status).toBe(404);
    expect((await fetch(`${base}/sandbox/token`, { method: 'POST' })).status).toBe(404);
    expect(output).toContain('/taskpane.html');
    expect(output).not.toContain('outlook.html');
  } finally {
    child.kill('SIGTERM');
    await exited;
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}, 90_000);

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
