/* eslint-disable @typescript-eslint/no-explicit-any -- Graph answers are arbitrary JSON read field by field. */
import { ADMIN, startSandbox, type GraphClient, type Harness } from './support/sandbox-harness';
import { anEvent } from './support/graph-fixtures';

let h: Harness;
let me: GraphClient;
beforeAll(async () => {
  h = await startSandbox();
});
beforeEach(() => {
  h.sandbox.reset();
  me = h.as(ADMIN);
});
afterAll(() => h.close());

const JSON_HEADERS = { 'Content-Type': 'application/json' };
const get = (id: string, url: string, extra: Record<string, unknown> = {}) => ({
  id,
  method: 'GET',
  url,
  ...extra,
});
const createEvent = (id: string, subject: string, extra: Record<string, unknown> = {}) => ({
  id,
  method: 'POST',
  url: '/me/events',
  headers: JSON_HEADERS,
  body: anEvent({ subject }),
  ...extra,
});

async function batch(requests: unknown[]) {
  return me.post('/$batch', { requests });
}

function byId(res: { body: any }): Map<string, any> {
  return new Map((res.body.responses as any[]).map((r) => [r.id, r]));
}

test('answers 200 with one response per request, each with its own status, headers and body', async () => {
  const res = await batch([
    createEvent('create', 'Batched'),
    get('me', '/me'),
    get('missing', '/me/events/AAMkAGnothere'),
    {
      id: 'invalid',
      method: 'POST',
      url: '/me/events',
      headers: JSON_HEADERS,
      body: { subject: 'no times' },
    },
    get('view', '/me/calendarView?startDateTime=2026-11-01T00:00:00Z&endDateTime=2027-01-01T00:00:00Z'),
  ]);
  expect(res.status).toBe(200);
  const answers = byId(res);
  expect([...answers.keys()].sort()).toEqual(['create', 'invalid', 'me', 'missing', 'view']);
  expect(answers.get('create')).toMatchObject({
    status: 201,
    body: { subject: 'Batched', id: expect.any(String) },
  });
  expect(answers.get('create').headers['Content-Type']).toContain('application/json');
  expect(answers.get('me')).toMatchObject({ status: 200, body: { userPrincipalName: ADMIN } });
  expect(answers.get('missing')).toMatchObject({
    status: 404,
    body: { error: { code: 'ErrorItemNotFound' } },
  });
  expect(answers.get('invalid').status).toBe(400);
  expect(answers.get('invalid').body.error.code).toBeDefined();
  expect(answers.get('view').status).toBe(200);
});

test('answers come back in any order', async () => {
  const requests = Array.from({ length: 12 }, (_, i) => get(String(i), '/me'));
  const orders = new Set<string>();
  for (const seed of [1, 2, 3]) {
    const configured = await h.inject({
      method: 'PUT',
      url: '/sandbox/admin/behaviour',
      payload: { batchSeed: seed },
    });
    expect(configured.statusCode).toBe(200);
    const res = await batch(requests);
    const ids = (res.body.responses as any[]).map((r) => r.id);
    expect([...ids].sort()).toEqual(requests.map((r) => r.id).sort());
    orders.add(ids.join(','));
  }
  expect(orders.size).toBeGreaterThan(1);
  expect(orders.has(requests.map((r) => r.id).join(','))).toBe(false);
});

test('a malformed batch is refused whole with 400', async () => {
  const cases: unknown[][] = [
    Array.from({ length: 21 }, (_, i) => get(String(i), '/me')),
    [get('1', '/me'), get('1', '/me/calendar')],
    [{ id: '1', method: 'POST', url: '/me/events', body: anEvent() }],
    [get('1', '/me', { dependsOn: ['9'] })],
    [get('1', '/me', { dependsOn: ['2'] }), get('2', '/me', { dependsOn: ['1'] })],
    [get('1', 'https://graph.microsoft.com/v1.0/me')],
    [{ id: '1', method: 'TRACE', url: '/me' }],
    [],
  ];
  for (const requests of cases) {
    const res = await batch(requests);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('BadRequest');
  }
  expect(h.sandbox.stats(ADMIN).requests).toBe(0);
  const nested = await batch([{ id: '1', method: 'POST', url: '/$batch', headers: JSON_HEADERS, body: {} }]);
  expect(nested.status).toBe(200);
  expect(byId(nested).get('1').status).toBe(400);
  expect((await me.get('/$batch')).status).toBe(405);
});

test('dependsOn runs a request after the ones it names; a failed dependency answers 424, down the chain', async () => {
  h.sandbox.setLimits(ADMIN, { latencyMs: 20 });
  const ok = await batch([
    createEvent('first', 'Made first'),
    get('list', '/me/events?$select=subject', { dependsOn: ['first'] }),
  ]);
  expect(byId(ok).get('list').body.value).toEqual([expect.objectContaining({ subject: 'Made first' })]);

  const failed = await batch([
    get('missing', '/me/events/AAMkAGnothere'),
    createEvent('needs-missing', 'Never made', { dependsOn: ['missing'] }),
    get('needs-needs', '/me', { dependsOn: ['needs-missing'] }),
    get('free', '/me'),
  ]);
  const answers = byId(failed);
  expect(answers.get('missing').status).toBe(404);
  expect(answers.get('needs-missing')).toMatchObject({
    status: 424,
    body: { error: { code: 'FailedDependency' } },
  });
  expect(answers.get('needs-needs').status).toBe(424);
  expect(answers.get('free').status).toBe(200);
  const subjects = (await me.get('/me/events')).body.value.map((e: any) => e.subject);
  expect(subjects).toEqual(['Made first']);
});

test('every inner request counts against the mailbox limits and can itself be 429, with or without Retry-After', async () => {
  h.sandbox.setLimits(ADMIN, { requestsPerWindow: 3, windowMs: 60_000 });
  const res = await batch(Array.from({ length: 5 }, (_, i) => get(String(i), '/me/calendar')));
  expect(res.status).toBe(200);
  const statuses = (res.body.responses as any[]).map((r) => r.status).sort();
  expect(statuses).toEqual([200, 200, 200, 429, 429]);
  const throttled = (res.body.responses as any[]).filter((r) => r.status === 429);
  for (const answer of throttled) {
    expect(answer.body.error.code).toBe('ApplicationThrottled');
    expect(Number(answer.headers['Retry-After'])).toBeGreaterThanOrEqual(1);
  }
  const stats = h.sandbox.stats(ADMIN);
  expect(stats).toMatchObject({ requests: 5, batches: 1, throttled: 2 });

  await h.inject({ method: 'PUT', url: '/sandbox/admin/behaviour', payload: { batchRetryAfter: false } });
  const bare = await batch([get('1', '/me/calendar')]);
  expect(byId(bare).get('1').status).toBe(429);
  expect(byId(bare).get('1').headers['Retry-After']).toBeUndefined();
  await h.inject({ method: 'PUT', url: '/sandbox/admin/behaviour', payload: { batchRetryAfter: true } });
});

test('runs at most four requests of a batch at once', async () => {
  h.sandbox.setLimits(ADMIN, { latencyMs: 30 });
  const started = Date.now();
  const res = await batch(Array.from({ length: 12 }, (_, i) => get(String(i), '/me/calendar')));
  expect((res.body.responses as any[]).every((r) => r.status === 200)).toBe(true);
  expect(Date.now() - started).toBeGreaterThanOrEqual(3 * 30);
  expect(h.sandbox.stats(ADMIN)).toMatchObject({ peakConcurrency: 4, throttled: 0, requests: 12 });
});
