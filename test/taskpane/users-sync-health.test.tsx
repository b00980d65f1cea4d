/** @jest-environment jsdom */
import { screen, within } from '@testing-library/react';
import { UsersSyncHealth } from '../../src/taskpane/screens/users-sync-health';
import type { SyncHealthView, UserSyncHealth } from '../../src/taskpane/sync-views';
import { FakeApi } from './support/fake-api';
import { renderScreen } from './support/render';

/** The admins' "Sync health" list on the Users page. */

const health = (state: SyncHealthView['state']): SyncHealthView => ({
  state,
  lastSuccessAt: '2026-12-05T09:00:00.000Z',
  lastAttemptAt: '2026-12-05T09:00:00.000Z',
  lagMs: 2000,
  failures: 0,
  lastError: null,
});

const items: UserSyncHealth[] = [
  {
    userId: 'u1',
    email: 'ana@contoso.example',
    displayName: 'Ana',
    active: true,
    health: { calendar: health('ok'), contacts: health('needs_sign_in') },
  },
  {
    userId: 'u2',
    email: 'bruno@contoso.example',
    displayName: 'Bruno',
    active: true,
    health: { calendar: null, contacts: null },
  },
];

test('each user who syncs in the background, with each resource’s state; who must sign in shows', async () => {
  const api = new FakeApi().on('GET /api/sync/health', { items });
  renderScreen(<UsersSyncHealth api={api} />, 'en');
  const ana = await screen.findByRole('listitem', { name: 'Ana' });
  expect(within(ana).getByText('Up to date')).toBeTruthy();
  expect(within(ana).getByText(/Needs you to sign in/)).toBeTruthy();
  expect(screen.queryByRole('listitem', { name: 'Bruno' })).toBeNull();
});

test('in Spanish, and said plainly when no one syncs yet', async () => {
  const api = new FakeApi().on('GET /api/sync/health', { items: [items[1]] });
  renderScreen(<UsersSyncHealth api={api} />, 'es');
  expect(await screen.findByText('Nadie sincroniza en segundo plano todavía.')).toBeTruthy();
  expect(screen.getByRole('heading', { name: 'Estado de la sincronización' })).toBeTruthy();
});
