/** @jest-environment jsdom */
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { AccountManager, SignedInAccount } from '../../src/auth/account-manager';
import { App } from '../../src/taskpane/app';
import type { Directory } from '../../src/taskpane/directory';
import { aJoinRequest, aMe, aMember, aProfile } from './support/builders';
import { FakeApi } from './support/fake-api';
import './support/render';

class FakeAccounts implements AccountManager {
  constructor(public account: SignedInAccount | null) {}
  current = () => Promise.resolve(this.account);
  signIn = (username?: string) => {
    this.account = { username: username ?? 'x', name: username ?? 'x' };
    return Promise.resolve(this.account);
  };
  signOut = () => {
    this.account = null;
    return Promise.resolve();
  };
  getToken = () => Promise.resolve('token');
}

const directory: Directory = {
  search: () => Promise.resolve({ users: [], nextLink: null }),
  next: () => Promise.resolve({ users: [], nextLink: null }),
};

const ana: SignedInAccount = { username: 'admin@contoso.example', name: 'Ana Admin' };

function renderApp(
  api: FakeApi,
  account: SignedInAccount | null = ana,
  language = 'en-US',
  kind: 'browser' | 'outlook' = 'browser',
) {
  const accounts = new FakeAccounts(account);
  render(
    <App
      host={{ kind, language, theme: 'light' }}
      accounts={accounts}
      api={api}
      directory={directory}
      sandbox
      loadDemoUsers={() =>
        Promise.resolve([{ userPrincipalName: 'admin@contoso.example', displayName: 'Ana Admin' }])
      }
    />,
  );
  return accounts;
}

function usersApi(api: FakeApi, request = aJoinRequest()) {
  const profile = aProfile({ isDefault: true });
  return api
    .on('GET /api/users', { items: [aMember()] })
    .on('GET /api/profiles', { items: [profile] })
    .on('GET /api/invitations', { items: [] })
    .on('GET /api/join-requests', { items: [request] })
    .on(`GET /api/join-requests/${request.id}`, {
      ...request,
      status: 'pending',
      decidedAt: null,
      decidedBy: null,
    });
}

beforeEach(() => {
  window.history.replaceState(null, '', '/taskpane.html');
  window.localStorage.clear();
});

test('signed out: the sign-in screen', async () => {
  renderApp(new FakeApi(), null);
  await screen.findByRole('heading', { name: 'Sign in to Tandem' });
});

test('not a member: the onboarding state decides the screen, and joining loads the app', async () => {
  const api = new FakeApi()
    .fail('GET /api/me', 403, 'forbidden')
    .on('GET /api/onboarding', { state: 'install', termsVersion: '2026-01' })
    .on('POST /api/onboarding/install', { created: true, orgId: 'o', userId: 'u' });
  renderApp(api);
  await screen.findByRole('heading', { name: 'Install Tandem for your organisation' });
  screen.getByText('Signed in as Ana Admin');
  fireEvent.click(screen.getByRole('checkbox'));
  api.on('GET /api/me', aMe());
  fireEvent.click(screen.getByRole('button', { name: 'Accept and install' }));
  await screen.findByRole('tab', { name: 'Users' });
});

test('an invitation link is accepted with its token, then the link is cleared', async () => {
  const token = 'tok_'.padEnd(43, 'x');
  window.history.replaceState(null, '', `/taskpane.html#/invite/${token}`);
  const api = new FakeApi()
    .fail('GET /api/me', 403, 'forbidden')
    .on('GET /api/onboarding', { state: 'admin_required', termsVersion: '2026-01' })
    .on('POST /api/onboarding/invitation', {
      org: { id: 'o', name: 'Contoso' },
      expiresAt: '2026-12-01T10:00:00.000Z',
      email: 'admin@contoso.example',
      acceptable: true,
      problem: null,
    })
    .on('POST /api/onboarding/accept', { orgId: 'o', userId: 'u', invitationId: 'i' });
  renderApp(api);
  await screen.findByRole('heading', { name: 'You are invited to join Contoso' });
  fireEvent.click(screen.getByRole('checkbox'));
  api.on('GET /api/me', aMe({ permissions: [] }));
  fireEvent.click(screen.getByRole('button', { name: 'Accept and join' }));
  await screen.findByRole('tab', { name: 'Account' });
  expect(api.callsTo('POST /api/onboarding/accept')).toEqual([
    { acceptTerms: true, termsVersion: '2026-01', token },
  ]);
  expect(window.location.hash).toBe('');
  // Without "manage users" there is no Users tab.
  expect(screen.queryByRole('tab', { name: 'Users' })).toBeNull();
});

