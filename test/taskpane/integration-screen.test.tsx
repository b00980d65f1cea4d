/** @jest-environment jsdom */
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { ApiError } from '../../src/taskpane/api-client';
import { IntegrationScreen } from '../../src/taskpane/screens/integration-screen';
import { SyncBusyError } from '../../src/sync/engine';
import type { SyncProgress } from '../../src/taskpane/sync-controller';
import { aConflict, aLastRun, aStatus, FakeSyncController } from './support/fake-sync-controller';
import { isDisabled, renderScreen } from './support/render';

function setup(controller = new FakeSyncController(), locale: 'en' | 'es' = 'en') {
  renderScreen(<IntegrationScreen controller={controller} />, locale);
  return controller;
}

const calendarSwitch = () => screen.findByRole('switch', { name: 'Calendar sync' });
const contactSwitch = () => screen.findByRole('switch', { name: 'Contact sync' });

/** A promise the test settles itself, to look at the page while a run is in flight. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

test('both syncs off: switches off, nothing to sync yet', async () => {
  setup();
  expect(((await calendarSwitch()) as HTMLInputElement).checked).toBe(false);
  expect(((await contactSwitch()) as HTMLInputElement).checked).toBe(false);
  expect(isDisabled(screen.getByRole('button', { name: 'Sync now' }))).toBe(true);
  expect(screen.getByText('Turn on calendar or contact sync first.')).toBeTruthy();
  expect(screen.queryByText(/Last sync/)).toBeNull();
});

test('turning calendar sync on shows live progress, then the summary of the run', async () => {
  const controller = new FakeSyncController();
  const run = deferred<ReturnType<typeof aLastRun>>();
  let report: ((p: SyncProgress) => void) | undefined;
  controller.activate.mockImplementationOnce((resource, onProgress) => {
    report = onProgress;
    return run.promise.then((r) => {
      controller.state[resource] = aStatus({ enabled: true, initialDone: true, lastRun: r });
      return r;
    });
  });
  setup(controller);
  fireEvent.click(await calendarSwitch());
  expect(controller.activate).toHaveBeenCalledWith('calendar', expect.any(Function));
  act(() => report?.({ resource: 'calendar', phase: 'container', done: 0, total: 1 }));
  expect(
    await screen.findByText('Calendar: Preparing the Tandem calendar or folder in Outlook'),
  ).toBeTruthy();
  // The switch shows the state being reached; steps before applying are not counted.
  expect(((await calendarSwitch()) as HTMLInputElement).checked).toBe(true);
  expect(screen.queryByText('0 of 1')).toBeNull();
  expect(screen.queryByText('Turn on calendar or contact sync first.')).toBeNull();
  act(() => report?.({ resource: 'calendar', phase: 'apply', done: 3, total: 10 }));
  expect(await screen.findByText('Calendar: Applying changes')).toBeTruthy();
  expect(screen.getByText('3 of 10')).toBeTruthy();
  const bar = screen.getByRole('progressbar', { name: 'Calendar: Applying changes' });
  expect(bar.getAttribute('aria-valuenow')).toBe('0.3');
  // Nothing else starts while a run is going on.
  expect(isDisabled(await contactSwitch())).toBe(true);
  expect(isDisabled(screen.getByRole('button', { name: 'Syncing…' }))).toBe(true);

  await act(async () => run.resolve(aLastRun({ applied: { createGraph: 10 }, conflicts: 2 })));
  expect(await screen.findByText('Calendar sync is on.')).toBeTruthy();
  expect(screen.queryByRole('progressbar', { name: /Calendar:/ })).toBeNull();
  expect(screen.getByText(/Last sync .* · Completed/)).toBeTruthy();
  expect(screen.getByText('Added to Outlook: 10')).toBeTruthy();
  expect(screen.getByText('Conflicts settled: 2')).toBeTruthy();
  expect(((await calendarSwitch()) as HTMLInputElement).checked).toBe(true);
  expect(isDisabled(screen.getByRole('button', { name: 'Sync now' }))).toBe(false);
});

test('another runner holding the lease is explained, not a crash', async () => {
  const controller = new FakeSyncController();
  controller.activate.mockRejectedValueOnce(new SyncBusyError('contacts'));
  setup(controller);
  fireEvent.click(await contactSwitch());
  expect((await screen.findByRole('alert')).textContent).toBe(
    'Another contact sync is running for you (on another device or on the server). Try again in a few minutes.',
  );
  expect(((await contactSwitch()) as HTMLInputElement).checked).toBe(false);
});

test('a failed activation shows the server’s reason', async () => {
  const controller = new FakeSyncController();
  controller.activate.mockRejectedValueOnce(new ApiError(502, 'error', 'Outlook did not answer'));
  setup(controller);
  fireEvent.click(await calendarSwitch());
  expect((await screen.findByRole('alert')).textContent).toBe('Something went wrong: Outlook did not answer');
});

test('turning a sync off asks first and says the CRM keeps everything', async () => {
  const controller = new FakeSyncController();
  controller.state.contacts = aStatus({ enabled: true, initialDone: true, lastRun: aLastRun() });
  setup(controller);
  fireEvent.click(await contactSwitch());
  let dialog = await screen.findByRole('alertdialog', { name: 'Turn off contact sync?' });
  expect(dialog.textContent).toContain('The Tandem contacts folder and its contacts leave Outlook.');
  expect(dialog.textContent).toContain('Tandem keeps every contact in the CRM');
  fireEvent.click(within(dialog).getByRole('button', { name: 'Keep syncing' }));
  await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
  expect(controller.deactivate).not.toHaveBeenCalled();
  expect(((await contactSwitch()) as HTMLInputElement).checked).toBe(true);

  fireEvent.click(await contactSwitch());
  dialog = await screen.findByRole('alertdialog', { name: 'Turn off contact sync?' });
  // jsdom keeps the reopened surface marked aria-hidden by Fluent's focus trap; browsers do not.
  fireEvent.click(within(dialog).getByRole('button', { name: 'Turn off', hidden: true }));
  expect(await screen.findByText('Contact sync is off. Tandem kept all your data.')).toBeTruthy();
  expect(controller.deactivate).toHaveBeenCalledWith('contacts');
  expect(((await contactSwitch()) as HTMLInputElement).checked).toBe(false);
});

test('Escape closes the confirmation without turning anything off', async () => {
  const controller = new FakeSyncController();
  controller.state.calendar = aStatus({ enabled: true, lastRun: aLastRun() });
  setup(controller);
  fireEvent.click(await calendarSwitch());
  const dialog = await screen.findByRole('alertdialog', { name: 'Turn off calendar sync?' });
  expect(dialog.textContent).toContain('Tandem keeps every event in the CRM');
  fireEvent.keyDown(dialog, { key: 'Escape' });
  await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
  expect(controller.deactivate).not.toHaveBeenCalled();
});

test('the mass-delete guard’s refusal is explained with its numbers', async () => {
  const controller = new FakeSyncController();
  controller.state.contacts = aStatus({
    enabled: true,
    lastRun: aLastRun({
      mode: 'incremental',
      outcome: 'refused',
      applied: {},
      refused: { reason: 'massDelete', deletions: { crm: 0, graph: 40 }, linked: 50 },
    }),
  });
  setup(controller);
  expect(await screen.findByText(/Stopped by the safety check: nothing was deleted/)).toBeTruthy();
  expect(
    screen.getByText(
      /would have deleted 0 items in Tandem and 40 in Outlook: more than half of your 50 synced items/,
    ),
  ).toBeTruthy();
});

/** Contact sync whose last run the guard stopped: 7 of 12 synced contacts deleted in Outlook. */
function refusedContacts(controller = new FakeSyncController()) {
  const refusal = { reason: 'massDelete' as const, deletions: { crm: 7, graph: 0 }, linked: 12 };
  controller.state.calendar = aStatus({ enabled: true, lastRun: aLastRun() });
  controller.state.contacts = aStatus({
    enabled: true,
    lastRun: aLastRun({ mode: 'incremental', outcome: 'refused', applied: {}, refused: refusal }),
  });
  return { controller, refusal };
}

