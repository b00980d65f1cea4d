import { startOnboarding, TERMS, type OnboardingHarness, type SandboxTenant } from './onboarding-harness';

let h: OnboardingHarness;
beforeAll(async () => {
  h = await startOnboarding();
});
afterAll(() => h.close());

interface Installed extends SandboxTenant {
  orgId: string;
  memberIds: string[];
}

/** An installed tenant whose users all accepted an invitation. */
async function installedWithMembers(): Promise<Installed> {
  const tenant = h.tenant(2);
  const { orgId } = (await h.as(tenant.admin).post('/api/onboarding/install', TERMS)).json();
  await h.as(tenant.admin).post('/api/invitations', { invitees: tenant.users.map((email) => ({ email })) });
  const memberIds: string[] = [];
  for (const upn of tenant.users)
    memberIds.push((await h.as(upn).post('/api/onboarding/accept', TERMS)).json().userId);
  return { ...tenant, orgId, memberIds };
}

const profileId = async (tenant: Installed, name: string) =>
  (await h.as(tenant.admin).get('/api/profiles')).json().items.find((p: { name: string }) => p.name === name)
    .id;

test('members are listed with their profiles and status; pending invitations and requests beside them', async () => {
  const tenant = await installedWithMembers();
  const outsider = `new-${tenant.id.slice(0, 8)}@outside.example`;
  await h
    .as(tenant.admin)
    .post('/api/invitations', { invitees: [{ email: outsider, displayName: 'New Person' }] });
  const requester = h.sandbox.addUser({
    tenant: tenant.id,
    userPrincipalName: 'late.comer',
  }).userPrincipalName;
  await h.as(requester).post('/api/onboarding/join-request', TERMS);

  const members = (await h.as(tenant.admin).get('/api/users')).json().items;
  expect(members).toHaveLength(3);
  expect(members).toContainEqual(
    expect.objectContaining({
      email: tenant.admin,
      status: 'active',
      isSuperAdmin: true,
      microsoft365: true,
      profile: expect.objectContaining({ name: 'Administrator' }),
    }),
  );
  expect(members).toContainEqual(
    expect.objectContaining({
      email: tenant.users[0],
      profile: expect.objectContaining({ name: 'Standard user' }),
    }),
  );
  expect((await h.as(tenant.admin).get('/api/invitations')).json().items).toEqual([
    expect.objectContaining({
      email: outsider,
      displayName: 'New Person',
      microsoft365: false,
      expired: false,
    }),
  ]);
  expect((await h.as(tenant.admin).get('/api/join-requests')).json().items).toEqual([
    expect.objectContaining({ email: requester }),
  ]);
});

test('changing a profile grants its permissions at once and is audited', async () => {
  const tenant = await installedWithMembers();
  const member = tenant.memberIds[0]!;
  expect((await h.as(tenant.users[0]!).get('/api/users')).statusCode).toBe(403);
  const admins = await profileId(tenant, 'Administrator');
  expect((await h.as(tenant.admin).patch(`/api/users/${member}`, { profileId: admins })).statusCode).toBe(
    204,
  );
  expect((await h.as(tenant.users[0]!).get('/api/users')).statusCode).toBe(200);

  const log = (await h.as(tenant.admin).get('/api/audit-log?limit=1')).json();
  expect(log.items).toEqual([
    expect.objectContaining({
      action: 'user.profile_changed',
      actor: { userId: expect.any(String), email: tenant.admin },
      target: { type: 'user', id: member },
      details: { from: 'Standard user', to: 'Administrator' },
    }),
  ]);
  expect(log.next).toEqual(expect.any(String));
  const rest = (await h.as(tenant.admin).get(`/api/audit-log?before=${log.next}`)).json().items;
  expect(rest.map((e: { action: string }) => e.action)).toEqual([
    'invitation.accepted',
    'invitation.accepted',
    'invitation.created',
    'invitation.created',
    'org.installed',
  ]);
});

test('deactivating keeps the member and their records but closes the door; reactivating opens it', async () => {
  const tenant = await installedWithMembers();
  const member = h.as(tenant.users[0]!);
  const contact = await member.post('/api/contacts', { lastName: 'Kept' });
  expect(contact.statusCode).toBe(201);

  expect((await h.as(tenant.admin).post(`/api/users/${tenant.memberIds[0]}/deactivate`)).statusCode).toBe(
    204,
  );
  expect((await member.get('/api/me')).statusCode).toBe(403);
  expect((await member.get('/api/onboarding')).json().state).toBe('deactivated');
  const listed = (await h.as(tenant.admin).get('/api/users')).json().items;
  expect(listed.find((u: { id: string }) => u.id === tenant.memberIds[0])).toMatchObject({
    status: 'deactivated',
  });
  const kept = await h.as(tenant.admin).get(`/api/contacts/${contact.json().id}`);
  expect(kept.statusCode).toBe(200);

  expect((await h.as(tenant.admin).post(`/api/users/${tenant.memberIds[0]}/reactivate`)).statusCode).toBe(
    204,
  );
  expect((await member.get('/api/me')).statusCode).toBe(200);
});

test('guard rails: not yourself, not a super admin unless you are one, not another organisation', async () => {
  const tenant = await installedWithMembers();
  const other = await installedWithMembers();
  const me = (await h.as(tenant.admin).get('/api/me')).json().user.id;
  expect((await h.as(tenant.admin).post(`/api/users/${me}/deactivate`)).statusCode).toBe(409);

  // A user manager who is not a super admin cannot touch the super admin.
  const admins = await profileId(tenant, 'Administrator');
  await h.as(tenant.admin).patch(`/api/users/${tenant.memberIds[0]}`, { profileId: admins });
  const manager = h.as(tenant.users[0]!);
  expect((await manager.post(`/api/users/${me}/deactivate`)).statusCode).toBe(403);
  expect((await manager.patch(`/api/users/${me}`, { profileId: admins })).statusCode).toBe(403);

  // Another organisation's member or profile.
  expect((await h.as(tenant.admin).post(`/api/users/${other.memberIds[0]}/deactivate`)).statusCode).toBe(404);
  const foreign = await profileId(other, 'Administrator');
  const res = await h.as(tenant.admin).patch(`/api/users/${tenant.memberIds[1]}`, { profileId: foreign });
  expect(res.statusCode).toBe(400);
  expect(
    (await h.as(tenant.admin).patch(`/api/users/${tenant.memberIds[1]}`, { profileId: 'x' })).statusCode,
  ).toBe(400);
  expect(
    (await h.as(other.admin).get('/api/users')).json().items.map((u: { email: string }) => u.email),
  ).not.toContain(tenant.users[1]);
  const otherMember = await h.store.db
    .selectFrom('users')
    .select(['status'])
    .where('id', '=', other.memberIds[0]!)
    .executeTakeFirstOrThrow();
  expect(otherMember.status).toBe('active');
});
