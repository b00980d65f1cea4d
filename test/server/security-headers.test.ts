import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { registerWebApp } from '../../src/server/plugins/web-app';
import { buildApp } from '../../src/server/app';
import { createTestIssuer } from '../support/auth';
import { createTestStore } from '../support/store';
import type { FastifyInstance } from 'fastify';
import type { Store } from '../../src/server/db/store';

/** Security headers on every answer, with a policy Outlook can frame and office.js and MSAL run under. */

let app: FastifyInstance;
let store: Store;
beforeAll(async () => {
  store = await createTestStore();
  const issuer = await createTestIssuer();
  app = await buildApp({
    store,
    auth: issuer.auth,
    securityHeaders: { connectSources: ['https://graph.example'] },
  });
  const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-dist-'));
  fs.writeFileSync(path.join(dist, 'taskpane.html'), '<!doctype html><title>Tandem</title>');
  await registerWebApp(app, {
    distDir: dist,
    clientConfig: { auth: { mode: 'sandbox' }, graphBaseUrl: '/graph' },
  });
});
afterAll(async () => {
  await app.close();
  await store.close();
});

/** The policy as directive → sources. */
function policyOf(header: string | string[] | number | undefined): Map<string, string[]> {
  return new Map(
    String(header)
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...sources]) => [name!, sources]),
  );
}

test.each(['/taskpane.html', '/api/health', '/api/nothing-here', '/config.json'])(
  '%s carries the security headers',
  async (url) => {
    const res = await app.inject(url);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['content-security-policy']).toBeDefined();
  },
);

test('the pages may be framed by Outlook on the web, never by anyone else', async () => {
  const res = await app.inject('/taskpane.html');
  expect(res.statusCode).toBe(200);
  // X-Frame-Options cannot name Office's hosts: its SAMEORIGIN would keep the pane out of Outlook on the web.
  expect(res.headers['x-frame-options']).toBeUndefined();
  const ancestors = policyOf(res.headers['content-security-policy']).get('frame-ancestors');
  expect(ancestors).toEqual(
    expect.arrayContaining(["'self'", 'https://*.office.com', 'https://*.office365.com']),
  );
  expect(ancestors).toEqual(expect.arrayContaining(['https://*.cloud.microsoft', 'https://*.live.com']));
  expect(ancestors).not.toContain('*');
  expect(ancestors).not.toContain('https:');
});

test('scripts come from this origin and office.js only; MSAL may reach Microsoft sign-in', async () => {
  const policy = policyOf((await app.inject('/taskpane.html')).headers['content-security-policy']);
  expect(policy.get('default-src')).toEqual(["'self'"]);
  expect(policy.get('script-src')).toEqual(["'self'", 'https://appsforoffice.microsoft.com']);
  expect(policy.get('object-src')).toEqual(["'none'"]);
  expect(policy.get('connect-src')).toEqual(
    expect.arrayContaining(["'self'", 'https://login.microsoftonline.com', 'https://graph.microsoft.com']),
  );
  expect(policy.get('connect-src')).toContain('https://graph.example');
  expect(policy.get('frame-src')).toContain('https://login.microsoftonline.com');
});

test("MSAL's popup keeps its opener and Outlook may load the add-in's icons", async () => {
  const res = await app.inject('/taskpane.html');
  expect(res.headers['cross-origin-opener-policy']).toBeUndefined();
  expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
});
