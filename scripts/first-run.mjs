// Measures a first run: `npm start` in a checkout without dist/ until taskpane.html answers with the
// built page, then the bytes Chromium transfers for that first page load (every request it makes).
//   node scripts/first-run.mjs [checkout] [port]
// Needs playwright-core and Chromium (/usr/bin/chromium, or CHROMIUM_PATH).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const checkout = path.resolve(process.argv[2] ?? '.');
const port = Number(process.argv[3] ?? 3900);
const base = `http://localhost:${port}`;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-first-run-'));
fs.rmSync(path.join(checkout, 'dist'), { recursive: true, force: true });

const started = Date.now();
const server = spawn('npm', ['start'], {
  cwd: checkout,
  env: { ...process.env, PORT: String(port), TANDEM_DATA_DIR: dataDir },
  stdio: ['ignore', 'pipe', 'pipe'],
  detached: true,
});
let output = '';
server.stdout.on('data', (chunk) => (output += chunk));
server.stderr.on('data', (chunk) => (output += chunk));

try {
  let firstAnswer;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`npm start exited:\n${output}`);
    if (Date.now() - started > 300_000) throw new Error(`no built page after 300 s:\n${output}`);
    const res = await fetch(`${base}/taskpane.html`).catch(() => undefined);
    if (res && firstAnswer === undefined) firstAnswer = (Date.now() - started) / 1000;
    if (res?.status === 200) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const ready = (Date.now() - started) / 1000;
  console.log(`server answering: ${firstAnswer} s after npm start`);
  console.log(`taskpane.html built page: ${ready} s after npm start`);

  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
  const page = await browser.newPage();
  // What DevTools shows as "transferred": headers and body as they came over the wire.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  const urls = new Map();
  const sizes = [];
  cdp.on('Network.requestWillBeSent', (e) => urls.set(e.requestId, e.request.url));
  cdp.on('Network.loadingFinished', (e) =>
    sizes.push({ url: urls.get(e.requestId), bytes: e.encodedDataLength }),
  );
  await page.goto(`${base}/taskpane.html`, { waitUntil: 'networkidle' });
  await browser.close();
  const total = sizes.reduce((sum, s) => sum + s.bytes, 0);
  for (const s of sizes.sort((a, b) => b.bytes - a.bytes).slice(0, 8))
    console.log(`  ${(s.bytes / 1024).toFixed(1)} KB  ${s.url.replace(base, '')}`);
  console.log(`first page load: ${sizes.length} requests, ${(total / 1024).toFixed(1)} KB transferred`);
} finally {
  const exited = new Promise((resolve) => server.on('exit', resolve));
  process.kill(-server.pid, 'SIGTERM');
  await exited;
  fs.rmSync(dataDir, { recursive: true, force: true, maxRetries: 5 });
}
