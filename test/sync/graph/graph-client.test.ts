import { GraphError, type BatchRequest } from '../../../src/sync/graph';
import { ADMIN, BRUNO, listenSandbox } from '../../sandbox/support/sandbox-harness';
import { clientFor, eventAt, fastClock, type Created, type ListeningSandbox } from './support/client-harness';

let h: ListeningSandbox;
beforeAll(async () => {
  h = await listenSandbox();
});
beforeEach(() => {
  h.sandbox.reset();
  h.sandbox.setDefaultLimits({
    requestsPerWindow: 10_000,
    windowMs: 600_000,
    maxConcurrent: 4,
    latencyMs: 0,
  });
});
afterAll(() => h.close());

async function rejection(promise: Promise<unknown>): Promise<GraphError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(GraphError);
    return error as GraphError;
  }
  throw new Error('expected the call to fail');
}

async function newCalendar(graph: ReturnType<typeof clientFor>['graph'], name = 'Tandem'): Promise<string> {
  return (await graph.request<Created>('POST', '/me/calendars', { body: { name } })).id;
}

describe('request', () => {
  test('sends the token and Prefer IdType="ImmutableId" on every call, beside the caller’s own Prefer', async () => {
    const { graph, sent } = clientFor(h);
    const calendar = await newCalendar(graph);
    await graph.request('GET', `/me/calendars/${calendar}/events`, {
      headers: { Prefer: 'outlook.timezone="Europe/Madrid"' },
      query: { $top: 5 },
    });
    expect(sent).toHaveLength(2);
    for (const request of sent) {
      expect(request.headers.Prefer).toContain('IdType="ImmutableId"');
      expect(request.headers.Authorization).toMatch(/^Bearer ey/);
    }
    expect(sent[1]!.headers.Prefer).toContain('outlook.timezone="Europe/Madrid"');
    expect(sent[1]!.url).toBe(`${h.baseUrl}/graph/v1.0/me/calendars/${calendar}/events?$top=5`);
  });

  test('answers parsed JSON, and undefined for 204', async () => {
    const { graph } = clientFor(h);
    const calendar = await newCalendar(graph);
    const event = await graph.request<Created & { '@odata.etag': string }>(
      'POST',
      `/me/calendars/${calendar}/events`,
      { body: eventAt(0, 'Kick-off') },
    );
    expect(event).toMatchObject({ subject: 'Kick-off', id: expect.any(String) });
    expect(await graph.request('DELETE', `/me/events/${event.id}`)).toBeUndefined();
  });

  test('maps failures to the closed set of kinds, without the token in the error', async () => {
    const { graph } = clientFor(h);
    const calendar = await newCalendar(graph);
    const event = await graph.request<Created & { '@odata.etag': string }>(
      'POST',
      `/me/calendars/${calendar}/events`,
      { body: eventAt(0, 'Kick-off') },
    );
    await graph.request('PATCH', `/me/events/${event.id}`, { body: { subject: 'Moved' } });

    const stale = await rejection(
      graph.request('PATCH', `/me/events/${event.id}`, {
        body: { subject: 'Late' },
        ifMatch: event['@odata.etag'],
      }),
    );
    expect(stale).toMatchObject({ kind: 'conflict', status: 412, code: 'ErrorIrresolvableConflict' });

    const missing = await rejection(graph.request('GET', '/me/events/AAMkAGnothere'));
    expect(missing).toMatchObject({ kind: 'notFound', status: 404, code: 'ErrorItemNotFound' });

    const invalid = await rejection(
      graph.request('POST', `/me/calendars/${calendar}/events`, { body: { subject: 'x' } }),
    );
    expect(invalid).toMatchObject({ kind: 'invalid', status: 400 });

    const clash = await rejection(graph.request('POST', '/me/calendars', { body: { name: 'Tandem' } }));
    expect(clash).toMatchObject({ kind: 'conflict', status: 409 });

    const foreign = await rejection(graph.request('GET', 'https://elsewhere.example/v1.0/me'));
    expect(foreign.kind).toBe('permanent');

    for (const error of [stale, missing, invalid, clash]) {
      expect(error.message).not.toMatch(/Bearer|eyJ/);
      expect(JSON.stringify(error)).not.toMatch(/eyJ/);
    }
  });

  test('a refused token is asked for again with forceRefresh, once; then the failure is kind auth', async () => {
    const asked: boolean[] = [];
    let good = false;
    const { graph } = clientFor(h, {
      getToken: async ({ forceRefresh }) => {
        asked.push(forceRefresh);
        return good ? h.sandbox.issueToken(ADMIN, 'graph') : 'not-a-token';
      },
    });
    const error = await rejection(graph.request('GET', '/me'));
    expect(error).toMatchObject({ kind: 'auth', status: 401 });
    expect(error.message).not.toContain('not-a-token');
    expect(asked).toEqual([false, true]);

    asked.length = 0;
    const refreshing = clientFor(h, {
      getToken: async ({ forceRefresh }) => {
        asked.push(forceRefresh);
        return forceRefresh ? h.sandbox.issueToken(ADMIN, 'graph') : 'expired';
      },
    }).graph;
    good = true;
    expect(await refreshing.request('GET', '/me')).toMatchObject({ userPrincipalName: ADMIN });
    expect(asked).toEqual([false, true]);
  });

  test('a base URL with a trailing slash, and links under it, are followed; relative paths need no slash', async () => {
    const { graph, sent } = clientFor(h, { baseUrl: `${h.baseUrl}/graph/v1.0/` });
    expect(graph.baseUrl).toBe(`${h.baseUrl}/graph/v1.0`);
    await graph.request('GET', 'me');
    await graph.request('GET', `${h.baseUrl}/graph/v1.0/me/calendar`);
    expect(sent.map((s) => s.url)).toEqual([
      `${h.baseUrl}/graph/v1.0/me`,
      `${h.baseUrl}/graph/v1.0/me/calendar`,
    ]);
    const other = await rejection(graph.request('GET', `${h.baseUrl}/graph/beta/me`));
    expect(other).toMatchObject({ kind: 'permanent', code: 'foreignLink' });
  });

  test('a mailbox the token does not reach is kind auth', async () => {
    const { graph } = clientFor(h);
    const error = await rejection(graph.request('GET', `/users/${BRUNO}/calendars`));
    expect(error).toMatchObject({ kind: 'auth', status: 403 });
  });
});

