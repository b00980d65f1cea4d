/** @jest-environment jsdom */
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { Directory, DirectoryPage } from '../../src/taskpane/directory';
import { UsersScreen } from '../../src/taskpane/screens/users-screen';
import { aJoinRequest, aMe, aMember, anInvitation, aProfile } from './support/builders';
import { FakeApi } from './support/fake-api';
import { isDisabled, renderScreen } from './support/render';

const standard = aProfile({ name: 'Standard', isDefault: true });
const manager = aProfile({ name: 'Sales manager' });
const me = aMe();
const self = aMember({
  id: me.user.id,
  displayName: 'Ana Admin',
  email: 'admin@contoso.example',
  isSuperAdmin: true,
});
const carmen = aMember({
  displayName: 'Carmen Delgado',
  email: 'carmen.delgado@contoso.example',
  profile: { id: standard.id, name: standard.name },
});
const invitation = anInvitation({ email: 'outsider@example.org' });
const request = aJoinRequest({ message: 'I sell in Madrid' });

const pendingDetail = { ...request, status: 'pending', decidedAt: null, decidedBy: null };

function fakeApi() {
  return new FakeApi()
    .on('GET /api/users', { items: [self, carmen] })
    .on('GET /api/profiles', { items: [manager, standard] })
    .on('GET /api/invitations', { items: [invitation] })
    .on('GET /api/join-requests', { items: [request] })
    .on('GET /api/sync/health', { items: [] })
    .on(`GET /api/join-requests/${request.id}`, pendingDetail);
}

const noDirectory: Directory = {
  search: () => Promise.resolve({ users: [], nextLink: null }),
  next: () => Promise.resolve({ users: [], nextLink: null }),
};

function setup(
  options: {
    api?: FakeApi;
    approve?: string;
    edition?: 'free' | 'paid';
    directory?: Directory;
    locale?: 'en' | 'es';
  } = {},
) {
  const api = options.api ?? fakeApi();
  const onApproveClosed = jest.fn();
  renderScreen(
    <UsersScreen
      api={api}
      directory={options.directory ?? noDirectory}
      me={options.edition ? aMe({ edition: options.edition, id: me.user.id }) : me}
      approveRequestId={options.approve}
      onApproveClosed={onApproveClosed}
    />,
    options.locale,
  );
  return { api, onApproveClosed };
}

const list = (name: string) => within(screen.getByRole('list', { name }));

test('lists members with profile and status, pending invitations and requests to join', async () => {
  setup();
  await screen.findByRole('list', { name: 'Members' });
  const members = list('Members');
  members.getByText('Ana Admin (You)');
  members.getByText('Super admin');
  members.getByText('carmen.delgado@contoso.example');
  expect(members.getAllByText('Active')).toHaveLength(2);
  // One's own row and the super admin cannot be changed from here.
  expect(isDisabled(members.getByRole('button', { name: 'Deactivate: Ana Admin' }))).toBe(true);
  expect(isDisabled(members.getByRole('button', { name: 'Deactivate: Carmen Delgado' }))).toBe(false);
  list('Pending invitations').getByText('outsider@example.org');
  list('Requests to join').getByText('I sell in Madrid');
});

test('changes a member’s profile', async () => {
  const { api } = setup();
  api.on(`PATCH /api/users/${carmen.id}`, undefined);
  const profile = await screen.findByRole('combobox', { name: 'Profile of Carmen Delgado' });
  fireEvent.click(profile);
  fireEvent.click(await screen.findByRole('option', { name: 'Sales manager' }));
  await screen.findByText('The profile of Carmen Delgado is now Sales manager.');
  expect(api.callsTo(`PATCH /api/users/${carmen.id}`)).toEqual([{ profileId: manager.id }]);
});

test('deactivates a member only after confirming', async () => {
  const { api } = setup();
  api.on(`POST /api/users/${carmen.id}/deactivate`, undefined);
  fireEvent.click(await screen.findByRole('button', { name: 'Deactivate: Carmen Delgado' }));
  const confirm = await screen.findByRole('alertdialog', { name: 'Deactivate Carmen Delgado?' });
  within(confirm).getByText(/Their data stays in the CRM/);
  fireEvent.click(within(confirm).getByRole('button', { name: 'Cancel' }));
  await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
  expect(api.callsTo(`POST /api/users/${carmen.id}/deactivate`)).toHaveLength(0);
});

