/** @jest-environment jsdom */
import { OfficeApp } from 'office-addin-manifest';
import { OfficeMockObject } from 'office-addin-mock';
import { syncNowHandler, type CommandsOffice, type SyncRunner } from '../../src/commands/sync-now';

interface Shown {
  key: string;
  details: { type: string; message: string };
}

/** Outlook with a message open; `replaceAsync` answers as told. */
function outlook(options: { language?: string; notify?: 'ok' | 'failed' | 'throws'; item?: boolean } = {}) {
  const shown: Shown[] = [];
  const mock = new OfficeMockObject(
    {
      context: {
        displayLanguage: options.language ?? 'en-US',
        mailbox:
          options.item === false
            ? {}
            : {
                item: {
                  notificationMessages: {
                    replaceAsync(
                      key: string,
                      details: Shown['details'],
                      callback: (result: { status: string; error?: { message: string } }) => void,
                    ) {
                      if (options.notify === 'throws') throw new Error('host gone');
                      shown.push({ key, details });
                      callback(
                        options.notify === 'failed'
                          ? { status: 'failed', error: { message: 'too many notifications' } }
                          : { status: 'succeeded' },
                      );
                    },
                  },
                },
              },
      },
      AsyncResultStatus: { Succeeded: 'succeeded', Failed: 'failed' },
      MailboxEnums: {
        ItemNotificationMessageType: {
          ErrorMessage: 'errorMessage',
          InformationalMessage: 'informationalMessage',
        },
      },
    },
    OfficeApp.Outlook,
  );
  return { office: mock as unknown as CommandsOffice, shown };
}

/** Runs the handler as Outlook would and waits for it to call `event.completed()`. */
function press(office: CommandsOffice, runner?: SyncRunner) {
  return new Promise<{ completed: jest.Mock }>((resolve) => {
    const event = { completed: jest.fn(() => setTimeout(() => resolve(event))) };
    syncNowHandler(office, () => runner)(event);
  });
}

test('a successful sync reports progress, then its summary, and completes once', async () => {
  const { office, shown } = outlook();
  const runner = jest.fn(async () => ({ summary: '3 events and 2 contacts synced.' }));
  const event = await press(office, runner);
  expect(runner).toHaveBeenCalledTimes(1);
  expect(shown.map((s) => [s.key, s.details.type, s.details.message])).toEqual([
    ['tandem-sync', 'informationalMessage', 'Syncing with Tandem…'],
    ['tandem-sync', 'informationalMessage', '3 events and 2 contacts synced.'],
  ]);
  expect(event.completed).toHaveBeenCalledTimes(1);
});

test('a failing sync is reported as an error, shortened to what Outlook shows, and completes', async () => {
  const { office, shown } = outlook();
  const event = await press(office, () => Promise.reject(new Error(`Graph is down ${'!'.repeat(300)}`)));
  const last = shown.at(-1)!.details;
  expect(last.type).toBe('errorMessage');
  expect(last.message.startsWith('Sync failed: Graph is down')).toBe(true);
  expect(last.message.length).toBeLessThanOrEqual(150);
  expect(event.completed).toHaveBeenCalledTimes(1);
});

test('without sync turned on it says what to do, in Spanish for a Spanish Outlook', async () => {
  const { office, shown } = outlook({ language: 'es-ES' });
  const event = await press(office, undefined);
  expect(shown.map((s) => s.details.message)).toEqual([
    'Abre Tandem y activa primero la sincronización del calendario o de los contactos.',
  ]);
  expect(event.completed).toHaveBeenCalledTimes(1);
});

test('notifications that fail do not stop the sync or the completion', async () => {
  const { office } = outlook({ notify: 'failed' });
  const runner = jest.fn(async () => ({ summary: 'done' }));
  const event = await press(office, runner);
  expect(runner).toHaveBeenCalledTimes(1);
  expect(event.completed).toHaveBeenCalledTimes(1);
});

test('a host that throws while notifying still gets completed()', async () => {
  const { office } = outlook({ notify: 'throws' });
  const event = await press(office, () => Promise.reject(new Error('also failing')));
  expect(event.completed).toHaveBeenCalledTimes(1);
});

test('with no item open there is nothing to notify, and it still completes', async () => {
  const { office, shown } = outlook({ item: false });
  const event = await press(office, async () => ({ summary: 'done' }));
  expect(shown).toEqual([]);
  expect(event.completed).toHaveBeenCalledTimes(1);
});

test('a runner lookup that throws still completes', async () => {
  const { office } = outlook();
  const event = await new Promise<{ completed: jest.Mock }>((resolve) => {
    const e = { completed: jest.fn(() => setTimeout(() => resolve(e))) };
    syncNowHandler(office, () => {
      throw new Error('not wired');
    })(e);
  });
  expect(event.completed).toHaveBeenCalledTimes(1);
});
