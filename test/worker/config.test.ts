import { loadConfig } from '../../src/server/config';

/** The background-sync settings read from the environment. */

test('defaults: the worker runs in the server, a 15-minute backstop, the sandbox as authority and Graph', () => {
  const { backgroundSync } = loadConfig({ PORT: '3000' });
  expect(backgroundSync).toMatchObject({
    worker: true,
    pollMinutes: 15,
    debounceSeconds: 1,
    concurrency: 4,
    authority: 'http://localhost:3000/sandbox/{tenantid}',
    graphUrl: 'http://localhost:3000/graph/v1.0',
  });
  expect(backgroundSync.secretKey).toBeUndefined();
});

test('a real tenant takes its token authority from the sign-in host, Entra ID by default', () => {
  const tenant = { TANDEM_SANDBOX: 'false', TANDEM_AUTH_AUDIENCE: 'api://x' };
  expect(loadConfig(tenant).backgroundSync.authority).toBe('https://login.microsoftonline.com/{tenantid}');
  expect(
    loadConfig({ ...tenant, TANDEM_AUTHORITY: 'https://login.microsoftonline.us/organizations' })
      .backgroundSync.authority,
  ).toBe('https://login.microsoftonline.us/{tenantid}');
  expect(
    loadConfig({ ...tenant, TANDEM_CLIENT_SECRET: 's', TANDEM_WORKER: 'off', TANDEM_SYNC_POLL_MINUTES: '5' })
      .backgroundSync,
  ).toMatchObject({ worker: false, clientSecret: 's', pollMinutes: 5 });
});

test.each([
  [{ TANDEM_WORKER: 'maybe' }, /TANDEM_WORKER must be "on" or "off"/],
  [{ TANDEM_SYNC_POLL_MINUTES: '0' }, /TANDEM_SYNC_POLL_MINUTES must be a positive number/],
  [{ TANDEM_SYNC_DEBOUNCE_SECONDS: '-1' }, /TANDEM_SYNC_DEBOUNCE_SECONDS/],
  [{ TANDEM_WORKER_CONCURRENCY: 'lots' }, /TANDEM_WORKER_CONCURRENCY/],
])('a wrong value is refused, naming the variable (%o)', (env, message) => {
  expect(() => loadConfig(env)).toThrow(message);
});

test('TANDEM_TOKEN_AUTHORITY_CA: a PEM certificate file to trust for the token authority', async () => {
  const fs = await import('node:fs/promises');
  const os = await import('node:os');
  const path = await import('node:path');
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tandem-ca-'));
  try {
    const pem = path.join(dir, 'ca.pem');
    await fs.writeFile(pem, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    expect(loadConfig({ TANDEM_TOKEN_AUTHORITY_CA: pem }).backgroundSync.authorityCa).toContain(
      'BEGIN CERTIFICATE',
    );
    expect(loadConfig({}).backgroundSync.authorityCa).toBeUndefined();
    await fs.writeFile(path.join(dir, 'not.pem'), 'hello');
    expect(() => loadConfig({ TANDEM_TOKEN_AUTHORITY_CA: path.join(dir, 'not.pem') })).toThrow(
      /TANDEM_TOKEN_AUTHORITY_CA: .* holds no PEM certificate/,
    );
    expect(() => loadConfig({ TANDEM_TOKEN_AUTHORITY_CA: path.join(dir, 'missing.pem') })).toThrow(
      /TANDEM_TOKEN_AUTHORITY_CA: .* cannot be read/,
    );
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});
