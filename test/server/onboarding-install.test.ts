import { addMember, createOrganisation } from '../../src/server/services/org-service';
import { startOnboarding, TERMS, type OnboardingHarness } from './onboarding-harness';

let h: OnboardingHarness;
beforeAll(async () => {
  h = await startOnboarding();
});
afterAll(() => h.close());

const orgOfTenant = (tenantId: string) =>
  h.store.db.selectFrom('orgs').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();

test('the tenant administrator installs: accepts the terms, the organisation is created and they are its super admin', async () => {
  const tenant = h.tenant();
  const admin = h.as(tenant.admin);
  expect((await admin.get('/api/onboarding')).json()).toMatchObject({
    state: 'install',
    termsVersion: TERMS.termsVersion,
  });
  expect((await admin.get('/api/me')).statusCode).toBe(403);

  const before = Date.now();
  const res = await admin.post('/api/onboarding/install', { ...TERMS, orgName: 'Contoso Sales' });
  expect(res.statusCode).toBe(201);
  expect(res.json()).toMatchObject({ created: true });

  const me = (await admin.get('/api/me')).json();
  expect(me.user).toMatchObject({ email: tenant.admin, isSuperAdmin: true, profile: 'Administrator' });
  expect(me.org).toMatchObject({ name: 'Contoso Sales', edition: 'paid' });
  expect((await admin.get('/api/onboarding')).json()).toMatchObject({ state: 'member' });

  const terms = await h.store.db
    .selectFrom('terms_acceptances')
    .selectAll()
    .where('user_id', '=', me.user.id)
    .execute();
  expect(terms).toEqual([
    expect.objectContaining({ version: TERMS.termsVersion, email: tenant.admin, ms_tenant_id: tenant.id }),
  ]);
  expect(terms[0]!.accepted_at.getTime()).toBeGreaterThanOrEqual(before - 1000);

  const audit = await h.store.db
    .selectFrom('audit_log')
    .selectAll()
    .where('org_id', '=', me.org.id)
    .execute();
  expect(audit.map((a) => a.action)).toEqual(['org.installed']);
  expect(audit[0]).toMatchObject({ actor_email: tenant.admin, target_id: me.org.id });

  // Installing again: the admin is a member already.
  const again = await admin.post('/api/onboarding/install', TERMS);
  expect(again.statusCode).toBe(409);
  expect(again.json().error.code).toBe('already_member');
});

test('the first user of a tenant who is not an administrator is refused: an administrator must install first', async () => {
  const tenant = h.tenant();
  const user = h.as(tenant.users[0]!);
  expect((await user.get('/api/onboarding')).json()).toMatchObject({ state: 'admin_required' });
  const res = await user.post('/api/onboarding/install', TERMS);
  expect(res.statusCode).toBe(403);
  expect(res.json().error).toMatchObject({ code: 'admin_required' });
  expect(res.json().error.message).toMatch(/administrator/);
  expect(await orgOfTenant(tenant.id)).toBeUndefined();
  // Nor can they ask to join an organisation that does not exist.
  const join = await user.post('/api/onboarding/join-request', TERMS);
  expect(join.statusCode).toBe(404);
  expect(join.json().error.code).toBe('not_installed');
});

test('install needs the terms accepted, in their current version', async () => {
  const tenant = h.tenant();
  const admin = h.as(tenant.admin);
  expect((await admin.post('/api/onboarding/install', {})).statusCode).toBe(400);
  const declined = await admin.post('/api/onboarding/install', { ...TERMS, acceptTerms: false });
  expect(declined.statusCode).toBe(400);
  expect(declined.json().error.message).toMatch(/acceptTerms/);
  const old = await admin.post('/api/onboarding/install', { ...TERMS, termsVersion: '2019-01' });
  expect(old.statusCode).toBe(400);
  expect(old.json().error.code).toBe('terms_outdated');
  expect(await orgOfTenant(tenant.id)).toBeUndefined();
});

test('a tenant is installed once: a second administrator is told, and other users are offered to request to join', async () => {
  const tenant = h.tenant();
  const second = h.sandbox.addUser({
    tenant: tenant.id,
    userPrincipalName: 'second.admin',
    globalAdmin: true,
  });
  expect((await h.as(tenant.admin).post('/api/onboarding/install', TERMS)).statusCode).toBe(201);
  const res = await h.as(second.userPrincipalName).post('/api/onboarding/install', TERMS);
  expect(res.statusCode).toBe(409);
  expect(res.json().error.code).toBe('already_installed');
  expect((await h.as(tenant.users[0]!).get('/api/onboarding')).json()).toMatchObject({
    state: 'request_to_join',
    request: null,
  });
});

test('a user whose email already has a CRM account of their own tenant goes straight into it', async () => {
  const tenant = h.tenant();
  const email = tenant.users[0]!;
  // A CRM account registered on that email before its users signed in with Microsoft 365.
  const existing = await createOrganisation(h.store.db, {
    tenantId: tenant.id,
    name: 'Existing CRM',
    edition: 'paid',
    admin: { email: `owner-${tenant.id}@elsewhere.example`, displayName: 'Owner' },
  });
  const accountId = await addMember(h.store.db, existing.orgId, { email, displayName: 'Already here' });

  const user = h.as(email);
  expect((await user.get('/api/onboarding')).json()).toMatchObject({ state: 'existing_account' });
  const entered = await user.post('/api/onboarding/enter');
  expect(entered.statusCode).toBe(200);
  expect(entered.json()).toEqual({ orgId: existing.orgId, userId: accountId });
  const me = (await user.get('/api/me')).json();
  expect(me.user.id).toBe(accountId);
  expect(me.org.id).toBe(existing.orgId);

  // The administrator too: installing with an existing same-email account enters it, creating nothing.
  const adminAccount = await addMember(h.store.db, existing.orgId, {
    email: tenant.admin,
    displayName: 'Ana',
  });
  const install = await h.as(tenant.admin).post('/api/onboarding/install', TERMS);
  expect(install.statusCode).toBe(200);
  expect(install.json()).toEqual({ created: false, orgId: existing.orgId, userId: adminAccount });
  expect((await orgOfTenant(tenant.id))?.id).toBe(existing.orgId);
});

test('a same-email account already tied to another Microsoft 365 identity is not taken over', async () => {
  const other = h.tenant();
  await h.as(other.admin).post('/api/onboarding/install', TERMS);
  // Another user of the organisation's tenant carrying the same email address.
  const lookalike = h.sandbox.addUser({
    tenant: other.id,
    userPrincipalName: `copy-${other.id.slice(0, 6)}`,
  });
  await h.store.db
    .updateTable('users')
    .set({ email: lookalike.userPrincipalName })
    .where('email', '=', other.admin)
    .execute();
  const res = await h.as(lookalike.userPrincipalName).post('/api/onboarding/enter');
  expect(res.statusCode).toBe(409);
  expect((await h.as(other.admin).get('/api/me')).json().user.email).toBe(lookalike.userPrincipalName);
});

test('a deactivated member is told so', async () => {
  const tenant = h.tenant();
  await h.as(tenant.admin).post('/api/onboarding/install', TERMS);
  await h.store.db
    .updateTable('users')
    .set({ status: 'deactivated' })
    .where('email', '=', tenant.admin)
    .execute();
  expect((await h.as(tenant.admin).get('/api/onboarding')).json()).toMatchObject({ state: 'deactivated' });
  expect((await h.as(tenant.admin).post('/api/onboarding/install', TERMS)).statusCode).toBe(403);
});
