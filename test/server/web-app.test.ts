import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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