const goAhead = () => screen.findByRole('button', { name: 'Delete them anyway' });

test('only a run the guard stopped offers to go ahead', async () => {
  const { controller } = refusedContacts();
  setup(controller);
  await goAhead();
  // The contact card's refused run offers it; the calendar's completed run does not.
  expect(screen.getAllByRole('button', { name: 'Delete them anyway' })).toHaveLength(1);
  const card = (name: string) => screen.getByRole('group', { name });
  expect(within(card('Contact sync')).getByRole('button', { name: 'Delete them anyway' })).toBeTruthy();
  expect(within(card('Calendar sync')).queryByRole('button', { name: 'Delete them anyway' })).toBeNull();
  expect(screen.getByText(/if you meant it, delete them\./)).toBeTruthy();
});

test('going ahead asks first, saying what each side loses; cancelling changes nothing', async () => {
  const { controller } = refusedContacts();
  setup(controller);
  fireEvent.click(await goAhead());
  let dialog = await screen.findByRole('alertdialog', { name: 'Delete 7 of your 12 synced contacts?' });
  expect(
    within(dialog)
      .getAllByRole('listitem')
      .map((li) => li.textContent),
  ).toEqual(['7 contacts deleted in Outlook move to the Tandem recycle bin, where you can restore them.']);
  expect(dialog.textContent).toContain('the safety check still stops any more, now and in later syncs');
  fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
  await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());

  fireEvent.click(await goAhead());
  dialog = await screen.findByRole('alertdialog', { name: 'Delete 7 of your 12 synced contacts?' });
  fireEvent.keyDown(dialog, { key: 'Escape' });
  await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
  expect(controller.sync).not.toHaveBeenCalled();
  expect(controller.syncNow).not.toHaveBeenCalled();
  expect(screen.getByText(/Stopped by the safety check: nothing was deleted/)).toBeTruthy();
});

