/* eslint-disable @typescript-eslint/no-explicit-any -- API and Graph answers are read field by field. */
import { createHash } from 'node:crypto';
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
    where name = ${SYNC_QUEUE} and data->>'trigger' = ${trigger}
      and data->>'resource' = 'calendar'`.execute(server.store.db);
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
  // Access tokens shorter than the provider's margin: every run refreshes (and rotates) its token.
  expect((await call('PUT', '/sandbox/admin/identity', { accessTokenLifetimeSeconds: 120 })).status).toBe(
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

  test('lifecycle: missed asks for a run; subscriptionRemoved makes a new subscription; reauthorizationRequired renews it', async () => {
    const [subscription] = await subscriptions();
    const missedBefore = await runs('missed');
    const missed = await call('POST', `/sandbox/admin/subscriptions/${subscription!.id}/lifecycle`, {
      lifecycleEvent: 'missed',
    });
    expect(missed.body).toMatchObject({ delivered: true });
    await waitFor(async () => (await runs('missed')) > missedBefore, 5000, 'a run after missed');

    const forged = await call('POST', `/api/notifications/lifecycle`, {
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
    expect(forged.status).toBe(202);
    expect(await server.store.db.selectFrom('sync_subscriptions').select('id').execute()).toEqual([
      { id: subscription!.id },
    ]);

    // Graph removed it: the server subscribes again.
    await call('POST', `/sandbox/admin/subscriptions/${subscription!.id}/lifecycle`, {
      lifecycleEvent: 'subscriptionRemoved',
    });
    const renewed = await waitFor(
      async () => {
        const now = await subscriptions();
        return now.length === 1 && now[0]!.id !== subscription!.id && now;
      },
      10_000,
      'a new subscription',
    );
    expect(await server.store.db.selectFrom('sync_subscriptions').select('id').execute()).toEqual([
      { id: renewed[0]!.id },
    ]);

    // Graph asks for reauthorization: the server renews the subscription it holds.
    const expiry = async () =>
      new Date(
        (
          await server.store.db
            .selectFrom('sync_subscriptions')
            .select('expires_at')
            .executeTakeFirstOrThrow()
        ).expires_at,
      ).getTime();
    const held = await expiry();
    await call('POST', `/sandbox/admin/subscriptions/${renewed[0]!.id}/lifecycle`, {
      lifecycleEvent: 'reauthorizationRequired',
    });
    await waitFor(async () => (await expiry()) > held, 10_000, 'the subscription renewed');
    expect((await subscriptions()).map((x) => x.id)).toEqual([renewed[0]!.id]);
  }, 30_000);
});

describe('a contact sync', () => {
  test('subscribes to its own folder, and turning it off (forget) deletes that subscription', async () => {
    const on = await call('PATCH', '/api/sync/contacts/state', { enabled: true });
    expect(on.body).toEqual({ background: { available: true } });
    const folder = await waitFor(
      async () => (await subscriptions()).find((x) => x.resource.includes('/contactFolders/')),
      15_000,
      'a contact folder subscription',
    );
    const state = await server.store.db
      .selectFrom('sync_state')
      .select('container_id')
      .where('resource', '=', 'contacts')
      .executeTakeFirstOrThrow();
    expect(folder.resource).toMatch(
      new RegExp(`^/users/[^/]+/contactFolders/${encodeURIComponent(state.container_id!)}/contacts$`),
    );
    expect((await call('POST', '/api/sync/contacts/forget')).status).toBe(204);
    expect((await subscriptions()).map((x) => x.resource)).toEqual(['/me/events']);
    // The calendar sync is still on: the server keeps its credentials.
    expect(await server.store.db.selectFrom('sync_credentials').selectAll().execute()).toHaveLength(1);
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

describe('a flood of genuine notifications', () => {
  test('for one user is one run', async () => {
    await new Promise((r) => setTimeout(r, 1000));
    const [held] = await server.store.db.selectFrom('sync_subscriptions').selectAll().execute();
    // A second subscription of the same sync whose clientState this test knows.
    await server.store.db
      .insertInto('sync_subscriptions')
      .values({
        ...held!,
        id: 'flood-test',
        client_state_hash: createHash('sha256').update('known secret').digest('hex'),
      })
      .execute();
    try {
      const before = await runs('notification');
      const one = { subscriptionId: 'flood-test', tenantId: held!.tenant_id, clientState: 'known secret' };
      const answers = await Promise.all(
        Array.from({ length: 10 }, () =>
          call('POST', '/api/notifications/graph', { value: Array.from({ length: 5 }, () => one) }),
        ),
      );
      expect(answers.map((a) => a.status)).toEqual(Array.from({ length: 10 }, () => 202));
      expect(await runs('notification')).toBe(before + 1);
    } finally {
      await server.store.db.deleteFrom('sync_subscriptions').where('id', '=', 'flood-test').execute();
    }
  });
});

describe('turned off', () => {
  test('deletes the subscription and the credentials; Outlook edits no longer run anything', async () => {
    const off = await call('PATCH', '/api/sync/calendar/state', { enabled: false });
    expect(off.status).toBe(204);
    expect(await subscriptions()).toEqual([]);
    expect(await server.store.db.selectFrom('sync_subscriptions').selectAll().execute()).toEqual([]);
    expect(await server.store.db.selectFrom('sync_credentials').selectAll().execute()).toEqual([]);
    const before = await runs('notification');
    const [outlook] = await tandemCalendarEvents();
    await call('PATCH', `/me/events/${encodeURIComponent(outlook!.id)}`, { subject: 'Edited while off' });
    await new Promise((r) => setTimeout(r, 1500));
    expect(await runs('notification')).toBe(before);
  });
});

describe('when Microsoft refuses', () => {
  const health = () =>
    server.store.db.selectFrom('sync_health').selectAll().where('resource', '=', 'events').executeTakeFirst();

  test('without consent to offline access the sync still turns on, and the answer says why background sync is not', async () => {
    await call('PUT', '/sandbox/admin/identity/users', { user: ADMIN, consentGranted: false });
    try {
      const on = await call('PATCH', '/api/sync/calendar/state', { enabled: true });
      expect(on.status).toBe(200);
      expect(on.body.background).toEqual({ available: false, reason: expect.stringMatching(/consent/i) });
      expect((await call('GET', '/api/sync')).body.calendar.enabled).toBe(true);
      expect(await server.store.db.selectFrom('sync_credentials').selectAll().execute()).toEqual([]);
    } finally {
      await call('PUT', '/sandbox/admin/identity/users', { user: ADMIN, consentGranted: true });
    }
  });

  test('a refresh refused leaves the sync needing sign-in, with no retry storm', async () => {
    const on = await call('PATCH', '/api/sync/calendar/state', { enabled: true });
    expect(on.body.background).toEqual({ available: true });
    await waitFor(async () => (await subscriptions()).length === 1, 10_000, 'a subscription');
    await waitFor(async () => (await health())?.state === 'ok', 10_000, 'a good run');

    // Revoking asks the subscription for reauthorization; the run that follows cannot refresh.
    await call('POST', '/sandbox/admin/identity/refresh-tokens/revoke', { user: ADMIN });
    const needs = await waitFor(
      async () => {
        const h = await health();
        return h?.state === 'needs_sign_in' && h;
      },
      10_000,
      'needs_sign_in',
    );
    expect(needs.last_error).toMatch(/revoked/);
    // CRM writes still ask for a run each (debounced); none is retried, none waits to be.
    const start = new Date(Date.now() + 3 * 86_400_000);
    for (let i = 0; i < 5; i++)
      await call('POST', '/api/events', {
        title: `While signed out ${i}`,
        start: start.toISOString(),
        end: new Date(start.getTime() + 1_800_000).toISOString(),
        timeZone: 'UTC',
      });
    await new Promise((r) => setTimeout(r, 3000));
    const { rows } = await sql<{ state: string; retry_count: number }>`
      select state, retry_count from tandem_queue.job where name = ${SYNC_QUEUE}`.execute(server.store.db);
    expect(rows.filter((r) => Number(r.retry_count) > 0)).toEqual([]);
    expect(rows.filter((r) => r.state === 'retry' || r.state === 'failed')).toEqual([]);
    expect((await health())?.state).toBe('needs_sign_in');
  }, 40_000);
});
