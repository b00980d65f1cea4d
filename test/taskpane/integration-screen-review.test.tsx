/** @jest-environment jsdom */
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { IntegrationScreen } from '../../src/taskpane/screens/integration-screen';
import { SyncRunError, type SyncProgressView } from '../../src/taskpane/sync-controller';
import {
  aConflict,
  aLastRun,
  aMappingView,
  aStatus,
  FakeSyncController,
} from './support/fake-sync-controller';
import { isDisabled, renderScreen } from './support/render';

/**
 * The integration page tells the truth: Outlook being retried and why, a run that failed (in people's
 * words, details folded away), imported records that do not sync, a mapping that syncs nothing
 * identifying, unsaved edits, and conflicts settled with a chosen value shown readably.
 */

function setup(controller = new FakeSyncController(), locale: 'en' | 'es' = 'en') {
  renderScreen(<IntegrationScreen controller={controller} />, locale);
  return controller;
}

const RAW = 'GET /graph/v1.0/me/calendars/AAMkAGI2TG93AAA=/calendarView/delta: 503 serviceNotAvailable';

test('Outlook retried: the card says why and when the next attempt goes, then the failure in words', async () => {
  const controller = new FakeSyncController();
  controller.state.calendar = aStatus({ enabled: true, initialDone: true, lastRun: aLastRun() });
  let report: ((p: SyncProgressView) => void) | undefined;
  let fail!: (e: unknown) => void;
  controller.syncNow.mockImplementationOnce(async (onProgress) => {
    report = onProgress;
    const error = await new Promise<unknown>((resolve) => (fail = resolve));
    controller.state.calendar = {
      ...controller.state.calendar,
      lastRun: aLastRun({ outcome: 'failed', applied: {}, error: { reason: 'unavailable', message: RAW } }),
    };
    return [{ resource: 'calendar', error }];
  });
  setup(controller);
  fireEvent.click(await screen.findByRole('button', { name: 'Sync now' }));
  await waitFor(() => expect(report).toBeDefined());
  act(() =>
    report?.({
      resource: 'calendar',
      phase: 'collect',
      done: 0,
      total: 2,
      retry: {
        reason: 'unavailable',
        status: 503,
        attempt: 3,
        at: new Date(Date.now() + 8_000).toISOString(),
      },
    }),
  );
  expect(await screen.findByText('Calendar: Reading changes on both sides')).toBeTruthy();
  expect(
    screen.getByText(/^Outlook is not answering right now\. Trying again in [78] s \(attempt 3\)\.$/),
  ).toBeTruthy();

  await act(async () => fail(new SyncRunError('unavailable', RAW)));
  const alert = await screen.findByRole('alert');
  expect(
    within(alert).getByText(
      'Calendar: Outlook (Microsoft 365) is not available right now. Nothing was lost: try again in a few minutes.',
    ),
  ).toBeTruthy();
  // The raw error sits behind "Details", closed until asked for.
  const details = within(alert).getByText('Details').closest('details')!;
  expect(details.open).toBe(false);
  expect(within(details).getByText(RAW)).toBeTruthy();
  // The card records the run as failed, not "Completed".
  const card = screen.getByRole('group', { name: 'Calendar sync' });
  expect(within(card).getByText(/Last sync .* · Failed/)).toBeTruthy();
  expect(within(card).queryByText(/Completed|Nothing needed changing/)).toBeNull();
  expect(within(card).getAllByText(RAW)).toHaveLength(1);
});

test('a failed run reads in Spanish too', async () => {
  const controller = new FakeSyncController();
  controller.state.contacts = aStatus({
    enabled: true,
    lastRun: aLastRun({ outcome: 'failed', applied: {}, error: { reason: 'throttled', message: RAW } }),
  });
  setup(controller, 'es');
  expect(await screen.findByText(/Última sincronización: .* · Ha fallado/)).toBeTruthy();
  expect(screen.getByText(/^Outlook pidió a Tandem que fuera más despacio/)).toBeTruthy();
  expect(screen.getByText('Detalles')).toBeTruthy();
});

