/* eslint-disable @typescript-eslint/no-explicit-any -- API and Graph answers are read field by field. */
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { withSandboxAuthority } from '../../src/cli/serve';
import {
  createGraphSandbox,
  FABRIKAM_TENANT_ID,
  graphSandboxPlugin,
  listenSandboxTls,
  type GraphSandbox,
  type SandboxTlsServer,
} from '../../src/sandbox';
import { loadConfig, type ServerConfig } from '../../src/server/config';
import { startServer, type RunningServer } from '../../src/server/server';
import { startBackgroundSync, type BackgroundSync } from '../../src/server/worker/background-sync';
import { LateBackgroundSyncHooks } from '../../src/server/worker/sync-activation';
import { SYNC_QUEUE } from '../../src/server/worker/sync-queue';
import { createGraphClient } from '../../src/sync/graph';
import { HttpCrmPort } from '../../src/sync/http-crm-port';
import { createSyncEngine } from '../../src/sync/runner';
import { waitFor } from './support';

/**
 * Background sync end to end, as `tandem serve` runs it on the demo tenant: the server over HTTP on
 * PGlite, the Graph sandbox beside it, MSAL getting the server's own tokens from the sandbox's token
 * endpoint over HTTPS (on-behalf-of, then refresh), Graph subscriptions and their notifications
 * posted back to the server. No client runs once the sync is on.
 */

const ADMIN = 'admin@contoso.example';

let dataDir: string;
let config: ServerConfig;
let sandbox: GraphSandbox;
let tls: SandboxTlsServer;
let server: RunningServer;
let background: BackgroundSync;
let base: string;

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

const token = (audience: 'crm' | 'graph', user = ADMIN) =>
  sandbox.issueToken(user, audience, { origin: base });

