/** @jest-environment jsdom */
import { fireEvent, render, screen } from '@testing-library/react';
import type { AccountManager } from '../../src/auth/account-manager';
import { App } from '../../src/taskpane/app';
import { aMe } from './support/builders';
import { FakeApi } from './support/fake-api';
import { FakeSyncController } from './support/fake-sync-controller';
import './support/render';

const accounts: AccountManager = {
  current: async () => ({ username: 'user1@contoso.example', name: 'User One' }),
  signIn: async () => ({ username: 'user1@contoso.example', name: 'User One' }),
  signOut: async () => undefined,
  getToken: async () => 'token',
};

test('every member has the Microsoft integration tab, keyboard reachable', async () => {
  const sync = new FakeSyncController();
  render(
    <App
      host={{ kind: 'browser', language: 'en-US', theme: 'dark' }}
      accounts={accounts}
      api={new FakeApi().on('GET /api/me', aMe({ permissions: [] }))}
      directory={{
        search: async () => ({ users: [], nextLink: null }),
        next: async () => ({ users: [], nextLink: null }),
      }}
      sandbox={false}
      loadDemoUsers={async () => []}
      sync={sync}
    />,
  );
  const tab = await screen.findByRole('tab', { name: 'Microsoft integration' });
  expect(screen.queryByRole('tab', { name: 'Users' })).toBeNull();
  fireEvent.click(tab);
  expect(await screen.findByRole('switch', { name: 'Calendar sync' })).toBeTruthy();
  expect(screen.getByRole('switch', { name: 'Contact sync' })).toBeTruthy();
  expect(sync.overview).toHaveBeenCalled();
});
