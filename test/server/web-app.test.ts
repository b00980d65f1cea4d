import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import Fastify from 'fastify';
import { registerWebApp } from '../../src/server/plugins/web-app';
import { clientConfigFor } from '../../src/cli/add-in';
import { loadConfig } from '../../src/server/config';

async function webApp(distDir: string) {
  const app = Fastify();
  await registerWebApp(app, {
    distDir,
    clientConfig: clientConfigFor(loadConfig({ PORT: '3000' })),
  });
  return app;
}

test('serves the client configuration, and the pages once built with revalidation; bundles are immutable', async () => {
  const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-dist-'));
  const app = await webApp(dist);
  const config = await app.inject('/config.json');
  expect(config.json()).toEqual({
    auth: { mode: 'sandbox' },
    graphBaseUrl: 'http://localhost:3000/graph/v1.0',
  });

  const building = await app.inject('/taskpane.html');
  expect(building.statusCode).toBe(503);
  expect(building.body).toContain('being built');

  fs.writeFileSync(path.join(dist, 'taskpane.html'), '<!doctype html><title>Tandem</title>');
  fs.writeFileSync(path.join(dist, 'taskpane.0123abcd.js'), 'console.log(1)');
  const page = await app.inject('/taskpane.html');
  expect(page.statusCode).toBe(200);
  expect(page.headers['cache-control']).toBe('no-cache');
  expect(page.headers['cross-origin-opener-policy']).toBeUndefined();
  const bundle = await app.inject('/taskpane.0123abcd.js');
  expect(bundle.headers['cache-control']).toContain('immutable');
  expect((await app.inject('/')).headers.location).toBe('/taskpane.html');
  expect((await app.inject('/nothing-here.js')).statusCode).toBe(404);
  await app.close();
});

test('sends the build precompressed twins, cached for good when hashed, and compresses the rest on the fly', async () => {
  const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-dist-'));
  const bundle = 'export const greeting = "hello";\n'.repeat(200);
  fs.writeFileSync(path.join(dist, 'taskpane.0123abcd.js'), bundle);
  fs.writeFileSync(path.join(dist, 'taskpane.0123abcd.js.br'), zlib.brotliCompressSync(bundle));
  fs.writeFileSync(path.join(dist, 'taskpane.0123abcd.js.gz'), zlib.gzipSync(bundle));
  const html = `<!doctype html><title>Tandem</title>${'<p>Tandem</p>'.repeat(200)}`;
  fs.writeFileSync(path.join(dist, 'taskpane.html'), html);
  fs.writeFileSync(path.join(dist, 'taskpane.html.gz'), zlib.gzipSync(html));
  fs.mkdirSync(path.join(dist, 'office-js'));
  fs.writeFileSync(path.join(dist, 'office-js', 'office.js'), 'var Office = {};\n'.repeat(500));
  const app = await webApp(dist);

  const br = await app.inject({ url: '/taskpane.0123abcd.js', headers: { 'accept-encoding': 'gzip, br' } });
  expect(br.headers['content-encoding']).toBe('br');
  expect(br.headers['content-type']).toMatch(/javascript/);
  expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  expect(br.headers.vary).toMatch(/accept-encoding/i);
  expect(zlib.brotliDecompressSync(br.rawPayload).toString()).toBe(bundle);

  const gzip = await app.inject({ url: '/taskpane.0123abcd.js', headers: { 'accept-encoding': 'gzip' } });
  expect(gzip.headers['content-encoding']).toBe('gzip');
  expect(gzip.headers['cache-control']).toContain('immutable');
  const plain = await app.inject({
    url: '/taskpane.0123abcd.js',
    headers: { 'accept-encoding': 'identity' },
  });
  expect(plain.headers['content-encoding']).toBeUndefined();
  expect(plain.body).toBe(bundle);

  const page = await app.inject({ url: '/taskpane.html', headers: { 'accept-encoding': 'gzip, br' } });
  expect(page.statusCode).toBe(200);
  expect(page.headers['content-encoding']).toBe('gzip');
  expect(page.headers['cache-control']).toBe('no-cache');
  expect(zlib.gunzipSync(page.rawPayload).toString()).toBe(html);

  // No twin (the local office.js, a development build): compressed as it is sent, and revalidated.
  const officeJs = await app.inject({ url: '/office-js/office.js', headers: { 'accept-encoding': 'br' } });
  expect(officeJs.headers['content-encoding']).toBe('br');
  expect(officeJs.headers['cache-control']).toBe('no-cache');
  expect(zlib.brotliDecompressSync(officeJs.rawPayload).toString()).toContain('var Office');
  await app.close();
});

test('on a real tenant the add-in gets the app registration, and a missing client id is a clear error', () => {
  const env = {
    TANDEM_AUTH_ISSUER: 'https://login.microsoftonline.com/{tenantid}/v2.0',
    TANDEM_AUTH_AUDIENCE: 'api://tandem.example.com/1111',
    TANDEM_PUBLIC_URL: 'https://tandem.example.com',
  };
  expect(() => clientConfigFor(loadConfig(env), env)).toThrow(/TANDEM_CLIENT_ID/);
  const withClient = { ...env, TANDEM_CLIENT_ID: '1111' };
  expect(clientConfigFor(loadConfig(withClient), withClient)).toEqual({
    auth: {
      mode: 'entra',
      clientId: '1111',
      authority: 'https://login.microsoftonline.com/organizations',
      apiScope: 'api://tandem.example.com/1111/access_as_user',
    },
    graphBaseUrl: 'https://graph.microsoft.com/v1.0',
  });
});