test('confirming runs that sync once, past the guard for the confirmed deletions, and shows the run', async () => {
  const { controller, refusal } = refusedContacts();
  setup(controller);
  fireEvent.click(await goAhead());
  const dialog = await screen.findByRole('alertdialog', { name: 'Delete 7 of your 12 synced contacts?' });
  fireEvent.click(within(dialog).getByRole('button', { name: 'Delete them' }));
  expect(await screen.findByText('Removed from Tandem (restorable): 7')).toBeTruthy();
  expect(controller.sync).toHaveBeenCalledTimes(1);
  expect(controller.sync).toHaveBeenCalledWith('contacts', expect.any(Function), {
    confirmedDeletions: refusal,
  });
  expect(screen.queryByRole('button', { name: 'Delete them anyway' })).toBeNull();
  expect(screen.queryByText(/Stopped by the safety check/)).toBeNull();
  expect(screen.queryByRole('alert')).toBeNull();

  // "Sync now" afterwards is an ordinary, guarded run.
  fireEvent.click(screen.getByRole('button', { name: 'Sync now' }));
  await waitFor(() => expect(controller.sync).toHaveBeenCalledTimes(3));
  expect(controller.sync.mock.calls.slice(1).map((call) => call[2])).toEqual([undefined, undefined]);
});

test('deletions on both sides are both named; one item reads in the singular', async () => {
  const controller = new FakeSyncController();
  const refusal = { reason: 'massDelete' as const, deletions: { crm: 1, graph: 6 }, linked: 10 };
  controller.state.calendar = aStatus({
    enabled: true,
    lastRun: aLastRun({ outcome: 'refused', applied: {}, refused: refusal }),
  });
  setup(controller);
  fireEvent.click(await goAhead());
  const dialog = await screen.findByRole('alertdialog', { name: 'Delete 7 of your 10 synced events?' });
  expect(
    within(dialog)
      .getAllByRole('listitem')
      .map((li) => li.textContent),
  ).toEqual([
    '1 event deleted in Outlook moves to the Tandem recycle bin, where you can restore it.',
    '6 events deleted in Tandem are deleted from the Tandem calendar in Outlook.',
  ]);
});

test('a confirmed run that would now delete more stops again and says so', async () => {
  const { controller } = refusedContacts();
  const more = { reason: 'massDelete' as const, deletions: { crm: 9, graph: 0 }, linked: 12 };
  controller.sync.mockImplementationOnce(async (resource) => {
    const run = aLastRun({ outcome: 'refused', applied: {}, refused: more });
    controller.state[resource] = { ...controller.state[resource], lastRun: run };
    return run;
  });
  setup(controller);
  fireEvent.click(await goAhead());
  const dialog = await screen.findByRole('alertdialog', { name: 'Delete 7 of your 12 synced contacts?' });
  fireEvent.click(within(dialog).getByRole('button', { name: 'Delete them' }));
  expect((await screen.findByRole('alert')).textContent).toContain(
    'More items would be deleted now than you confirmed, so nothing was changed.',
  );
  expect(await screen.findByText(/would have deleted 9 items in Tandem/)).toBeTruthy();
  fireEvent.click(await goAhead());
  expect(
    await screen.findByRole('alertdialog', { name: 'Delete 9 of your 12 synced contacts?' }),
  ).toBeTruthy();
});