describe('paging', () => {
  test('pages and list follow @odata.nextLink to the end', async () => {
    const { graph, sent } = clientFor(h);
    const folder = (
      await graph.request<Created>('POST', '/me/contactFolders', { body: { displayName: 'Tandem' } })
    ).id;
    const results = await graph.batch(
      Array.from({ length: 23 }, (_, i) => ({
        method: 'POST',
        path: `/me/contactFolders/${folder}/contacts`,
        body: { givenName: `Person ${i}` },
      })),
    );
    expect(results.every((r) => r.status === 201)).toBe(true);
    sent.length = 0;

    const sizes: number[] = [];
    for await (const page of graph.pages(`/me/contactFolders/${folder}/contacts`, { query: { $top: 10 } })) {
      sizes.push(page.value.length);
    }
    expect(sizes).toEqual([10, 10, 3]);
    expect(sent).toHaveLength(3);

    const names: string[] = [];
    for await (const contact of graph.list<{ givenName: string }>(`/me/contactFolders/${folder}/contacts`, {
      query: { $top: 7 },
    })) {
      names.push(contact.givenName);
    }
    expect(names.sort()).toEqual(Array.from({ length: 23 }, (_, i) => `Person ${i}`).sort());
  });
});

describe('delta', () => {
  const window = { startDateTime: '2026-11-01T00:00:00Z', endDateTime: '2027-01-01T00:00:00Z' };

  test('follows nextLinks through empty pages and replays to the deltaLink, then reports changes and removals', async () => {
    const { graph } = clientFor(h);
    const calendar = await newCalendar(graph);
    const created = await graph.batch<Created>(
      Array.from({ length: 12 }, (_, i) => ({
        method: 'POST',
        path: `/me/calendars/${calendar}/events`,
        body: eventAt(i, `Meeting ${i}`),
      })),
    );
    h.sandbox.setFaults(ADMIN, { deltaEmptyPages: 2, deltaReplays: 2 });

    const pages = [];
    for await (const page of graph.delta(`/me/calendars/${calendar}/calendarView/delta`, {
      query: window,
      maxPageSize: 5,
    })) {
      pages.push(page);
    }
    expect(pages.slice(0, 2).map((p) => p.changed.length + p.removed.length)).toEqual([0, 0]);
    expect(pages.slice(0, -1).every((p) => p.deltaLink === undefined)).toBe(true);
    expect(pages.at(-1)!.deltaLink).toMatch(/\$deltatoken=/);
    const seen = pages.flatMap((p) => p.changed.map((e) => (e as Created).id));
    expect(seen.length).toBeGreaterThan(12); // replays arrived
    expect(new Set(seen).size).toBe(12);

    const first = await graph.collectDelta<Created>(`/me/calendars/${calendar}/calendarView/delta`, {
      query: window,
      maxPageSize: 5,
    });
    expect(first.changed.map((e) => e.subject).sort()).toEqual(created.map((c) => c.body!.subject).sort());
    expect(first.removed).toEqual([]);

    h.sandbox.setFaults(ADMIN, {});
    await graph.request('DELETE', `/me/events/${created[0]!.body!.id}`);
    await graph.request('PATCH', `/me/events/${created[1]!.body!.id}`, { body: { subject: 'Renamed' } });
    // Moved out of the window: reported as removed, like a deletion.
    await graph.request('PATCH', `/me/events/${created[2]!.body!.id}`, {
      body: eventAt(24 * 90, 'Later'),
    });
    const next = await graph.collectDelta<Created>(first.deltaLink);
    expect(next.changed.map((e) => e.subject)).toEqual(['Renamed']);
    expect(next.removed.map((r) => r.id).sort()).toEqual([created[0]!.body!.id, created[2]!.body!.id].sort());
    expect(next.removed.every((r) => r.reason === 'deleted')).toBe(true);
    expect(next.deltaLink).not.toBe(first.deltaLink);
  });

  test('contacts delta with $select: only the selected fields, then removals', async () => {
    const { graph } = clientFor(h);
    const folder = (
      await graph.request<Created>('POST', '/me/contactFolders', { body: { displayName: 'Tandem' } })
    ).id;
    const made = await graph.batch<Created>(
      ['Ana', 'Luis', 'Marta'].map((givenName) => ({
        method: 'POST',
        path: `/me/contactFolders/${folder}/contacts`,
        body: { givenName, companyName: 'Contoso' },
      })),
    );
    const first = await graph.collectDelta<Record<string, unknown>>(
      `/me/contactFolders/${folder}/contacts/delta`,
      { query: { $select: 'givenName' }, maxPageSize: 2 },
    );
    expect(first.changed.map((c) => c.givenName).sort()).toEqual(['Ana', 'Luis', 'Marta']);
    expect(first.changed.every((c) => c.companyName === undefined && typeof c.id === 'string')).toBe(true);

    await graph.request('DELETE', `/me/contactFolders/${folder}/contacts/${made[1]!.body!.id}`);
    const next = await graph.collectDelta(first.deltaLink);
    expect(next.changed).toEqual([]);
    expect(next.removed).toEqual([{ id: made[1]!.body!.id, reason: 'deleted' }]);
  });

  test('the delta of a calendar deleted in Outlook is kind notFound', async () => {
    const { graph } = clientFor(h);
    const calendar = await newCalendar(graph);
    const round = await graph.collectDelta(`/me/calendars/${calendar}/calendarView/delta`, { query: window });
    await graph.request('DELETE', `/me/calendars/${calendar}`);
    const error = await rejection(graph.collectDelta(round.deltaLink));
    expect(error).toMatchObject({ kind: 'notFound', status: 404, code: 'ErrorItemNotFound' });
  });

  test('an expired delta token is kind cursorExpired with the link to restart from', async () => {
    const { graph } = clientFor(h);
    const calendar = await newCalendar(graph);
    await graph.request('POST', `/me/calendars/${calendar}/events`, { body: eventAt(0, 'One') });
    const round = await graph.collectDelta(`/me/calendars/${calendar}/calendarView/delta`, { query: window });
    h.sandbox.expireDeltaTokens(ADMIN);
    const error = await rejection(graph.collectDelta(round.deltaLink));
    expect(error).toMatchObject({ kind: 'cursorExpired', status: 410, code: 'syncStateNotFound' });
    expect(error.restartLink).toContain('/calendarView/delta?startDateTime=');
    expect(error.message).not.toContain('deltatoken');

    const again = await graph.collectDelta(error.restartLink!);
    expect(again.changed).toHaveLength(1);
  });
});

