/** @jest-environment jsdom */
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { IntegrationScreen } from '../../src/taskpane/screens/integration-screen';
import { aStatus, FakeSyncController } from './support/fake-sync-controller';
import { renderScreen } from './support/render';

/** Background sync on the "Microsoft integration" page: its health, reconnecting, and "Sync now" on the server. */

const needsSignIn = {
  state: 'needs_sign_in' as const,
  lastSuccessAt: '2026-12-04T09:30:00.000Z',
  lastAttemptAt: '2026-12-05T09:30:00.000Z',
  lagMs: null,
  failures: 3,
  lastError: 'Consent to Tandem’s access to Outlook was withdrawn. Open Tandem once to reconnect.',
};

test('a sync waiting for sign-in says so, in English and Spanish, and opening the page reconnects it', async () => {
  const controller = new FakeSyncController();
  controller.state.calendar = aStatus({ enabled: true, initialDone: true, health: needsSignIn });
  controller.reconnect.mockResolvedValueOnce(true);
  renderScreen(<IntegrationScreen controller={controller} />, 'en');
  expect(await screen.findByText(/Needs you to sign in/)).toBeTruthy();
  expect(screen.getByText(/Consent to Tandem’s access to Outlook was withdrawn/)).toBeTruthy();
  expect(controller.reconnect).toHaveBeenCalledTimes(1);
  // Reconnected: the page reads the status again.
  await waitFor(() => expect(controller.overview).toHaveBeenCalledTimes(2));
});

test('in Spanish', async () => {
  const controller = new FakeSyncController();
  controller.state.contacts = aStatus({
    enabled: true,
    health: { ...needsSignIn, state: 'ok', lagMs: 4200, lastError: null },
  });
  renderScreen(<IntegrationScreen controller={controller} />, 'es');
  expect(await screen.findByText('Al día')).toBeTruthy();
  expect(screen.getByText(/los cambios llegaron en 4 s/)).toBeTruthy();
});

test('"Sync now" run by the server shows where the run is', async () => {
  const controller = new FakeSyncController();
  controller.state.calendar = aStatus({ enabled: true, initialDone: true });
  controller.syncNow.mockImplementationOnce(async (_onProgress, onServerRun) => {
    const run = {
      id: 'r-1',
      resource: 'calendar' as const,
      state: 'done' as const,
      queuedAt: '2026-12-05T10:00:00.000Z',
      startedAt: null,
      finishedAt: null,
    };
    onServerRun?.({ ...run, state: 'running' });
    onServerRun?.(run);
    return [{ resource: 'calendar', serverRun: run }];
  });
  renderScreen(<IntegrationScreen controller={controller} />, 'en');
  fireEvent.click(await screen.findByRole('button', { name: 'Sync now' }));
  expect(await screen.findByText(/synced by the server/)).toBeTruthy();
  expect(controller.sync).not.toHaveBeenCalled();
});