test('deactivates a member once confirmed', async () => {
  const { api } = setup();
  api.on(`POST /api/users/${carmen.id}/deactivate`, undefined);
  fireEvent.click(await screen.findByRole('button', { name: 'Deactivate: Carmen Delgado' }));
  fireEvent.click(within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Deactivate' }));
  await screen.findByText('Carmen Delgado was deactivated.');
  expect(api.callsTo(`POST /api/users/${carmen.id}/deactivate`)).toHaveLength(1);
});

test('a refused change is shown', async () => {
  const { api } = setup();
  api.fail(`POST /api/users/${carmen.id}/deactivate`, 403, 'forbidden', 'Not allowed here.');
  fireEvent.click(await screen.findByRole('button', { name: 'Deactivate: Carmen Delgado' }));
  fireEvent.click(within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Deactivate' }));
  expect((await screen.findByRole('alert')).textContent).toContain('Not allowed here.');
});

test('resends and revokes pending invitations', async () => {
  const { api } = setup();
  api.on(`POST /api/invitations/${invitation.id}/resend`, { id: invitation.id });
  api.on(`DELETE /api/invitations/${invitation.id}`, undefined);
  fireEvent.click(await screen.findByRole('button', { name: 'Resend: outsider@example.org' }));
  await screen.findByText('A new invitation was sent to outsider@example.org.');
  fireEvent.click(screen.getByRole('button', { name: 'Revoke: outsider@example.org' }));
  const confirm = await screen.findByRole('alertdialog', {
    name: 'Revoke the invitation to outsider@example.org?',
  });
  expect(api.callsTo(`DELETE /api/invitations/${invitation.id}`)).toHaveLength(0);
  fireEvent.click(within(confirm).getByRole('button', { name: 'Revoke' }));
  await screen.findByText('The invitation to outsider@example.org was revoked.');
  expect(api.calls.map((c) => `${c.method} ${c.path}`)).toEqual(
    expect.arrayContaining([
      `POST /api/invitations/${invitation.id}/resend`,
      `DELETE /api/invitations/${invitation.id}`,
    ]),
  );
});

test('rejects a request to join once confirmed', async () => {
  const { api } = setup();
  api.on(`POST /api/join-requests/${request.id}/reject`, undefined);
  fireEvent.click(await screen.findByRole('button', { name: 'Reject: Bruno Castillo' }));
  const confirm = await screen.findByRole('alertdialog', { name: 'Reject the request of Bruno Castillo?' });
  within(confirm).getByText(/is told by mail/);
  expect(api.callsTo(`POST /api/join-requests/${request.id}/reject`)).toHaveLength(0);
  fireEvent.click(within(confirm).getByRole('button', { name: 'Reject' }));
  await screen.findByText('The request of Bruno Castillo was rejected.');
  expect(api.callsTo(`POST /api/join-requests/${request.id}/reject`)).toHaveLength(1);
});

test('a reject cancelled in the confirmation does nothing', async () => {
  const { api } = setup();
  fireEvent.click(await screen.findByRole('button', { name: 'Reject: Bruno Castillo' }));
  fireEvent.click(within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Cancel' }));
  await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
  expect(api.callsTo(`POST /api/join-requests/${request.id}/reject`)).toHaveLength(0);
});

test('after an action, even a refused one, the lists are loaded again', async () => {
  const { api } = setup();
  api.fail(
    `POST /api/join-requests/${request.id}/reject`,
    409,
    'conflict',
    'This request was already approved.',
  );
  fireEvent.click(await screen.findByRole('button', { name: 'Reject: Bruno Castillo' }));
  // Meanwhile another administrator approved Bruno: the reload shows him as a member.
  api.on('GET /api/join-requests', { items: [] });
  api.on('GET /api/users', { items: [self, carmen, aMember({ displayName: 'Bruno Castillo' })] });
  fireEvent.click(within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Reject' }));
  expect((await screen.findByRole('alert')).textContent).toContain('already approved');
  await waitFor(() => list('Members').getByText('Bruno Castillo'));
  expect(screen.queryByRole('list', { name: 'Requests to join' })).toBeNull();
});

test('coming back to the page (focus) refreshes the lists', async () => {
  const { api } = setup();
  await screen.findByRole('list', { name: 'Pending invitations' });
  // The invitee accepted in the meantime.
  api.on('GET /api/invitations', { items: [] });
  api.on('GET /api/users', { items: [self, carmen, aMember({ displayName: 'Outsider' })] });
  fireEvent.focus(window);
  await waitFor(() => expect(screen.queryByRole('list', { name: 'Pending invitations' })).toBeNull());
  list('Members').getByText('Outsider');
});

test('profile names every organisation starts with are shown in Spanish', async () => {
  const admin = aProfile({ name: 'Administrator' });
  const plain = aProfile({ name: 'Standard user', isDefault: true });
  const api = fakeApi()
    .on('GET /api/profiles', { items: [admin, plain, manager] })
    .on('GET /api/users', {
      items: [self, { ...carmen, profile: { id: plain.id, name: plain.name } }],
    });
  setup({ api, locale: 'es' });
  const profile = await screen.findByRole('combobox', { name: 'Perfil de Carmen Delgado' });
  expect(profile.textContent).toContain('Usuario estándar');
  fireEvent.click(profile);
  await screen.findByRole('option', { name: 'Administrador' });
  // A profile the organisation named itself keeps its name.
  screen.getByRole('option', { name: 'Sales manager' });
});

describe('Approve and add', () => {
  test('the approval link opens the dialog for its request, with the default profile', async () => {
    const { api, onApproveClosed } = setup({ approve: request.id });
    api.on(`POST /api/join-requests/${request.id}/approve`, { userId: 'new' });
    const dialog = await screen.findByRole('dialog', { name: 'Approve and add Bruno Castillo' });
    within(dialog).getByText(/bruno.castillo@contoso.example/);
    within(dialog).getByText('Their message: “I sell in Madrid”');
    expect(within(dialog).getByRole('combobox').textContent).toContain('Standard');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Approve and add' }));
    await screen.findByText('Bruno Castillo was added to the organisation.');
    expect(api.callsTo(`POST /api/join-requests/${request.id}/approve`)).toEqual([
      { profileId: standard.id },
    ]);
    expect(onApproveClosed).toHaveBeenCalled();
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  test('from the list, with another profile; a failure stays in the dialog', async () => {
    const { api } = setup();
    api.fail(`POST /api/join-requests/${request.id}/approve`, 404, 'not_found', 'Join request not found.');
    fireEvent.click(await screen.findByRole('button', { name: 'Approve and add: Bruno Castillo' }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.click(within(dialog).getByRole('combobox'));
    fireEvent.click(await screen.findByRole('option', { name: 'Sales manager' }));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Approve and add' }));
    expect((await within(dialog).findByRole('alert')).textContent).toContain('Join request not found.');
    expect(api.callsTo(`POST /api/join-requests/${request.id}/approve`)).toEqual([{ profileId: manager.id }]);
  });

  test('a link to a request that does not exist says so', async () => {
    setup({ approve: '11111111-2222-4333-8444-555555555555' });
    const dialog = await screen.findByRole('dialog');
    await within(dialog).findByText('This request to join was already answered or no longer exists.');
    expect(within(dialog).queryByRole('button', { name: 'Approve and add' })).toBeNull();
  });

  test('a link to a request already answered says who answered and when', async () => {
    const api = fakeApi().on(`GET /api/join-requests/${request.id}`, {
      ...request,
      status: 'rejected',
      decidedAt: '2026-11-25T10:00:00.000Z',
      decidedBy: 'carmen.delgado@contoso.example',
    });
    setup({ api, approve: request.id });
    const dialog = await screen.findByRole('dialog', { name: 'Approve and add Bruno Castillo' });
    await within(dialog).findByText(
      /The request of Bruno Castillo was already rejected on 25 Nov 2026.* by carmen.delgado@contoso.example\./,
    );
    expect(within(dialog).queryByRole('button', { name: 'Approve and add' })).toBeNull();
  });

  test('a link to a request newer than the loaded lists (a tab left open) opens it as pending', async () => {
    const newer = aJoinRequest({ displayName: 'Dora Newcomer', email: 'dora@contoso.example' });
    const api = fakeApi().on(`GET /api/join-requests/${newer.id}`, {
      ...newer,
      status: 'pending',
      decidedAt: null,
      decidedBy: null,
    });
    // The page was loaded before Dora asked: her request is not in the lists it has.
    setup({ api, approve: newer.id });
    const dialog = await screen.findByRole('dialog', { name: 'Approve and add Dora Newcomer' });
    within(dialog).getByRole('button', { name: 'Approve and add' });
  });
});

describe('inviting', () => {
  const people = Array.from({ length: 12 }, (_, i) => ({
    id: `9f1c2a30-0000-4b7e-8a11-${String(i).padStart(12, '0')}`,
    displayName: `Person ${String(i).padStart(2, '0')}`,
    email: `person${i}@contoso.example`,
  }));

  function pagedDirectory() {
    const searches: string[] = [];
    const directory: Directory = {
      search: (text) => {
        searches.push(text);
        const matches = people.filter((p) => p.displayName.toLowerCase().includes(text.toLowerCase()));
        return Promise.resolve<DirectoryPage>({
          users: matches.slice(0, 10),
          nextLink: matches.length > 10 ? 'next-1' : null,
        });
      },
      next: (link) =>
        link === 'next-1'
          ? Promise.resolve({ users: people.slice(10), nextLink: null })
          : Promise.reject(new Error('unknown link')),
    };
    return { directory, searches };
  }

  test('the Microsoft 365 user picker pages, searches, selects several and invites them', async () => {
    const { directory, searches } = pagedDirectory();
    const { api } = setup({ directory });
    api.on('POST /api/invitations', {
      invited: [{ id: 'i', email: 'person11@contoso.example', expiresAt: '', replaced: false }],
      skipped: [{ email: 'person1@contoso.example', reason: 'already_member' }],
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Microsoft 365 user' }));
    const dialog = await screen.findByRole('dialog', { name: 'Invite Microsoft 365 users' });
    const results = () => within(within(dialog).getByRole('group', { name: 'Directory users' }));
    await results().findByText('Person 09');
    expect(results().queryByText('Person 11')).toBeNull();
    fireEvent.click(results().getByRole('checkbox', { name: /Person 01/ }));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Show more' }));
    fireEvent.click(await results().findByRole('checkbox', { name: /Person 11/ }));
    within(dialog).getByText('2 selected');

    // A search replaces the list; what was chosen stays chosen.
    fireEvent.change(within(dialog).getByRole('searchbox'), { target: { value: 'person 0' } });
    await waitFor(() => expect(results().queryByText('Person 11')).toBeNull());
    expect(searches).toContain('person 0');
    within(dialog).getByText('2 selected');

    fireEvent.click(within(dialog).getByRole('button', { name: 'Invite selected' }));
    await screen.findByText('Invitations sent: 1. Not invited: person1@contoso.example (already a member).');
    expect(api.callsTo('POST /api/invitations')).toEqual([
      {
        invitees: [
          { email: 'person1@contoso.example', displayName: 'Person 01', msObjectId: people[1]!.id },
          { email: 'person11@contoso.example', displayName: 'Person 11', msObjectId: people[11]!.id },
        ],
        language: 'en',
      },
    ]);
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  test('the picker marks members and yourself as not invitable, and people already invited', async () => {
    const directory: Directory = {
      search: () =>
        Promise.resolve({
          users: [
            { id: 'a', displayName: 'Ana Admin', email: 'admin@contoso.example' },
            { id: 'c', displayName: 'Carmen Delgado', email: 'Carmen.Delgado@contoso.example' },
            { id: 'o', displayName: 'Olga Outsider', email: 'outsider@example.org' },
            { id: 'n', displayName: 'Nora New', email: 'nora@contoso.example' },
          ],
          nextLink: null,
        }),
      next: () => Promise.reject(new Error('no')),
    };
    setup({ directory });
    fireEvent.click(await screen.findByRole('button', { name: 'Microsoft 365 user' }));
    const dialog = await screen.findByRole('dialog', { name: 'Invite Microsoft 365 users' });
    await within(dialog).findByText('Nora New');
    // By label: role queries over a whole Fluent dialog are slow in jsdom.
    const box = (name: RegExp) => Promise.resolve(within(dialog).getByLabelText(name));
    expect(isDisabled(await box(/Ana Admin/))).toBe(true);
    within(dialog).getByText('You');
    expect(isDisabled(await box(/Carmen Delgado/))).toBe(true);
    within(dialog).getByText('Already a member');
    expect(isDisabled(await box(/Olga Outsider/))).toBe(false);
    within(dialog).getByText('Invited: inviting again sends a new link');
    expect(isDisabled(await box(/Nora New/))).toBe(false);
  });

  test('a directory that cannot be read is explained', async () => {
    setup({
      directory: {
        search: () => Promise.reject(new Error('Insufficient privileges to complete the operation.')),
        next: () => Promise.reject(new Error('no')),
      },
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Microsoft 365 user' }));
    const dialog = await screen.findByRole('dialog');
    expect((await within(dialog).findByRole('alert')).textContent).toContain(
      'Could not read your organisation’s directory: Insufficient privileges',
    );
  });

  test('New user by email, checked before sending', async () => {
    const { api } = setup();
    api.on('POST /api/invitations', {
      invited: [{ id: 'i', email: 'new@example.org', expiresAt: '', replaced: false }],
      skipped: [],
    });
    fireEvent.click(await screen.findByRole('button', { name: 'New user' }));
    const dialog = await screen.findByRole('dialog', { name: 'Invite a new user' });
    fireEvent.change(within(dialog).getByLabelText(/Email/), { target: { value: 'not-an-email' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Send invitation' }));
    await within(dialog).findByText('Enter a valid email address.');
    expect(api.callsTo('POST /api/invitations')).toHaveLength(0);
    fireEvent.change(within(dialog).getByLabelText(/Email/), { target: { value: 'new@example.org' } });
    fireEvent.change(within(dialog).getByLabelText('Name (optional)'), { target: { value: 'Nuria' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Send invitation' }));
    await screen.findByText('Invitations sent: 1.');
    expect(api.callsTo('POST /api/invitations')).toEqual([
      { invitees: [{ email: 'new@example.org', displayName: 'Nuria' }], language: 'en' },
    ]);
  });

  test('the free edition’s refusal is shown clearly', async () => {
    const { api } = setup();
    api.fail('POST /api/invitations', 403, 'paid_edition_required');
    fireEvent.click(await screen.findByRole('button', { name: 'New user' }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.change(within(dialog).getByLabelText(/Email/), { target: { value: 'new@example.org' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Send invitation' }));
    expect((await within(dialog).findByRole('alert')).textContent).toContain(
      'Inviting users needs a paid edition of Tandem',
    );
  });

  test('on the free edition, inviting is explained and turned off (Spanish)', async () => {
    setup({ edition: 'free', locale: 'es' });
    await screen.findByText(/Tu organización usa la edición gratuita/);
    expect(isDisabled(screen.getByRole('button', { name: 'Usuario de Microsoft 365' }))).toBe(true);
    expect(isDisabled(screen.getByRole('button', { name: 'Nuevo usuario' }))).toBe(true);
  });
});

test('a page that cannot load offers to try again', async () => {
  const api = fakeApi().fail('GET /api/join-requests', 500, 'internal', 'Internal Server Error');
  setup({ api });
  expect((await screen.findByRole('alert')).textContent).toContain('Internal Server Error');
  api.on('GET /api/join-requests', { items: [] });
  fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
  await screen.findByRole('list', { name: 'Members' });
});