describe('batch', () => {
  test('splits into $batch calls of at most 20 and answers each request in input order', async () => {
    const { graph, sent } = clientFor(h);
    const calendar = await newCalendar(graph);
    sent.length = 0;
    const requests: BatchRequest[] = Array.from({ length: 45 }, (_, i) => ({
      method: 'POST',
      path: `/me/calendars/${calendar}/events`,
      body: i % 10 === 9 ? { subject: `Broken ${i}` } : eventAt(i, `Meeting ${i}`),
    }));
    requests.push({ method: 'GET', path: '/me/events/AAMkAGnothere' });
    const results = await graph.batch<Created>(requests);

    const batches = sent.filter((s) => s.url.endsWith('/$batch'));
    expect(batches).toHaveLength(3);
    expect(sent).toHaveLength(3);
    expect(h.sandbox.stats(ADMIN).batches).toBe(3);
    expect(results).toHaveLength(46);
    results.slice(0, 45).forEach((result, i) => {
      expect(result.id).toBe(String(i));
      if (i % 10 === 9) {
        expect(result.status).toBe(400);
        expect(result.error?.kind).toBe('invalid');
      } else {
        expect(result.status).toBe(201);
        expect(result.body!.subject).toBe(`Meeting ${i}`);
        expect(result.error).toBeUndefined();
      }
    });
    expect(results[45]).toMatchObject({
      status: 404,
      error: { kind: 'notFound', code: 'ErrorItemNotFound' },
    });
  });

  test('dependsOn keeps requests together; a failed dependency answers 424 with the dependency’s kind', async () => {
    const { graph } = clientFor(h);
    const calendar = await newCalendar(graph);
    const filler: BatchRequest[] = Array.from({ length: 18 }, (_, i) => ({
      method: 'POST',
      path: `/me/calendars/${calendar}/events`,
      body: eventAt(i, `Filler ${i}`),
    }));
    const results = await graph.batch([
      ...filler,
      { id: 'bad', method: 'PATCH', path: '/me/events/AAMkAGnothere', body: { subject: 'x' } },
      {
        id: 'after',
        method: 'POST',
        path: `/me/calendars/${calendar}/events`,
        body: eventAt(30, 'After'),
        dependsOn: ['bad'],
      },
      { id: 'ok', method: 'POST', path: `/me/calendars/${calendar}/events`, body: eventAt(31, 'First') },
      { id: 'then', method: 'GET', path: '/me', dependsOn: ['ok'] },
    ]);
    expect(results.map((r) => r.id).slice(-4)).toEqual(['bad', 'after', 'ok', 'then']);
    expect(results.at(-4)).toMatchObject({ status: 404, error: { kind: 'notFound' } });
    expect(results.at(-3)).toMatchObject({ status: 424, error: { kind: 'notFound' } });
    expect(results.at(-2)!.status).toBe(201);
    expect(results.at(-1)).toMatchObject({ status: 200, body: { userPrincipalName: ADMIN } });
    // The event that depended on the failure was never created.
    const subjects = [];
    for await (const e of graph.list<Created>(`/me/calendars/${calendar}/events`, { query: { $top: 50 } })) {
      subjects.push(e.subject);
    }
    expect(subjects).not.toContain('After');
    expect(subjects).toHaveLength(19);
  });

  test('an inner request carries its If-Match; a stale one fails that request alone as a conflict, 412 or 409', async () => {
    const { graph, sent } = clientFor(h);
    const calendar = await newCalendar(graph);
    const [a, b] = await Promise.all(
      ['A', 'B'].map((s, i) =>
        graph.request<Created & { changeKey: string }>('POST', `/me/calendars/${calendar}/events`, {
          body: eventAt(i, s),
        }),
      ),
    );
    await graph.request('PATCH', `/me/events/${a!.id}`, { body: { subject: 'A edited' } });
    try {
      for (const status of [412, 409] as const) {
        h.sandbox.configure({ staleIfMatchStatus: status });
        const current = await graph.request<{ changeKey: string }>('GET', `/me/events/${b!.id}`);
        sent.length = 0;
        const results = await graph.batch([
          {
            method: 'PATCH',
            path: `/me/events/${a!.id}`,
            body: { subject: 'Late' },
            ifMatch: `W/"${a!.changeKey}"`,
          },
          {
            method: 'PATCH',
            path: `/me/events/${b!.id}`,
            body: { subject: `B ${status}` },
            ifMatch: `W/"${current.changeKey}"`,
          },
        ]);
        const inner = JSON.parse(sent[0]!.body!).requests as { headers: Record<string, string> }[];
        expect(inner.map((r) => r.headers['If-Match'])).toEqual([
          `W/"${a!.changeKey}"`,
          `W/"${current.changeKey}"`,
        ]);
        expect(results[0]).toMatchObject({
          status,
          error: { kind: 'conflict', status, code: 'ErrorIrresolvableConflict' },
        });
        expect(results[1]).toMatchObject({ status: 200, body: { subject: `B ${status}` } });
        expect(results[1]!.error).toBeUndefined();
        // Not resent: a conflict is not a temporary failure.
        expect(sent).toHaveLength(1);
      }
    } finally {
      h.sandbox.configure({ staleIfMatchStatus: 412 });
    }
    expect((await graph.request<Created>('GET', `/me/events/${a!.id}`)).subject).toBe('A edited');
  });

  test('bad calls are refused before sending: repeated ids, unknown dependencies, groups over 20', async () => {
    const { graph, sent } = clientFor(h);
    const get = (id: string, dependsOn?: string[]): BatchRequest => ({
      id,
      method: 'GET',
      path: '/me',
      ...(dependsOn ? { dependsOn } : {}),
    });
    await expect(graph.batch([get('a'), get('a')])).rejects.toMatchObject({ kind: 'invalid' });
    await expect(graph.batch([get('a', ['zz'])])).rejects.toMatchObject({ kind: 'invalid' });
    const chain = Array.from({ length: 21 }, (_, i) => get(`r${i}`, i > 0 ? [`r${i - 1}`] : undefined));
    await expect(graph.batch(chain)).rejects.toMatchObject({ kind: 'invalid' });
    expect(sent).toHaveLength(0);
  });

  test('re-sends only the throttled sub-requests, after their Retry-After, and each item is created once', async () => {
    const { graph, sent } = clientFor(h);
    const calendar = await newCalendar(graph);
    h.sandbox.setFaults(ADMIN, {
      rules: [{ kind: 'throttle', every: 4, method: 'POST', retryAfterSeconds: 1 }],
    });
    sent.length = 0;
    const started = Date.now();
    const results = await graph.batch<Created>(
      Array.from({ length: 12 }, (_, i) => ({
        method: 'POST',
        path: `/me/calendars/${calendar}/events`,
        body: eventAt(i, `Meeting ${i}`),
      })),
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(results.map((r) => r.status)).toEqual(Array(12).fill(201));
    expect(results.map((r) => r.body!.subject)).toEqual(Array.from({ length: 12 }, (_, i) => `Meeting ${i}`));
    expect(sent).toHaveLength(2);
    const second = JSON.parse(sent[1]!.body!) as { requests: unknown[] };
    expect(second.requests).toHaveLength(3);
    expect(graph.stats()).toMatchObject({ throttled: 3, retries: 3 });
    h.sandbox.setFaults(ADMIN, {});
    const ids = new Set(results.map((r) => r.body!.id));
    expect(ids.size).toBe(12);
    expect(Object.keys(h.sandbox.mailboxOf(h.sandbox.requireUser(ADMIN)).events)).toHaveLength(12);
  });
});

describe('limits', () => {
  test('never more than 4 requests in flight in the mailbox, batches included', async () => {
    h.sandbox.setLimits(ADMIN, { latencyMs: 25 });
    const { graph } = clientFor(h);
    const calendar = await newCalendar(graph);
    h.sandbox.resetStats();
    const singles = Array.from({ length: 30 }, (_, i) =>
      graph.request('POST', `/me/calendars/${calendar}/events`, { body: eventAt(i, `Single ${i}`) }),
    );
    const batched = graph.batch(
      Array.from({ length: 50 }, (_, i) => ({
        method: 'POST',
        path: `/me/calendars/${calendar}/events`,
        body: eventAt(i, `Batched ${i}`),
      })),
    );
    const reads = Array.from({ length: 20 }, () => graph.request('GET', `/me/calendars/${calendar}`));
    await Promise.all([...singles, batched, ...reads]);
    const stats = h.sandbox.stats(ADMIN);
    expect(stats.requests).toBe(100);
    expect(stats.peakConcurrency).toBe(4);
    expect(stats.throttled).toBe(0);
    expect(graph.stats()).toMatchObject({ peakInFlight: 4, throttled: 0, retries: 0 });
  });

  test('the same load with more requests in flight than Outlook allows meets 429s (the check above can fail)', async () => {
    h.sandbox.setLimits(ADMIN, { latencyMs: 25 });
    const { graph } = clientFor(h, { maxConcurrency: 8, ...fastClock(10) });
    h.sandbox.resetStats();
    await Promise.all(Array.from({ length: 30 }, () => graph.request('GET', '/me/calendar')));
    expect(h.sandbox.stats(ADMIN).throttled).toBeGreaterThan(0);
    expect(graph.stats().throttled).toBeGreaterThan(0);
  });

  test('paces under the request budget instead of running into 429', async () => {
    h.sandbox.setLimits(ADMIN, { requestsPerWindow: 10, windowMs: 1000 });
    const { graph } = clientFor(h, { budget: { requests: 10, windowMs: 1000 } });
    h.sandbox.resetStats();
    const started = Date.now();
    await Promise.all(Array.from({ length: 25 }, () => graph.request('GET', '/me/calendar')));
    await graph.batch(Array.from({ length: 8 }, () => ({ method: 'GET', path: '/me/calendar' })));
    const elapsed = Date.now() - started;
    expect(h.sandbox.stats(ADMIN).throttled).toBe(0);
    expect(h.sandbox.stats(ADMIN).requests).toBe(33);
    expect(elapsed).toBeGreaterThanOrEqual(3000);
    expect(elapsed).toBeLessThan(7000);
  });
});
