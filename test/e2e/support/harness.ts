import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

const ROOT = path.resolve(__dirname, '../../..');
export const RESULTS_DIR = path.join(ROOT, 'test-results');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface RunningProduct {
  base: string;
  close(): Promise<void>;
  output(): string;
}

/** `tandem serve` as `npm start` runs it, on a free port and an empty data directory. */
export async function startProduct(): Promise<RunningProduct> {
  if (!fs.existsSync(path.join(ROOT, 'dist/taskpane.html'))) {
    throw new Error('The add-in is not built: run `npm run build:dev` (npm run test:e2e does it).');
  }
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-e2e-'));
  let output = '';
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve'], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      PORT: String(port),
      TANDEM_DATA_DIR: dataDir,
      TANDEM_ADDIN_BUILD: 'off',
      LOG_LEVEL: 'warn',
      DATABASE_URL: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const base = `http://localhost:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`The server exited early:\n${output}`);
    try {
      if ((await fetch(`${base}/api/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`The server did not answer within 60 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    base,
    output: () => output,
    close: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** A page of the add-in as a taskpane is sized, failing the test on any uncaught page error or anything its Content-Security-Policy blocks. */
export async function openTaskpane(
  browser: Browser,
  url: string,
  options: { theme?: 'light' | 'dark'; lang?: string } = {},
): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 400, height: 760 },
    colorScheme: options.theme ?? 'light',
    locale: options.lang ?? 'en-US',
  });
  const page = await context.newPage();
  page.on('pageerror', (error) => {
    throw error;
  });
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/.test(message.text())) {
      throw new Error(`Blocked by the page's Content-Security-Policy: ${message.text()}`);
    }
  });
  await page.goto(url);
  return page;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  await page.screenshot({ path: path.join(RESULTS_DIR, `${name}.png`), fullPage: true });
}

/** Serious or critical accessibility violations found by axe-core on the page as it is now. */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  // Evaluated by the browser's debugging protocol: the page's Content-Security-Policy allows no inline script.
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run();
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      html: v.nodes.map((n) => n.html.slice(0, 160)),
    }));
  });
  return violations
    .map((v) => ({ ...v, html: v.html.filter((html) => !isTabsterDummy(v.id, html)) }))
    .filter((v) => v.html.length > 0 && (v.impact === 'serious' || v.impact === 'critical'))
    .map((v) => `${v.id} (${v.impact}, ${v.html.length} nodes: ${v.html.join(' | ')})`);
}

/**
 * Fluent's focus manager (tabster) puts aria-hidden, focusable "dummy" elements around arrow-key
 * groups and dialogs; they only pass focus on at once. Fluent lists this as a known axe false
 * positive (Accessibility Insights suppresses it the same way): only those nodes are ignored.
 */
function isTabsterDummy(rule: string, html: string): boolean {
  return rule === 'aria-hidden-focus' && /^<i [^>]*data-tabster-dummy/.test(html);
}

interface AxeViolation {
  id: string;
  impact: string | null;
  nodes: { html: string }[];
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
