/** @jest-environment jsdom */
import { fireEvent, render, screen } from '@testing-library/react';
import type { AccountManager } from '../../src/auth/account-manager';
import { App } from '../../src/taskpane/app';
import { EventsApi } from './events-fakes';
import { aMe } from './support/builders';
import './support/render';

const accounts: AccountManager = {
  current: async () => ({ username: 'user1@contoso.example', name: 'User One' }),
  signIn: async () => ({ username: 'user1@contoso.example', name: 'User One' }),
  signOut: async () => undefined,
  getToken: async () => 'token',
};

function app(permissions: string[]) {
  const api = new EventsApi();
  api.on('GET /api/me', aMe({ permissions }));
  render(
    <App
      host={{ kind: 'browser', language: 'es-ES', theme: 'light' }}
      accounts={accounts}
      api={api}
      directory={{
        search: async () => ({ users: [], nextLink: null }),
        next: async () => ({ users: [], nextLink: null }),
      }}
      sandbox={false}
      loadDemoUsers={async () => []}
    />,
  );
  return api;
}

test('every member has the Events tab; the workspace opens there, in the host’s language', async () => {
  const api = app([]);
  fireEvent.click(await screen.findByRole('tab', { name: 'Eventos' }));
  await screen.findByRole('button', { name: 'Nuevo evento' });
  await screen.findByText('No hay eventos en este periodo.');
  expect(api.calls.some((c) => c.path.startsWith('/api/events/calendar?'))).toBe(true);
  // Only those who may see everyone's records are offered the choice.
  expect(screen.queryByRole('tab', { name: 'De todos' })).toBeNull();
});

test('with “view all records” the workspace offers everyone’s events', async () => {
  const api = app(['view_all_records']);
  fireEvent.click(await screen.findByRole('tab', { name: 'Eventos' }));
  fireEvent.click(await screen.findByRole('tab', { name: 'De todos' }));
  await screen.findByText('No hay eventos en este periodo.');
  expect(api.calls.some((c) => c.path.includes('owner=all'))).toBe(true);
});
