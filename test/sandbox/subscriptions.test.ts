/* eslint-disable @typescript-eslint/no-explicit-any -- Graph answers are arbitrary JSON read field by field. */
import { CONTOSO_TENANT_ID } from '../../src/sandbox';
import { aContact, anEvent } from './support/graph-fixtures';
import { NotificationReceiver } from './support/notification-receiver';
import { ADMIN, BRUNO, listenSandbox, type GraphClient } from './support/sandbox-harness';

type Listening = Awaited<ReturnType<typeof listenSandbox>>;
let h: Listening;
let receiver: NotificationReceiver;
let offset = 0;
let bruno: GraphClient;

beforeAll(async () => {
  h = await listenSandbox({ now: () => Date.now() + offset });
  receiver = await new NotificationReceiver().start();
});
beforeEach(async () => {
  offset = 0;
  h.sandbox.reset();
  receiver.reset();
  await admin('PUT', 'notifications', {
    delayMs: 50,
    retryBaseMs: 50,
    maxAttempts: 3,
    deliveryTimeoutMs: 1000,
    validationTimeoutMs: 2000,
  });
  bruno = h.as(BRUNO);
});
afterAll(async () => {
  await receiver.close();
  await h.close();
});

async function admin(method: string, path: string, body?: unknown) {
  const res = await fetch(`${h.baseUrl}/sandbox/admin/${path}`, {
    method,
    ...(body !== undefined
      ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }
      : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

const inMinutes = (minutes: number) => new Date(Date.now() + offset + minutes * 60_000).toISOString();

function subscribe(overrides: Record<string, unknown> = {}, client: GraphClient = bruno) {
  return client.post('/subscriptions', {
    changeType: 'created,updated,deleted',
    notificationUrl: receiver.url('/hook'),
    lifecycleNotificationUrl: receiver.url('/lifecycle'),
    resource: '/me/events',
    expirationDateTime: inMinutes(60),
    clientState: 'secret-client-state',
    ...overrides,
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const items = (path: string) => receiver.notifications(path).flatMap((r) => r.body.value);

describe('creating a subscription', () => {
  test('validates both URLs by echoing a token as text/plain, then answers 201 in Graph shape', async () => {
    const res = await subscribe();
    expect(res.status).toBe(201);
    const validations = receiver.received.filter((r) => r.validationToken !== null);
    expect(validations.map((v) => v.path)).toEqual(['/hook', '/lifecycle']);
    expect(validations[0]!.validationToken).toMatch(/^Validation: Testing client application reachability/);
    expect(validations[0]!.contentType).toMatch(/^text\/plain/);
    expect(res.body).toMatchObject({
      '@odata.context': expect.stringContaining('$metadata#subscriptions/$entity'),
      id: expect.any(String),
      resource: '/me/events',
      changeType: 'created,updated,deleted',
      clientState: 'secret-client-state',
      notificationUrl: receiver.url('/hook'),
      lifecycleNotificationUrl: receiver.url('/lifecycle'),
      creatorId: h.sandbox.findUser(BRUNO)!.id,
      includeResourceData: false,
      latestSupportedTlsVersion: 'v1_2',
    });
    expect(Date.parse(res.body.expirationDateTime)).toBeGreaterThan(Date.now());
    expect((await bruno.get(`/subscriptions/${res.body.id}`)).body.id).toBe(res.body.id);
    expect((await bruno.get('/subscriptions')).body.value.map((s: any) => s.id)).toEqual([res.body.id]);
    // Another user sees neither the subscription nor it in their list.
    expect((await h.as(ADMIN).get(`/subscriptions/${res.body.id}`)).status).toBe(404);
    expect((await h.as(ADMIN).get('/subscriptions')).body.value).toEqual([]);
  });

  test('an endpoint that answers wrongly, fails or is too slow makes the create fail with 400 ValidationError', async () => {
    receiver.behaviour = (r) =>
      r.validationToken !== null ? { status: 200, text: 'nope', contentType: 'text/plain' } : { status: 202 };
    const wrong = await subscribe();
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.code).toBe('ValidationError');

    receiver.behaviour = (r) => ({ status: r.validationToken !== null ? 403 : 202 });
    const forbidden = await subscribe();
    expect(forbidden.body.error.message).toContain("HTTP status code is '403'");

    // A redirect is not followed: the endpoint itself must answer.
    receiver.behaviour = (r) => (r.validationToken !== null ? { status: 302 } : { status: 202 });
    expect((await subscribe()).body.error.message).toContain("HTTP status code is '302'");

    receiver.behaviour = (r) => ({
      status: 200,
      text: r.validationToken ?? '',
      contentType: 'application/json',
    });
    expect((await subscribe()).status).toBe(400);

    await admin('PUT', 'notifications', { validationTimeoutMs: 200 });
    receiver.behaviour = (r) => ({ ...NotificationReceiver.standard(r), waitMs: 600 });
    const slow = await subscribe();
    expect(slow.status).toBe(400);
    expect(slow.body.error.message).toBe('Subscription validation request timed out.');

    // The lifecycle URL is validated the same way.
    receiver.behaviour = (r) =>
      r.path === '/lifecycle' ? { status: 500 } : NotificationReceiver.standard(r);
    await admin('PUT', 'notifications', { validationTimeoutMs: 2000 });
    expect((await subscribe()).body.error.code).toBe('ValidationError');
    expect((await bruno.get('/subscriptions')).body.value).toEqual([]);
  });

  test('bad input is refused with 400 naming the field; other mailboxes with 403', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ changeType: 'created,moved' }, 'changeType'],
      [{ changeType: undefined }, 'changeType'],
      [{ resource: '/me/messages' }, 'me/messages'],
      [{ resource: undefined }, 'resource'],
      [{ notificationUrl: 'not a url' }, 'notificationUrl'],
      [{ expirationDateTime: 'tomorrow' }, 'expirationDateTime'],
      [{ expirationDateTime: inMinutes(-5) }, 'future'],
      [{ expirationDateTime: inMinutes(10_081) }, '10080 minutes'],
      [{ clientState: 'x'.repeat(129) }, 'clientState'],
      [{ includeResourceData: true }, 'includeResourceData'],
    ];
    for (const [overrides, text] of cases) {
      const res = await subscribe(overrides);
      expect([res.status, res.body.error.message]).toEqual([400, expect.stringContaining(text)]);
    }
    expect((await subscribe({ unknownField: 1 })).body.error.code).toBe('RequestBodyRead');
    expect((await subscribe({ expirationDateTime: inMinutes(10_079) })).status).toBe(201);
    const other = await subscribe({ resource: `/users/${ADMIN}/events` });
    expect(other.status).toBe(403);
    const noScope = await subscribe({}, h.as(BRUNO, { scp: 'Contacts.ReadWrite' }));
    expect(noScope.status).toBe(403);
    expect((await bruno.patch('/subscriptions/unknown', { expirationDateTime: inMinutes(10) })).status).toBe(
      404,
    );
  });
});

describe('change notifications', () => {
  test('an event written in any calendar of the mailbox is notified in Graph shape with the clientState', async () => {
    const sub = (await subscribe()).body;
    const created = await bruno.post('/me/events', anEvent());
    await receiver.until(() => items('/hook').length >= 1);
    const note = receiver.notifications('/hook')[0]!;
    expect(note.contentType).toMatch(/^application\/json/);
    const userId = h.sandbox.findUser(BRUNO)!.id;
    expect(note.body).toEqual({
      value: [
        {
          subscriptionId: sub.id,
          subscriptionExpirationDateTime: sub.expirationDateTime,
          changeType: 'created',
          resource: `Users/${userId}/Events/${created.body.id}`,
          resourceData: {
            '@odata.type': '#Microsoft.Graph.Event',
            '@odata.id': `Users/${userId}/Events/${created.body.id}`,
            '@odata.etag': `W/"${created.body.changeKey}"`,
            id: created.body.id,
          },
          clientState: 'secret-client-state',
          tenantId: CONTOSO_TENANT_ID,
        },
      ],
    });

    // A second calendar fires too: event subscriptions are mailbox-wide.
    const calendar = await bruno.post('/me/calendars', { name: 'Tandem' });
    const inOther = await bruno.post(
      `/me/calendars/${calendar.body.id}/events`,
      anEvent({ subject: 'Other' }),
    );
    await bruno.patch(`/me/events/${created.body.id}`, { subject: 'Renamed' });
    await bruno.delete(`/me/events/${inOther.body.id}`);
    await receiver.until(() => items('/hook').length >= 4);
    expect(items('/hook').map((i: any) => [i.changeType, i.resourceData.id])).toEqual([
      ['created', created.body.id],
      ['created', inOther.body.id],
      ['updated', created.body.id],
      ['deleted', inOther.body.id],
    ]);
    expect(items('/hook')[3].resourceData['@odata.etag']).toBeUndefined();
  });

  test('a burst of writes within the delay arrives as one POST; changeType filters what is sent', async () => {
    await admin('PUT', 'notifications', { delayMs: 400 });
    await subscribe({ changeType: 'updated' });
    const event = await bruno.post('/me/events', anEvent());
    for (let i = 0; i < 5; i++) await bruno.patch(`/me/events/${event.body.id}`, { subject: `v${i}` });
    const second = await bruno.post('/me/events', anEvent());
    await bruno.patch(`/me/events/${second.body.id}`, { subject: 'x' });
    await receiver.until(() => items('/hook').length >= 2);
    await sleep(300);
    expect(receiver.notifications('/hook')).toHaveLength(1);
    expect(items('/hook').map((i: any) => [i.changeType, i.resourceData.id])).toEqual([
      ['updated', event.body.id],
      ['updated', second.body.id],
    ]);
  });

  test('writes inside $batch are notified like any other', async () => {
    await subscribe();
    const res = await bruno.post('/$batch', {
      requests: [
        {
          id: '1',
          method: 'POST',
          url: '/me/events',
          headers: { 'content-type': 'application/json' },
          body: anEvent(),
        },
        {
          id: '2',
          method: 'POST',
          url: '/me/events',
          headers: { 'content-type': 'application/json' },
          body: anEvent(),
        },
      ],
    });
    expect(res.status).toBe(200);
    await receiver.until(() => items('/hook').length >= 2);
    expect(items('/hook').every((i: any) => i.changeType === 'created')).toBe(true);
  });

  test('a contact-folder subscription sees that folder only; /me/contacts the default folder', async () => {
    const folder = await bruno.post('/me/contactFolders', { displayName: 'Tandem' });
    const userId = h.sandbox.findUser(BRUNO)!.id;
    await subscribe({
      resource: `/users/${userId}/contactFolders/${folder.body.id}/contacts`,
      notificationUrl: receiver.url('/folder'),
      lifecycleNotificationUrl: undefined,
    });
    await subscribe({ resource: 'me/contacts', notificationUrl: receiver.url('/default') });
    const inFolder = await bruno.post(`/me/contactFolders/${folder.body.id}/contacts`, aContact());
    const inDefault = await bruno.post('/me/contacts', aContact({ givenName: 'Marta' }));
    await receiver.until(() => items('/folder').length >= 1 && items('/default').length >= 1);
    await sleep(200);
    expect(items('/folder').map((i: any) => i.resourceData.id)).toEqual([inFolder.body.id]);
    expect(items('/folder')[0]).toMatchObject({
      resource: `Users/${userId}/Contacts/${inFolder.body.id}`,
      resourceData: { '@odata.type': '#Microsoft.Graph.Contact' },
    });
    expect(items('/default').map((i: any) => i.resourceData.id)).toEqual([inDefault.body.id]);
    // Events do not reach contact subscriptions.
    await bruno.post('/me/events', anEvent());
    await sleep(250);
    expect(items('/folder')).toHaveLength(1);
  });

  test('a failing receiver is retried with back-off until it acknowledges', async () => {
    await subscribe();
    let failures = 0;
    receiver.behaviour = (r) => {
      if (r.validationToken === null && r.path === '/hook' && failures < 2) {
        failures++;
        return { status: 503 };
      }
      return NotificationReceiver.standard(r);
    };
    await bruno.post('/me/events', anEvent());
    await receiver.until(() => receiver.notifications('/hook').length >= 3);
    const times = receiver.notifications('/hook').map((r) => r.at);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(times[1]! - times[0]! - 10);
    const stats = (await admin('GET', 'notifications')).body.stats;
    expect(stats).toMatchObject({ delivered: 1, failedAttempts: 2, dropped: 0 });
  });

  test('a receiver slower than the limit counts as failed; after the last attempt the batch is dropped and "missed" sent', async () => {
    await admin('PUT', 'notifications', { deliveryTimeoutMs: 150, maxAttempts: 2 });
    const sub = (await subscribe()).body;
    receiver.behaviour = (r) =>
      r.path === '/hook' && r.validationToken === null
        ? { status: 202, waitMs: 400 }
        : NotificationReceiver.standard(r);
    await bruno.post('/me/events', anEvent());
    await receiver.until(() => receiver.notifications('/lifecycle').length >= 1);
    expect(receiver.notifications('/hook')).toHaveLength(2);
    expect(receiver.notifications('/lifecycle')[0]!.body).toEqual({
      value: [
        {
          subscriptionId: sub.id,
          subscriptionExpirationDateTime: sub.expirationDateTime,
          tenantId: CONTOSO_TENANT_ID,
          clientState: 'secret-client-state',
          lifecycleEvent: 'missed',
        },
      ],
    });
    expect((await admin('GET', 'notifications')).body.stats).toMatchObject({ dropped: 1 });
  });
});

describe('lifetime and lifecycle', () => {
  test('PATCH renews; an expired subscription stops delivering and disappears', async () => {
    const sub = (await subscribe({ expirationDateTime: inMinutes(30) })).body;
    const renewed = await bruno.patch(`/subscriptions/${sub.id}`, { expirationDateTime: inMinutes(4000) });
    expect(renewed.status).toBe(200);
    expect(Date.parse(renewed.body.expirationDateTime)).toBeGreaterThan(Date.parse(sub.expirationDateTime));
    expect(
      (await bruno.patch(`/subscriptions/${sub.id}`, { expirationDateTime: inMinutes(20_000) })).status,
    ).toBe(400);
    expect((await bruno.patch(`/subscriptions/${sub.id}`, { resource: '/me/contacts' })).status).toBe(400);

    offset = 4001 * 60_000;
    bruno = h.as(BRUNO);
    await bruno.post('/me/events', anEvent());
    await sleep(300);
    expect(receiver.notifications('/hook')).toHaveLength(0);
    expect((await bruno.get(`/subscriptions/${sub.id}`)).status).toBe(404);
    expect((await bruno.get('/subscriptions')).body.value).toEqual([]);
  });

  test('DELETE stops delivery', async () => {
    const sub = (await subscribe()).body;
    expect((await bruno.delete(`/subscriptions/${sub.id}`)).status).toBe(204);
    await bruno.post('/me/events', anEvent());
    await sleep(250);
    expect(receiver.notifications('/hook')).toHaveLength(0);
    expect((await bruno.delete(`/subscriptions/${sub.id}`)).status).toBe(404);
  });

  test('lifecycle notifications are triggered at run time; subscriptionRemoved ends the subscription', async () => {
    const sub = (await subscribe()).body;
    for (const lifecycleEvent of ['reauthorizationRequired', 'missed', 'subscriptionRemoved']) {
      const res = await admin('POST', `subscriptions/${sub.id}/lifecycle`, { lifecycleEvent });
      expect(res).toEqual({ status: 202, body: { lifecycleEvent, delivered: true } });
    }
    expect(receiver.notifications('/lifecycle').map((r) => r.body.value[0].lifecycleEvent)).toEqual([
      'reauthorizationRequired',
      'missed',
      'subscriptionRemoved',
    ]);
    expect(receiver.notifications('/lifecycle')[0]!.body.value[0]).toMatchObject({
      subscriptionId: sub.id,
      clientState: 'secret-client-state',
      tenantId: CONTOSO_TENANT_ID,
    });
    expect((await bruno.get(`/subscriptions/${sub.id}`)).status).toBe(404);
    expect(
      (await admin('POST', `subscriptions/${sub.id}/lifecycle`, { lifecycleEvent: 'missed' })).status,
    ).toBe(404);
    const other = (await subscribe()).body;
    expect(
      (await admin('POST', `subscriptions/${other.id}/lifecycle`, { lifecycleEvent: 'bogus' })).status,
    ).toBe(400);
    expect((await bruno.post(`/subscriptions/${other.id}/reauthorize`, {})).status).toBe(204);
  });

  test("revoking the user's refresh tokens, withdrawing consent or disabling the account asks for reauthorization", async () => {
    const sub = (await subscribe()).body;
    await subscribe({ lifecycleNotificationUrl: receiver.url('/admin-lifecycle') }, h.as(ADMIN));
    await admin('POST', 'identity/refresh-tokens/revoke', { user: BRUNO });
    await receiver.until(() => receiver.notifications('/lifecycle').length >= 1);
    await admin('PUT', 'identity/users', { user: BRUNO, consentGranted: false });
    await receiver.until(() => receiver.notifications('/lifecycle').length >= 2);
    await admin('PUT', 'identity/users', { user: BRUNO, consentGranted: false, accountEnabled: false });
    await receiver.until(() => receiver.notifications('/lifecycle').length >= 3);
    // Switches that grant access again send nothing.
    await admin('PUT', 'identity/users', { user: BRUNO, consentGranted: true, accountEnabled: true });
    await sleep(200);
    const events = receiver.notifications('/lifecycle').map((r) => r.body.value[0]);
    expect(events.map((e: any) => [e.subscriptionId, e.lifecycleEvent])).toEqual([
      [sub.id, 'reauthorizationRequired'],
      [sub.id, 'reauthorizationRequired'],
      [sub.id, 'reauthorizationRequired'],
    ]);
    // Another user's subscriptions hear nothing.
    expect(receiver.notifications('/admin-lifecycle')).toHaveLength(0);
  });

  test('the admin list shows subscriptions without their clientState; settings refuse bad input', async () => {
    await subscribe();
    const list = await admin('GET', `subscriptions?user=${BRUNO}`);
    expect(list.body.value).toHaveLength(1);
    expect(list.body.value[0].clientState).toBeUndefined();
    expect((await admin('GET', 'subscriptions?user=nobody@contoso.example')).status).toBe(404);
    const bad = await admin('PUT', 'notifications', { delayMs: -1 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('delayMs');
    expect((await admin('PUT', 'notifications', { maxAttempts: 0 })).status).toBe(400);
  });

  test('subscriptions survive a snapshot and restore (a restart of a persisted sandbox)', async () => {
    const sub = (await subscribe()).body;
    const snapshot = h.sandbox.snapshot();
    h.sandbox.reset();
    expect((await bruno.get(`/subscriptions/${sub.id}`)).status).toBe(404);
    h.sandbox.restore(snapshot);
    expect((await bruno.get(`/subscriptions/${sub.id}`)).status).toBe(200);
    await bruno.post('/me/events', anEvent());
    await receiver.until(() => items('/hook').length >= 1);
    expect(items('/hook')[0].subscriptionId).toBe(sub.id);
  });
});
