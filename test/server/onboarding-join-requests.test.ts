import { setProfilePermissions } from '../../src/server/services/org-service';
import {
  linkIn,
  startOnboarding,
  TERMS,
  type OnboardingHarness,
  type SandboxTenant,
} from './onboarding-harness';

let h: OnboardingHarness;
beforeAll(async () => {
  h = await startOnboarding();
});
afterAll(() => h.close());

async function installed(userCount = 3): Promise<SandboxTenant & { orgId: string }> {
  const tenant = h.tenant(userCount);
  const res = await h.as(tenant.admin).post('/api/onboarding/install', TERMS);
  expect(res.statusCode).toBe(201);
  return { ...tenant, orgId: res.json().orgId };
}

/** Makes `upn` a member holding "manage users" through a custom profile. */
async function userManager(tenant: SandboxTenant & { orgId: string }, upn: string) {
  await h.as(tenant.admin).post('/api/invitations', { invitees: [{ email: upn }] });
  await h.as(upn).post('/api/onboarding/accept', TERMS);
  const profileId = await setProfilePermissions(h.store.db, tenant.orgId, 'User managers', ['manage_users']);
  const me = (await h.as(upn).get('/api/me')).json();
  expect((await h.as(tenant.admin).patch(`/api/users/${me.user.id}`, { profileId })).statusCode).toBe(204);
}

const request = (id: string) =>
  h.store.db.selectFrom('join_requests').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

test('Case 2, request → approve: every user manager is mailed an "Approve and add" link; approval adds the requester, who is told', async () => {
  const tenant = await installed();
  await userManager(tenant, tenant.users[1]!);
  const requester = tenant.users[0]!;
  expect((await h.as(requester).get('/api/onboarding')).json()).toMatchObject({
    state: 'request_to_join',
    org: { id: tenant.orgId },
    request: null,
  });
  const res = await h.as(requester).post('/api/onboarding/join-request', { ...TERMS, message: 'Sales team' });
  expect(res.statusCode).toBe(201);
  const { id } = res.json();
  expect((await h.as(requester).get('/api/onboarding')).json().request).toMatchObject({ id });

  for (const manager of [tenant.admin, tenant.users[1]!]) {
    const mails = (await h.mailsTo(manager)).filter((m) => m.subject.includes('asks to join'));
    expect(mails).toHaveLength(1);
    expect(mails[0]!.body.content).toContain(requester);
    expect(linkIn(mails[0])).toBe(`https://tandem.test/taskpane.html#/users?approve=${id}`);
  }
  // A plain member is not asked.
  expect(await h.mailsTo(tenant.users[2]!)).toEqual([]);

  const listed = (await h.as(tenant.users[1]!).get('/api/join-requests')).json().items;
  expect(listed).toEqual([expect.objectContaining({ id, email: requester, message: 'Sales team' })]);

  const approved = await h.as(tenant.users[1]!).post(`/api/join-requests/${id}/approve`, {});
  expect(approved.statusCode).toBe(201);
  const me = (await h.as(requester).get('/api/me')).json();
  expect(me.user).toMatchObject({ email: requester, profile: 'Standard user' });
  expect(me.org.id).toBe(tenant.orgId);
  expect(await request(id)).toMatchObject({ status: 'approved', user_id: me.user.id });
  const outcome = await h.mailsTo(requester);
  expect(outcome).toEqual([expect.objectContaining({ subject: expect.stringMatching(/You have joined/) })]);
  expect(linkIn(outcome[0])).toBe('https://tandem.test/taskpane.html');
  const terms = await h.store.db
    .selectFrom('terms_acceptances')
    .selectAll()
    .where('user_id', '=', me.user.id)
    .execute();
  expect(terms).toEqual([expect.objectContaining({ version: TERMS.termsVersion })]);

  const audit = await h.store.db
    .selectFrom('audit_log')
    .select(['action', 'actor_email'])
    .where('org_id', '=', tenant.orgId)
    .where('target_id', '=', id)
    .orderBy('id')
    .execute();
  expect(audit).toEqual([
    { action: 'join_request.created', actor_email: requester },
    { action: 'join_request.approved', actor_email: tenant.users[1]! },
  ]);
  // Opening the mail's link afterwards shows who decided; deciding twice is refused.
  expect((await h.as(tenant.admin).get(`/api/join-requests/${id}`)).json()).toMatchObject({
    id,
    status: 'approved',
    decidedBy: tenant.users[1]!,
    decidedAt: expect.any(String),
  });
  expect((await h.as(tenant.admin).post(`/api/join-requests/${id}/reject`)).statusCode).toBe(409);
});