test('the approval link opens Users with "Approve and add" for that request', async () => {
  const request = aJoinRequest({ displayName: 'Bruno Castillo' });
  window.history.replaceState(null, '', `/taskpane.html#/users?approve=${request.id}`);
  const api = usersApi(new FakeApi().on('GET /api/me', aMe()), request);
  renderApp(api);
  const dialog = await screen.findByRole('dialog', { name: 'Approve and add Bruno Castillo' });
  expect(screen.getByRole('tab', { name: 'Users' }).getAttribute('aria-selected')).toBe('true');
  fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
  await waitFor(() => expect(window.location.hash).toBe('#/users'));
});

test('the approval link for someone without "manage users" shows their account', async () => {
  window.history.replaceState(null, '', `/taskpane.html#/users?approve=${aJoinRequest().id}`);
  renderApp(new FakeApi().on('GET /api/me', aMe({ permissions: [] })));
  await screen.findByText(/Signed in as Ana Admin/);
  expect(screen.queryByRole('dialog')).toBeNull();
});

test('a member opening an invitation link simply goes in', async () => {
  window.history.replaceState(null, '', `/taskpane.html#/invite/${'y'.repeat(43)}`);
  renderApp(new FakeApi().on('GET /api/me', aMe()));
  await screen.findByRole('tab', { name: 'Account' });
  await waitFor(() => expect(window.location.hash).toBe(''));
});

test('a hash change while open is followed', async () => {
  const api = usersApi(new FakeApi().on('GET /api/me', aMe()));
  renderApp(api);
  await screen.findByRole('tab', { name: 'Account', selected: true });
  act(() => {
    window.location.hash = '#/users';
  });
  await screen.findByRole('tab', { name: 'Users', selected: true });
  await screen.findByRole('list', { name: 'Members' });
});

test('an approval link opened in a tab already showing Users opens that request, even one newer than the lists', async () => {
  const api = usersApi(new FakeApi().on('GET /api/me', aMe()));
  renderApp(api);
  await screen.findByRole('tab', { name: 'Account', selected: true });
  act(() => {
    window.location.hash = '#/users';
  });
  await screen.findByRole('list', { name: 'Members' });
  // Dora asks to join after the page loaded its lists; her mail's link is opened in this very tab.
  const dora = aJoinRequest({ displayName: 'Dora Newcomer' });
  usersApi(api, dora);
  act(() => {
    window.location.hash = `#/users?approve=${dora.id}`;
  });
  const dialog = await screen.findByRole('dialog', { name: 'Approve and add Dora Newcomer' });
  within(dialog).getByRole('button', { name: 'Approve and add' });
  // The lists were read again too.
  await screen.findByRole('button', { name: 'Reject: Dora Newcomer' });
});

test('the web app switches language and theme in Account, and keeps the choice', async () => {
  const api = new FakeApi().on('GET /api/me', aMe());
  renderApp(api);
  fireEvent.click(await screen.findByRole('combobox', { name: 'Language' }));
  fireEvent.click(await screen.findByRole('option', { name: 'Español' }));
  await screen.findByRole('tab', { name: 'Cuenta' });
  fireEvent.click(screen.getByRole('combobox', { name: 'Tema' }));
  fireEvent.click(await screen.findByRole('option', { name: 'Oscuro' }));
  await waitFor(() => expect(document.documentElement.dataset.theme).toBe('dark'));
  expect(document.documentElement.lang).toBe('es');
  expect(JSON.parse(window.localStorage.getItem('tandem.preferences') ?? '{}')).toEqual({
    language: 'es',
    theme: 'dark',
  });
});

test('a stored choice applies when the web app opens; Outlook keeps its own and shows no switch', async () => {
  window.localStorage.setItem('tandem.preferences', JSON.stringify({ language: 'es', theme: 'dark' }));
  renderApp(new FakeApi().on('GET /api/me', aMe()));
  await screen.findByRole('tab', { name: 'Cuenta' });
  screen.getByText('Administrador');
  cleanup();
  renderApp(new FakeApi().on('GET /api/me', aMe()), ana, 'en-US', 'outlook');
  await screen.findByRole('tab', { name: 'Account' });
  expect(screen.queryByRole('combobox', { name: 'Language' })).toBeNull();
  expect(document.documentElement.dataset.theme).toBe('light');
});

test('an unexpected failure is shown in the user’s language with a retry', async () => {
  const api = new FakeApi().fail('GET /api/me', 500, 'internal', 'Internal Server Error');
  renderApp(api, ana, 'es-ES');
  await screen.findByText('Algo salió mal: Internal Server Error');
  api.on('GET /api/me', aMe());
  fireEvent.click(screen.getByRole('button', { name: 'Reintentar' }));
  await screen.findByRole('tab', { name: 'Usuarios' });
});