test('imported records that do not sync are counted, and one click makes them sync', async () => {
  const controller = new FakeSyncController();
  controller.state.contacts = aStatus({ enabled: true, lastRun: aLastRun(), importedNotSynced: 240 });
  controller.state.calendar = aStatus({ enabled: true, lastRun: aLastRun(), importedNotSynced: 1 });
  setup(controller);
  expect(
    await screen.findByText(
      '240 of your contacts were imported and do not sync: imported records sync once a mass update has touched them.',
    ),
  ).toBeTruthy();
  expect(screen.getByText(/^1 of your events was imported and does not sync/)).toBeTruthy();
  const contacts = screen.getByRole('group', { name: 'Contact sync' });
  fireEvent.click(within(contacts).getByRole('button', { name: 'Sync them too' }));
  expect(await screen.findByText('240 imported records will sync from the next sync on.')).toBeTruthy();
  expect(controller.includeImported).toHaveBeenCalledWith('contacts');
  expect(screen.queryByText(/of your contacts were imported/)).toBeNull();
});

test('a mapping that syncs no name, email or company asks first; Go back keeps it unsaved', async () => {
  const controller = setup();
  const select = async (field: string) =>
    (await screen.findByRole('combobox', { name: `Outlook field for ${field}` })) as HTMLSelectElement;
  expect(await screen.findByText('Default mapping')).toBeTruthy();
  for (const field of ['First name', 'Last name', 'Email', 'Company']) {
    fireEvent.change(await select(field), { target: { value: '' } });
  }
  // Edits not saved yet: the badge says so, not "Default mapping".
  expect(screen.getByText('Unsaved changes')).toBeTruthy();
  expect(screen.queryByText('Default mapping')).toBeNull();

  fireEvent.click(screen.getByRole('button', { name: 'Save mapping' }));
  const dialog = await screen.findByRole('alertdialog', {
    name: 'Save a mapping that syncs no name, email or company?',
  });
  expect(dialog.textContent).toContain('people could not tell them apart');
  // jsdom keeps the surface marked aria-hidden by Fluent's focus trap; browsers do not.
  fireEvent.click(within(dialog).getByRole('button', { name: 'Go back', hidden: true }));
  await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
  expect(controller.saveContactMapping).not.toHaveBeenCalled();

  fireEvent.click(screen.getByRole('button', { name: 'Save mapping' }));
  fireEvent.click(await screen.findByRole('button', { name: 'Save anyway', hidden: true }));
  expect(await screen.findByText('Mapping saved. The next sync uses it.')).toBeTruthy();
  const saved = controller.saveContactMapping.mock.calls[0]![0];
  expect([saved.firstName, saved.lastName, saved.email, saved.accountName]).toEqual([
    undefined,
    undefined,
    undefined,
    undefined,
  ]);
  expect(screen.getByText('Your own mapping')).toBeTruthy();
});

test('a mapping that keeps a name saves without asking; its "saved" notice goes with the next run', async () => {
  const controller = new FakeSyncController();
  controller.state.contacts = aStatus({ enabled: true, lastRun: aLastRun() });
  setup(controller);
  const jobTitle = (await screen.findByRole('combobox', {
    name: 'Outlook field for Job title',
  })) as HTMLSelectElement;
  fireEvent.change(jobTitle, { target: { value: '' } });
  fireEvent.click(screen.getByRole('button', { name: 'Save mapping' }));
  expect(await screen.findByText('Mapping saved. The next sync uses it.')).toBeTruthy();
  expect(screen.queryByRole('alertdialog')).toBeNull();

  fireEvent.click(screen.getByRole('button', { name: 'Sync now' }));
  await waitFor(() => expect(controller.syncNow).toHaveBeenCalled());
  await waitFor(() => expect(screen.queryByText('Mapping saved. The next sync uses it.')).toBeNull());
});

