import { controllerSyncRunner } from '../../src/commands/sync-now-runner';
import { runSyncNow, type NotificationSink } from '../../src/commands/sync-now';
import { SyncBusyError } from '../../src/sync/engine';
import { SyncRunError, type SyncNowResult } from '../../src/taskpane/sync-controller';
import { aLastRun } from '../taskpane/support/fake-sync-controller';

/** The ribbon's "Sync now" over the controller: one short notification for every enabled sync. */

function controller(results: SyncNowResult[]) {
  return { syncNow: jest.fn(async () => results) };
}

function sink() {
  const shown: { message: string; type: string }[] = [];
  const notifications: NotificationSink = {
    show: async (_key, message, type) => {
      shown.push({ message, type });
    },
  };
  return { shown, notifications };
}

test('every enabled sync summed up in one line', async () => {
  const runner = controllerSyncRunner(
    controller([
      { resource: 'calendar', run: aLastRun({ applied: { createGraph: 2, update: 1 } }) },
      { resource: 'contacts', run: aLastRun({ applied: {}, outcome: 'partial', failureCount: 1 }) },
    ]),
  );
  expect(await runner()).toEqual({
    summary: 'Calendar: 3 changes · Contacts: up to date, 1 failed, retried next time',
  });
});

test('nothing turned on, the guard, a busy runner, and Spanish', async () => {
  expect(await controllerSyncRunner(controller([]))()).toEqual({
    summary: 'Turn on calendar or contact sync in Tandem first.',
  });
  const refused = aLastRun({
    outcome: 'refused',
    refused: { reason: 'massDelete', deletions: { crm: 30, graph: 0 }, linked: 40 },
  });
  expect(
    await controllerSyncRunner(
      controller([
        { resource: 'calendar', run: refused },
        { resource: 'contacts', error: new SyncBusyError('contacts') },
      ]),
    )(),
  ).toEqual({
    summary: 'Calendar: stopped by the safety check, open Tandem · Contacts: another sync is running',
  });
  expect(
    await controllerSyncRunner(
      controller([{ resource: 'contacts', run: aLastRun({ applied: {} }) }]),
      'es-ES',
    )(),
  ).toEqual({ summary: 'Contactos: al día' });
});

test('when no sync could run, the notification is an error with the reason', async () => {
  const { shown, notifications } = sink();
  const runner = controllerSyncRunner(
    controller([{ resource: 'calendar', error: new Error('Sign in to continue.') }]),
  );
  await runSyncNow(notifications, runner, 'en-US');
  expect(shown).toEqual([
    { message: 'Syncing with Tandem…', type: 'info' },
    { message: 'Sync failed: Sign in to continue.', type: 'error' },
  ]);
});

test('a run that failed is worded for people, never the raw Graph error', async () => {
  const raw = 'GET /graph/v1.0/me/calendars/AAMk/calendarView/delta: 503 serviceNotAvailable';
  const { shown, notifications } = sink();
  const runner = controllerSyncRunner(
    controller([{ resource: 'calendar', error: new SyncRunError('unavailable', raw) }]),
  );
  await runSyncNow(notifications, runner, 'en-US');
  expect(shown.at(-1)).toEqual({
    message: 'Sync failed: Calendar: Outlook is not available, try again in a few minutes',
    type: 'error',
  });
  expect(
    await controllerSyncRunner(
      controller([
        { resource: 'calendar', run: aLastRun({ applied: {} }) },
        { resource: 'contacts', error: new SyncRunError('auth', raw) },
      ]),
      'es',
    )(),
  ).toEqual({ summary: 'Calendario: al día · Contactos: vuelve a iniciar sesión en Outlook' });
});