async function call<T = any>(
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: T; type: string | null }> {
  const graph = url.startsWith('/me') || url.startsWith('/subscriptions');
  const res = await fetch(graph ? `${base}/graph/v1.0${url}` : `${base}${url}`, {
    method,
    headers: {
      ...(url.startsWith('/api/notifications') || url.startsWith('/sandbox')
        ? {}
        : { authorization: `Bearer ${token(graph ? 'graph' : 'crm')}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // plain text
  }
  return { status: res.status, body: parsed as T, type: res.headers.get('content-type') };
}

/** Runs of the admin's calendar sync the queue took, by trigger. */
async function runs(trigger: string): Promise<number> {
  const { rows } = await sql<{ n: string | number }>`
    select count(*) as n from tandem_queue.job
    where name = ${SYNC_QUEUE} and data->>'trigger' = ${trigger}`.execute(server.store.db);
  return Number(rows[0]?.n ?? 0);
}

async function tandemCalendarEvents(): Promise<{ id: string; subject: string }[]> {
  const calendars = await call<{ value: { id: string; name: string }[] }>('GET', '/me/calendars');
  const calendar = calendars.body.value.find((c) => c.name === 'Tandem');
  if (!calendar) return [];
  const events = await call<{ value: { id: string; subject: string }[] }>(
    'GET',
    `/me/calendars/${encodeURIComponent(calendar.id)}/events`,
  );
  return events.body.value;
}

async function subscriptions(): Promise<{ id: string; resource: string; tenantId: string }[]> {
  return (await call('GET', `/sandbox/admin/subscriptions?user=${encodeURIComponent(ADMIN)}`)).body.value;
}

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'tandem-background-'));
  const port = await freePort();
  const loaded = loadConfig({
    PORT: String(port),
    HOST: '127.0.0.1',
    TANDEM_DATA_DIR: dataDir,
    TANDEM_SYNC_DEBOUNCE_SECONDS: '0.3',
    // The backstop stays out of the way: what arrives here arrives through notifications.
    TANDEM_SYNC_POLL_MINUTES: '1440',
  });
  base = loaded.publicUrl;
  sandbox = createGraphSandbox({ crmAudience: loaded.auth.audience, publicUrl: loaded.publicUrl });
  tls = await listenSandboxTls(sandbox);
  config = { ...withSandboxAuthority(loaded, tls), logLevel: 'silent' };
  const hooks = new LateBackgroundSyncHooks();
  server = await startServer(config, {
    mount: async (app) => void (await app.register(graphSandboxPlugin, { sandbox, closeSandbox: false })),
    background: hooks,
  });
  background = await startBackgroundSync({
    store: server.store,
    config,
    runWorker: true,
    log: { info: () => {}, warn: () => {} },
  });
  hooks.target = background.hooks;
  expect((await call('PUT', '/sandbox/admin/notifications', { delayMs: 200, retryBaseMs: 200 })).status).toBe(
    200,
  );

  const onboarding = await call<{ termsVersion: string }>('GET', '/api/onboarding');
  const install = await call('POST', '/api/onboarding/install', {
    acceptTerms: true,
    termsVersion: onboarding.body.termsVersion,
  });
  expect(install.status).toBe(201);
}, 120_000);

afterAll(async () => {
  await background?.stop();
  await server?.close();
  await tls?.close();
  sandbox?.close();
  await fs.rm(dataDir, { recursive: true, force: true });
});

describe('a calendar sync turned on, then left alone', () => {
  let eventId: string;

  test('turning it on hands the server its own Microsoft access and subscribes to the calendar', async () => {
    // The taskpane's run: the engine over the API and Graph with the user's tokens.
    const engine = createSyncEngine({
      resource: 'calendar',
      graph: createGraphClient({ baseUrl: `${base}/graph/v1.0`, getToken: async () => token('graph') }),
      crm: new HttpCrmPort({ baseUrl: base, resource: 'calendar', token: async () => token('crm') }),
      holder: 'taskpane',
    });
    expect((await engine.activate()).outcome).toBe('done');
    // The API's answer to turning a sync on says background sync holds.
    const again = await call('PATCH', '/api/sync/calendar/state', { enabled: true });
    expect(again).toMatchObject({ status: 200, body: { background: { available: true } } });
    const creds = await server.store.db.selectFrom('sync_credentials').select('sealed').execute();
    expect(creds).toHaveLength(1);
    // Sealed: no token in the clear.
    expect(creds[0]!.sealed).toMatch(/^v1\./);
    const subscribed = await waitFor(async () => (await subscriptions()).length === 1 && subscriptions());
    expect(subscribed[0]!.resource).toBe('/me/events');
  }, 30_000);

  test('an event created through the API reaches the Tandem calendar within seconds, with no client running', async () => {
    const start = new Date(Date.now() + 2 * 86_400_000);
    start.setUTCHours(10, 0, 0, 0);
    const created = await call('POST', '/api/events', {
      title: 'Background review',
      start: start.toISOString(),
      end: new Date(start.getTime() + 3_600_000).toISOString(),
      timeZone: 'Europe/Madrid',
    });
    expect(created.status).toBe(201);
    eventId = created.body.id;
    const began = Date.now();
    const found = await waitFor(
      async () => (await tandemCalendarEvents()).find((e) => e.subject === 'Background review'),
      10_000,
      'the event in Outlook',
    );
    expect(found).toBeDefined();
    expect(Date.now() - began).toBeLessThan(10_000);
  }, 30_000);

  test('an edit in Outlook reaches the CRM through a change notification', async () => {
    const before = await runs('notification');
    const [outlook] = (await tandemCalendarEvents()).filter((e) => e.subject === 'Background review');
    const edit = await call('PATCH', `/me/events/${encodeURIComponent(outlook!.id)}`, {
      subject: 'Background review (moved)',
    });
    expect(edit.status).toBe(200);
    await waitFor(
      async () => (await call('GET', `/api/events/${eventId}`)).body.title === 'Background review (moved)',
      10_000,
      'the CRM record changed',
    );
    expect(await runs('notification')).toBeGreaterThan(before);
  }, 30_000);

  test('lifecycle: missed asks for a run; subscriptionRemoved makes a new subscription', async () => {
    const [subscription] = await subscriptions();
    const missedBefore = await runs('missed');
    const missed = await call('POST', `/sandbox/admin/subscriptions/${subscription!.id}/lifecycle`, {
      lifecycleEvent: 'missed',
    });
    expect(missed.body).toMatchObject({ delivered: true });
    await waitFor(async () => (await runs('missed')) > missedBefore, 5000, 'a run after missed');

    await call('DELETE', `/subscriptions/${subscription!.id}`);
    const removed = await call('POST', `/api/notifications/lifecycle`, {
      value: [
        {
          subscriptionId: subscription!.id,
          tenantId: subscription!.tenantId,
          clientState: 'not the secret',
          lifecycleEvent: 'subscriptionRemoved',
        },
      ],
    });
    // Forged (its clientState is not the subscription's): acknowledged, and nothing done.
    expect(removed.status).toBe(202);
    expect(await server.store.db.selectFrom('sync_subscriptions').select('id').execute()).toEqual([
      { id: subscription!.id },
    ]);
  }, 30_000);
});

describe('the notification routes', () => {
  test('answer the validation handshake with the token as plain text', async () => {
    const res = await call('POST', '/api/notifications/graph?validationToken=Validation%3A%20abc%2B1', '', {
      'content-type': 'text/plain',
    });
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^text\/plain/);
    expect(res.body).toBe('Validation: abc+1');
  });

  test('forged notifications are acknowledged and ignored: nothing runs for anyone', async () => {
    await new Promise((r) => setTimeout(r, 1000));
    const [held] = await server.store.db
      .selectFrom('sync_subscriptions')
      .select(['id', 'tenant_id'])
      .execute();
    const before = await runs('notification');
    const forged = [
      // The right subscription, the wrong clientState.
      { subscriptionId: held!.id, tenantId: held!.tenant_id, clientState: 'guess' },
      // No clientState at all.
      { subscriptionId: held!.id, tenantId: held!.tenant_id },
      // A subscription this server never made.
      { subscriptionId: 'f00d', tenantId: held!.tenant_id, clientState: 'x' },
      // Another tenant's ids.
      { subscriptionId: held!.id, tenantId: FABRIKAM_TENANT_ID, clientState: 'guess' },
      'not an object',
    ];
    for (const body of [{ value: forged }, { value: 'nope' }, {}, { value: [null] }]) {
      const res = await call('POST', '/api/notifications/graph', body);
      expect(res.status).toBe(202);
      expect((await call('POST', '/api/notifications/lifecycle', body)).status).toBe(202);
    }
    await new Promise((r) => setTimeout(r, 500));
    expect(await runs('notification')).toBe(before);
  });
});

describe('turned off', () => {
  test('deletes the subscription and the credentials; Outlook edits no longer run anything', async () => {
    const off = await call('PATCH', '/api/sync/calendar/state', { enabled: false });
    expect(off.status).toBe(204);
    expect(await subscriptions()).toEqual([]);
    expect(await server.store.db.selectFrom('sync_subscriptions').selectAll().execute()).toEqual([]);
    expect(await server.store.db.selectFrom('sync_credentials').selectAll().execute()).toEqual([]);
  });
});