test('conflicts: addresses read as addresses; either value can be kept, and the list says what happens', async () => {
  const controller = new FakeSyncController();
  controller.state.contacts = aStatus({ enabled: true, lastRun: aLastRun() });
  controller.mappingView = aMappingView();
  controller.conflictPages.contacts.items = [
    aConflict({
      field: 'mailingAddress',
      crmValue: { street: 'Carrer de Mallorca 401', city: 'Barcelona', postalCode: '08013', country: null },
      graphValue: { street: 'Gran Via 1', city: 'Madrid', postalCode: '28013', country: 'Spain' },
      winner: 'crm',
    }),
  ];
  setup(controller);
  const list = await screen.findByRole('list', { name: 'Conflicts' });
  expect(within(list).getByText('Carrer de Mallorca 401, 08013 Barcelona')).toBeTruthy();
  expect(within(list).getByText('Gran Via 1, 28013 Madrid, Spain')).toBeTruthy();
  expect(within(list).queryByText(/[{}"]/)).toBeNull();
  expect(within(list).getByRole('button', { name: 'Use the Tandem value of Mailing address' })).toBeTruthy();

  fireEvent.click(within(list).getByRole('button', { name: 'Use the Outlook value of Mailing address' }));
  expect(
    await screen.findByText('Your choice is saved in Tandem; the next sync takes it to Outlook.'),
  ).toBeTruthy();
  expect(controller.resolveConflict).toHaveBeenCalledWith(
    'contacts',
    '0193a0b0-0000-7000-8000-000000000001',
    'graph',
  );
  expect(await screen.findByText('No conflicts to review.')).toBeTruthy();
  // The next run's outcome replaces what was said about the choice.
  fireEvent.click(screen.getByRole('button', { name: 'Sync now' }));
  await waitFor(() =>
    expect(
      screen.queryByText('Your choice is saved in Tandem; the next sync takes it to Outlook.'),
    ).toBeNull(),
  );
});

test('conflicts: a deleted record offers only Dismiss; event values read in the page’s language', async () => {
  const controller = new FakeSyncController();
  controller.conflictPages.calendar.items = [
    aConflict({
      id: '0193a0b0-0000-7000-8000-000000000002',
      record: { label: 'Kick-off', deleted: true },
      field: 'isAllDay',
      crmValue: true,
      graphValue: false,
    }),
  ];
  setup(controller, 'es');
  const list = await screen.findByRole('list', { name: 'Conflictos' });
  expect(within(list).getByText('Sí')).toBeTruthy();
  expect(within(list).getByText('No')).toBeTruthy();
  expect(within(list).queryByRole('button', { name: /Usar el valor/ })).toBeNull();
  expect(
    isDisabled(within(list).getByRole('button', { name: 'Descartar el conflicto de Todo el día' })),
  ).toBe(false);
});

test('progress: the bar is the count while applying, and stays full while the run finishes', async () => {
  const controller = new FakeSyncController();
  controller.state.contacts = aStatus({ enabled: true, lastRun: aLastRun() });
  let report: ((p: SyncProgressView) => void) | undefined;
  let finish!: () => void;
  controller.syncNow.mockImplementationOnce(async (onProgress) => {
    report = onProgress;
    await new Promise<void>((resolve) => (finish = resolve));
    return [];
  });
  setup(controller);
  fireEvent.click(await screen.findByRole('button', { name: 'Sync now' }));
  await waitFor(() => expect(report).toBeDefined());
  act(() => report?.({ resource: 'contacts', phase: 'apply', done: 20, total: 80 }));
  const bar = await screen.findByRole('progressbar', { name: 'Contact: Applying changes' });
  expect(screen.getByText('20 of 80')).toBeTruthy();
  expect(bar.getAttribute('aria-valuenow')).toBe('0.25');
  act(() => report?.({ resource: 'contacts', phase: 'apply', done: 80, total: 80 }));
  expect(screen.getByText('80 of 80')).toBeTruthy();
  expect(bar.getAttribute('aria-valuenow')).toBe('1');
  act(() => report?.({ resource: 'contacts', phase: 'done', done: 80, total: 80 }));
  const finishing = await screen.findByRole('progressbar', { name: 'Contact: Finishing' });
  expect(finishing.getAttribute('aria-valuenow')).toBe('1');
  await act(async () => finish());
});
