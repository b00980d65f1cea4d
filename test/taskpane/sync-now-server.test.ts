import { createSyncController } from '../../src/taskpane/sync-controller';
import type { SyncRunView } from '../../src/taskpane/sync-views';

/** "Sync now" when the server holds the user's access: the server runs it; the page follows the run. */

const status = (enabled: boolean) => ({
  enabled,
  initialDone: true,
  importedNotSynced: 0,
  running: false,
  lastRun: null,
  openConflicts: 0,
  health: null,
});

function scripted(runStates: SyncRunView['state'][]) {
  const calls: string[] = [];
  const fetch = jest.fn(async (url: string | URL | Request, init?: RequestInit) => {
    const path = new URL(String(url)).pathname;
    calls.push(`${init?.method ?? 'GET'} ${path}`);
    const json = (body: unknown, code = 200) =>
      new Response(JSON.stringify(body), { status: code, headers: { 'content-type': 'application/json' } });
    if (path === '/api/sync') return json({ calendar: status(true), contacts: status(false) });
    if (path === '/api/sync/calendar/server-runs') return json({ runId: 'r-1' }, 202);
    if (path === '/api/sync/calendar/server-runs/r-1') {
      const state = runStates.shift() ?? 'done';
      return json({
        id: 'r-1',
        resource: 'calendar',
        state,
        queuedAt: '2026-12-05T10:00:00.000Z',
        startedAt: null,
        finishedAt: null,
      });
    }
    return json({ error: { code: 'not_found', message: 'Not found.' } }, 404);
  });
  const controller = createSyncController({
    origin: 'http://tandem.test',
    graphBaseUrl: 'http://graph.invalid/v1.0',
    accounts: { getToken: async () => 'token' },
    fetch: fetch as unknown as typeof globalThis.fetch,
    sleep: async () => {},
  });
  return { controller, calls };
}

test('the server runs it: no run here, and the page sees the run queued, running, then done', async () => {
  const { controller, calls } = scripted(['queued', 'running', 'done']);
  const seen: string[] = [];
  const results = await controller.syncNow(undefined, (run) => seen.push(run.state));
  expect(seen).toEqual(['queued', 'running', 'done']);
  expect(results).toEqual([{ resource: 'calendar', serverRun: expect.objectContaining({ state: 'done' }) }]);
  // Nothing of the engine ran in the taskpane: no lease taken, no Graph read.
  expect(calls.some((c) => c.includes('/lease'))).toBe(false);
});

test('a run the server could not finish is reported as that resource’s error', async () => {
  const { controller } = scripted(['running', 'failed']);
  const [result] = await controller.syncNow();
  expect(result).toMatchObject({ resource: 'calendar', error: { name: 'SyncRunError', reason: 'server' } });
});