test('a partial run lists its failures with the full count', async () => {
  const controller = new FakeSyncController();
  const failures = Array.from({ length: 7 }, (_, i) => ({
    action: 'createGraph' as const,
    id: `id-${i}`,
    kind: 'temporary' as const,
    message: `Contact ${i}: Outlook was busy`,
  }));
  controller.state.calendar = aStatus({
    enabled: true,
    lastRun: aLastRun({ outcome: 'partial', applied: { update: 2 }, failureCount: 9, failures }),
  });
  setup(controller);
  expect(await screen.findByText(/Partly done: what failed is retried on the next sync/)).toBeTruthy();
  expect(screen.getByText('Updated: 2')).toBeTruthy();
  expect(screen.getByText('Items that failed (9):')).toBeTruthy();
  expect(screen.getByText('Contact 4: Outlook was busy')).toBeTruthy();
  expect(screen.queryByText('Contact 5: Outlook was busy')).toBeNull();
});

test('a calendar deleted in Outlook turned the sync off: said plainly', async () => {
  const controller = new FakeSyncController();
  controller.state.calendar = aStatus({
    enabled: false,
    lastRun: aLastRun({ outcome: 'deactivated', applied: {} }),
  });
  setup(controller);
  expect(
    await screen.findByText(/was deleted in Outlook, so sync was turned off. Tandem kept all your data./),
  ).toBeTruthy();
});

test('Sync now runs every enabled sync and reports one that could not run', async () => {
  const controller = new FakeSyncController();
  controller.state.calendar = aStatus({ enabled: true, lastRun: aLastRun() });
  controller.state.contacts = aStatus({ enabled: true, lastRun: aLastRun() });
  controller.syncNow.mockImplementationOnce(async (onProgress) => {
    onProgress?.({ resource: 'calendar', phase: 'collect', done: 0, total: 0 });
    return [
      { resource: 'calendar', run: await controller.sync('calendar') },
      { resource: 'contacts', error: new SyncBusyError('contacts') },
    ];
  });
  setup(controller);
  fireEvent.click(await screen.findByRole('button', { name: 'Sync now' }));
  expect((await screen.findByRole('alert')).textContent).toContain('Another contact sync is running');
  expect(controller.syncNow).toHaveBeenCalledTimes(1);
  expect(await screen.findByText('Nothing needed changing.')).toBeTruthy();
});

test('a sync turned off keeps no stale summary', async () => {
  const controller = new FakeSyncController();
  controller.state.calendar = aStatus({ enabled: false, lastRun: aLastRun() });
  setup(controller);
  await calendarSwitch();
  expect(screen.queryByText(/Last sync/)).toBeNull();
});

test('a running sync elsewhere is shown', async () => {
  const controller = new FakeSyncController();
  controller.state.contacts = aStatus({ enabled: true, running: true, lastRun: aLastRun() });
  setup(controller);
  expect(await screen.findByText('A sync is running…')).toBeTruthy();
});

test('the page failing to load offers a retry', async () => {
  const controller = new FakeSyncController();
  controller.overview.mockRejectedValueOnce(new ApiError(503, 'error', 'The server is restarting'));
  setup(controller);
  expect((await screen.findByRole('alert')).textContent).toBe(
    'Something went wrong: The server is restarting',
  );
  fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
  expect(await calendarSwitch()).toBeTruthy();
});

test('field mapping: only the Outlook fields a CRM field may take are offered; save and reset', async () => {
  const controller = new FakeSyncController();
  setup(controller);
  const email = (await screen.findByRole('combobox', {
    name: 'Outlook field for Email',
  })) as HTMLSelectElement;
  expect(screen.getByText('Default mapping')).toBeTruthy();
  const offered = [...email.options].map((o) => o.value);
  expect(offered[0]).toBe('');
  expect(offered).toContain('emailAddresses[0]');
  // Not a date, not the name Outlook derives itself, nor another field's email slot.
  expect(offered).not.toContain('birthday');
  expect(offered).not.toContain('displayName');
  expect(offered).not.toContain('emailAddresses[1]');
  expect(isDisabled(screen.getByRole('button', { name: 'Save mapping' }))).toBe(true);

  const job = screen.getByRole('combobox', { name: 'Outlook field for Job title' }) as HTMLSelectElement;
  fireEvent.change(job, { target: { value: '' } });
  // Freed by Job title, jobTitle is now on offer to another text field.
  const dept = screen.getByRole('combobox', { name: 'Outlook field for Department' }) as HTMLSelectElement;
  expect([...dept.options].map((o) => o.value)).toContain('jobTitle');
  fireEvent.click(screen.getByRole('button', { name: 'Save mapping' }));
  expect(await screen.findByText('Mapping saved. The next sync uses it.')).toBeTruthy();
  expect(controller.saveContactMapping.mock.calls[0]![0]).not.toHaveProperty('title');
  expect(screen.getByText('Your own mapping')).toBeTruthy();

  fireEvent.click(screen.getByRole('button', { name: 'Reset to default' }));
  expect(await screen.findByText('Back to the default mapping.')).toBeTruthy();
  expect(controller.resetContactMapping).toHaveBeenCalled();
  expect(
    (screen.getByRole('combobox', { name: 'Outlook field for Job title' }) as HTMLSelectElement).value,
  ).toBe('jobTitle');
});

