/* eslint-disable @typescript-eslint/no-explicit-any -- Graph answers are arbitrary JSON read field by field. */
import { ADMIN, BRUNO, listenSandbox } from './support/sandbox-harness';

type Listening = Awaited<ReturnType<typeof listenSandbox>>;
let h: Listening;
let token: string;
beforeAll(async () => {
  h = await listenSandbox();
});
beforeEach(() => {
  h.sandbox.reset();
  token = h.sandbox.issueToken(ADMIN, 'graph');
});
afterAll(() => h.close());

/** A Graph call over a real socket, so concurrency and dropped connections are real. */
async function graph(path = '/me/calendar', init: { method?: string; body?: unknown } = {}) {
  const res = await fetch(`${h.baseUrl}/graph/v1.0${path}`, {
    method: init.method ?? 'GET',
    headers: {
      authorization: `Bearer ${token}`,
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

async function admin(method: 'GET' | 'PUT' | 'POST' | 'DELETE', path: string, body?: unknown) {
  const res = await fetch(`${h.baseUrl}/sandbox/admin/${path}`, {
    method,
    ...(body !== undefined
      ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }
      : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

const statuses = (answers: { status: number }[]) => answers.map((a) => a.status);

describe('limits, switched at run time through /sandbox/admin/limits', () => {
  test('requests over the window answer 429 ApplicationThrottled with Retry-After until the window moves on', async () => {
    const set = await admin('PUT', 'limits', { user: ADMIN, requestsPerWindow: 3, windowMs: 800 });
    expect(set).toMatchObject({
      status: 200,
      body: { requestsPerWindow: 3, windowMs: 800, maxConcurrent: 4 },
    });
    expect((await admin('GET', `limits?user=${ADMIN}`)).body.requestsPerWindow).toBe(3);

    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await graph());
    expect(statuses(answers)).toEqual([200, 200, 200, 429, 429]);
    expect(answers[3]!.body.error.code).toBe('ApplicationThrottled');
    expect(Number(answers[3]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);

    // Other mailboxes keep their own budget.
    token = h.sandbox.issueToken(BRUNO, 'graph');
    expect((await graph()).status).toBe(200);
    token = h.sandbox.issueToken(ADMIN, 'graph');

    await new Promise((resolve) => setTimeout(resolve, 850));
    expect((await graph()).status).toBe(200);
  });

  test('a fifth concurrent request answers 429 (MailboxConcurrency) with Retry-After', async () => {
    // A latency long enough that all six are in flight together even on a loaded machine.
    await admin('PUT', 'limits', { user: ADMIN, latencyMs: 1500 });
    const answers = await Promise.all(Array.from({ length: 6 }, () => graph()));
    expect(statuses(answers).sort()).toEqual([200, 200, 200, 200, 429, 429]);
    const refused = answers.find((a) => a.status === 429)!;
    expect(refused.body.error.message).toContain('MailboxConcurrency');
    expect(refused.headers.get('retry-after')).toBe('1');
    expect((await admin('GET', `stats?user=${ADMIN}`)).body).toMatchObject({
      peakConcurrency: 4,
      throttled: 2,
    });
  });

  test('a latency is added to every request', async () => {
    await admin('PUT', 'limits', { user: ADMIN, latencyMs: 120 });
    const started = Date.now();
    expect((await graph()).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(120);
    await admin('PUT', 'limits', { user: ADMIN, latencyMs: 0 });
  });

  test('defaults for every mailbox, and bad values refused', async () => {
    expect((await admin('GET', 'limits')).body).toMatchObject({
      requestsPerWindow: 10_000,
      windowMs: 600_000,
      maxConcurrent: 4,
    });
    expect((await admin('PUT', 'limits', { requestsPerWindow: 1 })).body.requestsPerWindow).toBe(1);
    token = h.sandbox.issueToken(BRUNO, 'graph');
    expect(statuses([await graph(), await graph()])).toEqual([200, 429]);
    expect((await admin('PUT', 'limits', { latencyMs: -1 })).status).toBe(400);
    expect((await admin('PUT', 'limits', { user: 'nobody@contoso.example', latencyMs: 1 })).status).toBe(404);
  });
});

describe('faults, switched at run time through /sandbox/admin/faults', () => {
  test('on a schedule: the next N requests, or every k-th, with the chosen status and Retry-After', async () => {
    const set = await admin('PUT', 'faults', {
      user: ADMIN,
      rules: [{ kind: 'unavailable', next: 2, retryAfterSeconds: 3 }],
    });
    expect(set.status).toBe(200);
    const first = [await graph(), await graph(), await graph()];
    expect(statuses(first)).toEqual([503, 503, 200]);
    expect(first[0]!.headers.get('retry-after')).toBe('3');
    expect(first[0]!.body.error.code).toBe('serviceNotAvailable');
    // A spent schedule no longer shows.
    expect((await admin('GET', `faults?user=${ADMIN}`)).body.rules).toEqual([]);

    const every = await admin('PUT', 'faults', {
      user: ADMIN,
      rules: [{ kind: 'gatewayTimeout', every: 3 }],
    });
    expect(every.body.rules).toEqual([{ kind: 'gatewayTimeout', every: 3 }]);
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await graph());
    expect(statuses(answers)).toEqual([200, 200, 504, 200, 200, 504]);

    expect((await admin('DELETE', `faults?user=${ADMIN}`)).status).toBe(204);
    expect((await graph()).status).toBe(200);
  });

  test('at a seeded rate, the same for the same seed; only for the chosen method and route', async () => {
    const run = async () => {
      await admin('PUT', 'faults', { user: ADMIN, seed: 42, rules: [{ kind: 'throttle', rate: 0.3 }] });
      const answers = [];
      for (let i = 0; i < 40; i++) answers.push(await graph());
      return statuses(answers);
    };
    const once = await run();
    expect(await run()).toEqual(once);
    const throttled = once.filter((s) => s === 429).length;
    expect(throttled).toBeGreaterThan(4);
    expect(throttled).toBeLessThan(24);

    await admin('PUT', 'faults', {
      user: ADMIN,
      rules: [{ kind: 'throttle', rate: 1, method: 'POST', route: 'events' }],
    });
    expect((await graph('/me/calendar')).status).toBe(200);
    expect((await graph('/me/events')).status).toBe(200);
    const post = await graph('/me/events', {
      method: 'POST',
      body: {
        subject: 'x',
        start: { dateTime: '2026-12-01T10:00:00', timeZone: 'UTC' },
        end: { dateTime: '2026-12-01T11:00:00', timeZone: 'UTC' },
      },
    });
    expect(post.status).toBe(429);
    expect(post.headers.get('retry-after')).toBe('2');
    expect((await graph('/me/events')).body.value).toEqual([]);
  });

  test('timeouts hang then answer 504; dropped connections close without an answer; lost answers carry the write out', async () => {
    await admin('PUT', 'faults', { user: ADMIN, rules: [{ kind: 'timeout', next: 1, hangMs: 150 }] });
    const started = Date.now();
    const timedOut = await graph();
    expect(timedOut.status).toBe(504);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);

    await admin('PUT', 'faults', { user: ADMIN, rules: [{ kind: 'drop', next: 1 }] });
    await expect(graph()).rejects.toThrow();
    expect((await graph()).status).toBe(200);

    await admin('PUT', 'faults', { user: ADMIN, rules: [{ kind: 'lostAnswer', next: 1 }] });
    await expect(
      graph('/me/events', {
        method: 'POST',
        body: {
          subject: 'Written, answer lost',
          start: { dateTime: '2026-12-01T10:00:00', timeZone: 'UTC' },
          end: { dateTime: '2026-12-01T11:00:00', timeZone: 'UTC' },
        },
      }),
    ).rejects.toThrow();
    expect((await graph('/me/events')).body.value.map((e: any) => e.subject)).toEqual([
      'Written, answer lost',
    ]);

    const stats = (await admin('GET', `stats?user=${ADMIN}`)).body;
    expect(stats.faultsByKind).toEqual({ timeout: 1, drop: 1, lostAnswer: 1 });
  });

  test('bad fault plans are refused with 400', async () => {
    expect((await admin('PUT', 'faults', { user: ADMIN, rules: [{ kind: 'meteor' }] })).status).toBe(400);
    expect(
      (await admin('PUT', 'faults', { user: ADMIN, rules: [{ kind: 'throttle', rate: -1 }] })).status,
    ).toBe(400);
    expect((await admin('PUT', 'faults', { user: ADMIN, rules: 'all' })).status).toBe(400);
    expect((await admin('PUT', 'faults', { rules: [] })).status).toBe(400);
  });
});

describe('/sandbox/admin/stats', () => {
  test('counts requests by method and route, peak concurrency and throttled requests, per mailbox', async () => {
    await admin('PUT', 'limits', { user: ADMIN, latencyMs: 60 });
    await Promise.all(Array.from({ length: 5 }, () => graph('/me/calendar')));
    await graph('/me/calendars', { method: 'POST', body: { name: 'Tandem' } });
    await graph('/me/events');
    const batch = await graph('/$batch', {
      method: 'POST',
      body: {
        requests: [
          { id: '1', method: 'GET', url: '/me/calendars' },
          { id: '2', method: 'GET', url: '/me/events' },
        ],
      },
    });
    expect(batch.status).toBe(200);

    const stats = (await admin('GET', `stats?user=${ADMIN}`)).body;
    expect(stats).toMatchObject({
      user: ADMIN,
      requests: 9,
      batches: 1,
      byMethod: { GET: 8, POST: 1 },
      byRoute: {
        'GET /me/calendar': 5,
        'POST /me/calendars': 1,
        'GET /me/calendars': 1,
        'GET /me/events': 2,
        'POST /$batch': 1,
      },
      peakConcurrency: 4,
      throttled: 1,
    });
    expect(stats.byStatus).toMatchObject({ 200: 7, 201: 1, 429: 1 });

    const all = (await admin('GET', 'stats')).body.value as any[];
    expect(all.map((s) => s.user)).toEqual([ADMIN]);

    expect((await admin('POST', 'stats/reset')).status).toBe(204);
    expect((await admin('GET', `stats?user=${ADMIN}`)).body).toMatchObject({
      requests: 0,
      throttled: 0,
      peakConcurrency: 0,
    });
  });
});
