import { randomBytes } from 'node:crypto';
import { addMember, createOrganisation } from '../../src/server/services/org-service';
import {
  codeIn,
  invitationTokenIn,
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

/** A tenant whose administrator has installed Tandem. */
async function installed(userCount = 2): Promise<SandboxTenant & { orgId: string }> {
  const tenant = h.tenant(userCount);
  const res = await h.as(tenant.admin).post('/api/onboarding/install', TERMS);
  expect(res.statusCode).toBe(201);
  return { ...tenant, orgId: res.json().orgId };
}

const objectId = (upn: string) => h.sandbox.requireUser(upn).id;
const invitation = (id: string) =>
  h.store.db.selectFrom('invitations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const auditActions = async (orgId: string) =>
  (
    await h.store.db
      .selectFrom('audit_log')
      .select('action')
      .where('org_id', '=', orgId)
      .orderBy('id')
      .execute()
  ).map((r) => r.action);

async function invite(tenant: SandboxTenant, email: string, extra: Record<string, unknown> = {}) {
  const res = await h.as(tenant.admin).post('/api/invitations', { invitees: [{ email, ...extra }] });
  expect(res.statusCode).toBe(201);
  return res.json().invited[0] as { id: string; email: string; replaced: boolean };
}

test('Case 1, accept by link: directory picks and a new user are mailed single-use links; the invitee joins with the default profile', async () => {
  const tenant = await installed();
  const picked = tenant.users[0]!;
  const outsider = `partner-${tenant.id.slice(0, 8)}@outside.example`;
  const res = await h.as(tenant.admin).post('/api/invitations', {
    invitees: [{ email: picked, displayName: 'User 1', msObjectId: objectId(picked) }, { email: outsider }],
  });
  expect(res.statusCode).toBe(201);
  expect(res.json().invited).toEqual([
    expect.objectContaining({ email: picked, replaced: false }),
    expect.objectContaining({ email: outsider, replaced: false }),
  ]);

  const [mail] = await h.mailsTo(picked);
  expect(mail).toMatchObject({
    subject: expect.stringContaining('invited you to'),
    from: { address: 'no-reply@tandem.test' },
  });
  expect(linkIn(mail)).toMatch(/^https:\/\/tandem\.test\/taskpane\.html#\/invite\/[A-Za-z0-9_-]{43}$/);
  expect(await h.mailsTo(outsider)).toHaveLength(1);
  // Only a hash of the token is stored, and the outbox forgets the body once sent.
  const token = invitationTokenIn(mail);
  const row = await invitation(res.json().invited[0].id);
  expect(row.token_hash).not.toContain(token);
  const outbox = await h.store.db.selectFrom('outbox').selectAll().where('recipient', '=', picked).execute();
  expect(outbox).toEqual([expect.objectContaining({ status: 'sent', body: null })]);

  const pending = (await h.as(tenant.admin).get('/api/invitations')).json().items;
  expect(pending.map((i: { email: string }) => i.email).sort()).toEqual([outsider, picked].sort());

  const accepted = await h.as(picked).post('/api/onboarding/accept', { ...TERMS, token });
  expect(accepted.statusCode).toBe(201);
  const me = (await h.as(picked).get('/api/me')).json();
  expect(me.user).toMatchObject({ email: picked, profile: 'Standard user', isSuperAdmin: false });
  expect(me.org.id).toBe(tenant.orgId);
  expect(await invitation(row.id)).toMatchObject({ status: 'accepted', accepted_user_id: me.user.id });
  const terms = await h.store.db
    .selectFrom('terms_acceptances')
    .selectAll()
    .where('user_id', '=', me.user.id)
    .execute();
  expect(terms).toEqual([expect.objectContaining({ version: TERMS.termsVersion, email: picked })]);
  expect(await auditActions(tenant.orgId)).toEqual([
    'org.installed',
    'invitation.created',
    'invitation.created',
    'invitation.accepted',
  ]);

  // Single use: the same link again is refused, whoever opens it.
  const reused = await h.as(tenant.users[1]!).post('/api/onboarding/accept', { ...TERMS, token });
  expect(reused.statusCode).toBe(409);
  expect(reused.json().error.code).toBe('invitation_used');
  expect((await h.as(tenant.admin).get('/api/invitations')).json().items).toHaveLength(1);
});

test('Case 1, accept by opening the add-in: the invitation is found by the verified email in the token', async () => {
  const tenant = await installed();
  const invitee = tenant.users[0]!;
  const sent = await invite(tenant, invitee, { msObjectId: objectId(invitee) });
  const state = (await h.as(invitee).get('/api/onboarding')).json();
  expect(state).toMatchObject({ state: 'invited', invitation: { id: sent.id, org: { id: tenant.orgId } } });

  // Another user of the tenant sees no invitation.
  expect((await h.as(tenant.users[1]!).get('/api/onboarding')).json().state).toBe('request_to_join');
  const stranger = await h.as(tenant.users[1]!).post('/api/onboarding/accept', TERMS);
  expect(stranger.statusCode).toBe(404);

  const res = await h.as(invitee).post('/api/onboarding/accept', TERMS);
  expect(res.statusCode).toBe(201);
  expect(res.json()).toMatchObject({ orgId: tenant.orgId, invitationId: sent.id });
  expect((await h.as(invitee).get('/api/me')).json().user.profile).toBe('Standard user');
  expect((await invitation(sent.id)).status).toBe('accepted');
});

test('Case 1, associate instead: the invitee joins the other account they already have; the invitation stays unaccepted', async () => {
  const tenant = await installed();
  const invitee = tenant.users[0]!;
  const sent = await invite(tenant, invitee);
  const otherEmail = `me-${tenant.id.slice(0, 8)}@other-company.example`;
  const other = await createOrganisation(h.store.db, {
    tenantId: null,
    name: 'Other company',
    edition: 'paid',
    admin: { email: `boss-${tenant.id.slice(0, 8)}@other-company.example`, displayName: 'Boss' },
  });
  const accountId = await addMember(h.store.db, other.orgId, { email: otherEmail, displayName: 'Me' });

  const asked = await h.as(invitee).post('/api/onboarding/associate/code', { email: otherEmail });
  expect(asked.statusCode).toBe(202);
  const [mail] = await h.mailsTo(otherEmail);
  expect(mail?.subject).toMatch(/Your Tandem code/);
  const verified = await h.as(invitee).post('/api/onboarding/associate/verify', { code: codeIn(mail) });
  expect(verified.statusCode).toBe(200);
  expect(verified.json()).toEqual({ orgId: other.orgId, userId: accountId });

  const me = (await h.as(invitee).get('/api/me')).json();
  expect(me.user.id).toBe(accountId);
  expect(me.org.id).toBe(other.orgId);
  expect((await invitation(sent.id)).status).toBe('pending');
  expect(await auditActions(other.orgId)).toEqual(['account.associated']);
  // The used code cannot be replayed.
  const replay = await h.as(invitee).post('/api/onboarding/associate/verify', { code: codeIn(mail) });
  expect(replay.statusCode).toBe(409);
});

test('a free edition is refused invitations, clearly, and nothing is sent', async () => {
  const tenant = await installed();
  await h.store.db.updateTable('orgs').set({ edition: 'free' }).where('id', '=', tenant.orgId).execute();
  const res = await h.as(tenant.admin).post('/api/invitations', { invitees: [{ email: tenant.users[0]! }] });
  expect(res.statusCode).toBe(403);
  expect(res.json().error).toMatchObject({ code: 'paid_edition_required' });
  expect(res.json().error.message).toMatch(/paid edition/);
  const rows = await h.store.db
    .selectFrom('invitations')
    .select('id')
    .where('org_id', '=', tenant.orgId)
    .execute();
  expect(rows).toEqual([]);
  expect(await h.mailsTo(tenant.users[0]!)).toEqual([]);
});

test('inviting needs "manage users"', async () => {
  const tenant = await installed();
  const invitee = tenant.users[0]!;
  await h.as(tenant.admin).post('/api/invitations', { invitees: [{ email: invitee }] });
  await h.as(invitee).post('/api/onboarding/accept', TERMS);
  const res = await h.as(invitee).post('/api/invitations', { invitees: [{ email: tenant.users[1]! }] });
  expect(res.statusCode).toBe(403);
  expect(res.json().error.message).toMatch(/manage_users/);
  expect((await h.as(invitee).get('/api/invitations')).statusCode).toBe(403);
});

test('re-inviting replaces the link: the old one stops working, the new one works', async () => {
  const tenant = await installed();
  const invitee = tenant.users[0]!;
  const first = await invite(tenant, invitee);
  const [oldMail] = await h.mailsTo(invitee);
  const second = await invite(tenant, invitee);
  expect(second).toMatchObject({ id: first.id, replaced: true });
  const mails = await h.mailsTo(invitee);
  expect(mails).toHaveLength(2);
  const old = await h
    .as(invitee)
    .post('/api/onboarding/accept', { ...TERMS, token: invitationTokenIn(oldMail) });
  expect(old.statusCode).toBe(404);
  const fresh = await h
    .as(invitee)
    .post('/api/onboarding/accept', { ...TERMS, token: invitationTokenIn(mails[1]) });
  expect(fresh.statusCode).toBe(201);
  expect(await auditActions(tenant.orgId)).toEqual([
    'org.installed',
    'invitation.created',
    'invitation.replaced',
    'invitation.accepted',
  ]);
});

test('resend mails a new link; revoke withdraws the invitation', async () => {
  const tenant = await installed();
  const invitee = tenant.users[0]!;
  const sent = await invite(tenant, invitee, { msObjectId: objectId(invitee) });
  const resent = await h.as(tenant.admin).post(`/api/invitations/${sent.id}/resend`);
  expect(resent.statusCode).toBe(200);
  const mails = await h.mailsTo(invitee);
  expect(mails).toHaveLength(2);
  expect(invitationTokenIn(mails[0])).not.toBe(invitationTokenIn(mails[1]));

  expect((await h.as(tenant.admin).delete(`/api/invitations/${sent.id}`)).statusCode).toBe(204);
  const res = await h
    .as(invitee)
    .post('/api/onboarding/accept', { ...TERMS, token: invitationTokenIn(mails[1]) });
  expect(res.statusCode).toBe(410);
  expect(res.json().error.code).toBe('invitation_revoked');
  expect((await h.as(invitee).get('/api/onboarding')).json().state).toBe('request_to_join');
  expect((await h.as(tenant.admin).delete(`/api/invitations/${sent.id}`)).statusCode).toBe(409);
  expect((await h.as(tenant.admin).post(`/api/invitations/${sent.id}/resend`)).statusCode).toBe(409);
});

test('members and people with an account elsewhere are skipped, duplicates once', async () => {
  const tenant = await installed();
  const res = await h.as(tenant.admin).post('/api/invitations', {
    invitees: [
      { email: tenant.admin },
      { email: tenant.users[0]! },
      { email: tenant.users[0]!.toUpperCase() },
    ],
  });
  expect(res.json()).toEqual({
    invited: [expect.objectContaining({ email: tenant.users[0]! })],
    skipped: [
      { email: tenant.admin, reason: 'already_member' },
      { email: tenant.users[0]!, reason: 'duplicate' },
    ],
  });
  const bad = await h.as(tenant.admin).post('/api/invitations', { invitees: [{ email: 'not-an-email' }] });
  expect(bad.statusCode).toBe(400);
  expect(bad.json().error.message).toMatch(/email/);
});

describe('invitation tokens that must be refused, changing nothing', () => {
  let tenant: SandboxTenant & { orgId: string };
  let token: string;
  let invitationId: string;
  beforeAll(async () => {
    tenant = await installed(3);
    invitationId = (await invite(tenant, tenant.users[0]!, { msObjectId: objectId(tenant.users[0]!) })).id;
    token = invitationTokenIn((await h.mailsTo(tenant.users[0]!))[0]);
  });
  afterEach(async () => {
    expect(await invitation(invitationId)).toMatchObject({ status: 'pending', accepted_user_id: null });
    const members = await h.store.db
      .selectFrom('users')
      .select('id')
      .where('org_id', '=', tenant.orgId)
      .execute();
    expect(members).toHaveLength(1);
  });

  test('forged: a well-formed token that was never issued → 404', async () => {
    const forged = randomBytes(32).toString('base64url');
    const res = await h.as(tenant.users[0]!).post('/api/onboarding/accept', { ...TERMS, token: forged });
    expect(res.statusCode).toBe(404);
  });

  test('malformed token → 400', async () => {
    const res = await h.as(tenant.users[0]!).post('/api/onboarding/accept', { ...TERMS, token: '../x' });
    expect(res.statusCode).toBe(400);
  });

  test("another person's invitation (other email) → 403", async () => {
    const res = await h.as(tenant.users[1]!).post('/api/onboarding/accept', { ...TERMS, token });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('invitation_other_email');
  });

  test('old terms → 400', async () => {
    const res = await h
      .as(tenant.users[0]!)
      .post('/api/onboarding/accept', { ...TERMS, termsVersion: 'old', token });
    expect(res.statusCode).toBe(400);
  });

  test('expired → 410', async () => {
    await h.store.db
      .updateTable('invitations')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', invitationId)
      .execute();
    const res = await h.as(tenant.users[0]!).post('/api/onboarding/accept', { ...TERMS, token });
    expect(res.statusCode).toBe(410);
    expect(res.json().error.code).toBe('invitation_expired');
    // Expired invitations are not offered when opening the add-in either.
    expect((await h.as(tenant.users[0]!).get('/api/onboarding')).json().state).toBe('request_to_join');
  });
});

test('a link opened twice at the same moment is used once', async () => {
  const tenant = await installed();
  const invitee = tenant.users[0]!;
  await invite(tenant, invitee);
  const token = invitationTokenIn((await h.mailsTo(invitee))[0]);
  const answers = await Promise.all(
    [1, 2, 3].map(() => h.as(invitee).post('/api/onboarding/accept', { ...TERMS, token })),
  );
  expect(answers.map((a) => a.statusCode).sort()).toEqual([201, 409, 409]);
  const members = await h.store.db
    .selectFrom('users')
    .select('id')
    .where('org_id', '=', tenant.orgId)
    .execute();
  expect(members).toHaveLength(2);
});

test('the page a link opens previews the invitation without using it', async () => {
  const tenant = await installed();
  const invitee = tenant.users[0]!;
  await invite(tenant, invitee);
  const token = invitationTokenIn((await h.mailsTo(invitee))[0]);
  const own = await h.as(invitee).post('/api/onboarding/invitation', { token });
  expect(own.statusCode).toBe(200);
  expect(own.json()).toMatchObject({
    org: { id: tenant.orgId },
    email: invitee,
    acceptable: true,
    problem: null,
  });
  const other = (await h.as(tenant.users[1]!).post('/api/onboarding/invitation', { token })).json();
  expect(other).toMatchObject({ email: null, acceptable: false, problem: 'invitation_other_email' });
  expect((await h.as(invitee).post('/api/onboarding/accept', { ...TERMS, token })).statusCode).toBe(201);
  const used = (await h.as(tenant.users[1]!).post('/api/onboarding/invitation', { token })).json();
  expect(used).toMatchObject({ acceptable: false, problem: 'invitation_used' });
  const forged = await h
    .as(invitee)
    .post('/api/onboarding/invitation', { token: randomBytes(32).toString('base64url') });
  expect(forged.statusCode).toBe(404);
});