test('field mapping: the server’s validation message is shown as it is', async () => {
  const controller = new FakeSyncController();
  controller.saveContactMapping.mockRejectedValueOnce(
    new ApiError(400, 'invalid_mapping', 'custom.vip is not a custom contact field of your organisation'),
  );
  setup(controller);
  const phone = (await screen.findByRole('combobox', {
    name: 'Outlook field for Phone',
  })) as HTMLSelectElement;
  fireEvent.change(phone, { target: { value: '' } });
  fireEvent.click(screen.getByRole('button', { name: 'Save mapping' }));
  expect((await screen.findByRole('alert')).textContent).toBe(
    'custom.vip is not a custom contact field of your organisation',
  );
});

test('conflicts: field, both values and the winner; dismissing one removes it', async () => {
  const controller = new FakeSyncController();
  controller.conflictPages.contacts.items = [aConflict()];
  controller.conflictPages.calendar.items = [
    aConflict({
      id: '0193a0b0-0000-7000-8000-000000000002',
      field: 'location',
      record: { label: 'Site visit', deleted: true },
      crmValue: null,
      graphValue: 'Room 4',
      winner: 'graph',
    }),
  ];
  setup(controller);
  const list = await screen.findByRole('list', { name: 'Conflicts' });
  const rows = within(list).getAllByRole('listitem');
  expect(rows).toHaveLength(2);
  const phone = rows.find((r) => r.textContent?.includes('Mobile'))!;
  expect(phone.textContent).toContain('Pau Roca');
  expect(phone.textContent).toContain('+34 600 000 001');
  expect(phone.textContent).toContain('+34 600 999 999');
  expect(within(phone).getByText(/^Tandem/)).toBeTruthy();
  const place = rows.find((r) => r.textContent?.includes('Location'))!;
  expect(place.textContent).toContain('(empty)');
  expect(place.textContent).toContain('Site visit (deleted)');
  expect(within(place).getByText(/^Outlook/)).toBeTruthy();

  fireEvent.click(screen.getByRole('button', { name: 'Dismiss the conflict on Mobile' }));
  await waitFor(() => expect(within(list).getAllByRole('listitem')).toHaveLength(1));
  expect(controller.dismissConflict).toHaveBeenCalledWith('contacts', '0193a0b0-0000-7000-8000-000000000001');
});

test('no conflicts: said so', async () => {
  setup();
  expect(await screen.findByText('No conflicts to review.')).toBeTruthy();
});

test('Spanish', async () => {
  const controller = new FakeSyncController();
  controller.state.calendar = aStatus({ enabled: true, lastRun: aLastRun() });
  setup(controller, 'es');
  expect(await screen.findByRole('switch', { name: 'Sincronización del calendario' })).toBeTruthy();
  expect(screen.getByRole('button', { name: 'Sincronizar ahora' })).toBeTruthy();
  expect(screen.getByText('Añadidos a Outlook: 12')).toBeTruthy();
  expect(await screen.findByText('Correspondencia de campos de contacto')).toBeTruthy();
  fireEvent.click(screen.getByRole('switch', { name: 'Sincronización del calendario' }));
  expect(
    await screen.findByRole('alertdialog', { name: '¿Desactivar la sincronización del calendario?' }),
  ).toBeTruthy();
});

test('Spanish: going ahead with a stopped run', async () => {
  setup(refusedContacts().controller, 'es');
  fireEvent.click(await screen.findByRole('button', { name: 'Eliminarlos de todos modos' }));
  const dialog = await screen.findByRole('alertdialog', {
    name: '¿Eliminar 7 de tus 12 contactos sincronizados?',
  });
  expect(dialog.textContent).toContain(
    '7 contactos eliminados en Outlook pasan a la papelera de reciclaje de Tandem, desde donde puedes restaurarlos.',
  );
  expect(within(dialog).getByRole('button', { name: 'Eliminarlos' })).toBeTruthy();
  expect(within(dialog).getByRole('button', { name: 'Cancelar' })).toBeTruthy();
});