test('Case 2, request → reject: the requester is told and stays out; the approver may pick a profile otherwise', async () => {
  const tenant = await installed();
  const requester = tenant.users[0]!;
  const { id } = (
    await h.as(requester).post('/api/onboarding/join-request', { ...TERMS, language: 'es' })
  ).json();
  const rejected = await h.as(tenant.admin).post(`/api/join-requests/${id}/reject`);
  expect(rejected.statusCode).toBe(204);
  expect((await request(id)).status).toBe('rejected');
  const outcome = await h.mailsTo(requester);
  // The requester asked in Spanish, and is answered in Spanish.
  expect(outcome).toEqual([expect.objectContaining({ subject: expect.stringMatching(/Tu solicitud/) })]);
  expect((await h.as(requester).get('/api/me')).statusCode).toBe(403);
  expect((await h.as(requester).get('/api/onboarding')).json()).toMatchObject({
    state: 'request_to_join',
    request: null,
  });

  // A new request may be approved into a chosen profile.
  const again = (await h.as(requester).post('/api/onboarding/join-request', TERMS)).json();
  const profiles = (await h.as(tenant.admin).get('/api/profiles')).json().items;
  const adminProfile = profiles.find((p: { name: string }) => p.name === 'Administrator');
  const approved = await h
    .as(tenant.admin)
    .post(`/api/join-requests/${again.id}/approve`, { profileId: adminProfile.id });
  expect(approved.statusCode).toBe(201);
  expect((await h.as(requester).get('/api/me')).json().user.profile).toBe('Administrator');
});

test('approving or rejecting needs "manage users", and only inside the own organisation', async () => {
  const tenant = await installed();
  const other = await installed();
  const requester = tenant.users[0]!;
  const { id } = (await h.as(requester).post('/api/onboarding/join-request', TERMS)).json();
  // A plain member of the same organisation.
  await h.as(tenant.admin).post('/api/invitations', { invitees: [{ email: tenant.users[1]! }] });
  await h.as(tenant.users[1]!).post('/api/onboarding/accept', TERMS);

  const denied = await h.as(tenant.users[1]!).post(`/api/join-requests/${id}/approve`, {});
  expect(denied.statusCode).toBe(403);
  expect(denied.json().error.message).toMatch(/manage_users/);
  expect((await h.as(tenant.users[1]!).post(`/api/join-requests/${id}/reject`)).statusCode).toBe(403);
  expect((await h.as(tenant.users[1]!).get('/api/join-requests')).statusCode).toBe(403);
  // The administrator of another tenant cannot see, approve or reject it.
  expect((await h.as(other.admin).post(`/api/join-requests/${id}/approve`, {})).statusCode).toBe(404);
  expect((await h.as(other.admin).post(`/api/join-requests/${id}/reject`)).statusCode).toBe(404);
  expect((await h.as(other.admin).get('/api/join-requests')).json().items).toEqual([]);
  expect((await h.as(other.admin).get(`/api/join-requests/${id}`)).statusCode).toBe(404);
  expect((await h.as(tenant.admin).get(`/api/join-requests/${id}`)).json().status).toBe('pending');
  // Nor can a profile of another organisation be given.
  const foreignProfile = (await h.as(other.admin).get('/api/profiles')).json().items[0].id;
  const wrongProfile = await h
    .as(tenant.admin)
    .post(`/api/join-requests/${id}/approve`, { profileId: foreignProfile });
  expect(wrongProfile.statusCode).toBe(400);

  expect(await request(id)).toMatchObject({ status: 'pending', decided_by: null });
  expect((await h.as(requester).get('/api/me')).statusCode).toBe(403);
});

test('one pending request per user, and requests are rate limited', async () => {
  const tenant = await installed();
  const requester = h.as(tenant.users[0]!);
  expect((await requester.post('/api/onboarding/join-request', TERMS)).statusCode).toBe(201);
  const twice = await requester.post('/api/onboarding/join-request', TERMS);
  expect(twice.statusCode).toBe(409);
  expect(twice.json().error.code).toBe('request_pending');

  // Request, be rejected, request again...: the third request of the day is the last.
  const rejectPending = async () => {
    const [pending] = (await h.as(tenant.admin).get('/api/join-requests')).json().items;
    expect((await h.as(tenant.admin).post(`/api/join-requests/${pending.id}/reject`)).statusCode).toBe(204);
  };
  for (let i = 0; i < 2; i++) {
    await rejectPending();
    expect((await requester.post('/api/onboarding/join-request', TERMS)).statusCode).toBe(201);
  }
  await rejectPending();
  const flooded = await requester.post('/api/onboarding/join-request', TERMS);
  expect(flooded.statusCode).toBe(429);
  expect(Number(flooded.headers['retry-after'])).toBeGreaterThan(0);
  const rows = await h.store.db
    .selectFrom('join_requests')
    .select('status')
    .where('org_id', '=', tenant.orgId)
    .execute();
  expect(rows.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
});

test('a member, or an invited user, does not file a request', async () => {
  const tenant = await installed();
  const member = await h.as(tenant.admin).post('/api/onboarding/join-request', TERMS);
  expect(member.statusCode).toBe(409);
  expect(member.json().error.code).toBe('already_member');
  await h.as(tenant.admin).post('/api/invitations', { invitees: [{ email: tenant.users[0]! }] });
  const invited = await h.as(tenant.users[0]!).post('/api/onboarding/join-request', TERMS);
  expect(invited.statusCode).toBe(409);
  expect(invited.json().error.code).toBe('invitation_pending');
});

test('simultaneous requests leave one pending request', async () => {
  const tenant = await installed();
  const answers = await Promise.all(
    [1, 2, 3].map(() => h.as(tenant.users[0]!).post('/api/onboarding/join-request', TERMS)),
  );
  expect(answers.map((a) => a.statusCode).sort()).toEqual([201, 409, 409]);
  const rows = await h.store.db
    .selectFrom('join_requests')
    .select('id')
    .where('org_id', '=', tenant.orgId)
    .execute();
  expect(rows).toHaveLength(1);
});
