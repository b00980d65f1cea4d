import { addMember, createOrganisation } from '../../src/server/services/org-service';
import {
  codeIn,
  invitationTokenIn,
  startOnboarding,
  TERMS,
  type OnboardingHarness,
  type SandboxTenant,
} from './onboarding-harness';

/**
 * Identity is the token's tenant id and object id; an email claim is a hint. Two tenants: A has
 * installed Tandem, B is anyone else, whose administrators can write any address on their users.
 */

let h: OnboardingHarness;
beforeAll(async () => {
  h = await startOnboarding();
});
afterAll(() => h.close());

async function installed(userCount = 2): Promise<SandboxTenant & { orgId: string }> {
  const tenant = h.tenant(userCount);
  const res = await h.as(tenant.admin).post('/api/onboarding/install', TERMS);
  expect(res.statusCode).toBe(201);
  return { ...tenant, orgId: res.json().orgId };
}

const objectId = (upn: string) => h.sandbox.requireUser(upn).id;
const userRow = (email: string) =>
  h.store.db
    .selectFrom('users')
    .select(['id', 'org_id', 'ms_tenant_id', 'ms_object_id'])
    .where('email', '=', email)
    .executeTakeFirst();

async function invite(tenant: SandboxTenant, email: string, extra: Record<string, unknown> = {}) {
  const res = await h.as(tenant.admin).post('/api/invitations', { invitees: [{ email, ...extra }] });
  expect(res.statusCode).toBe(201);
  return res.json().invited[0] as { id: string };
}

describe('a user of tenant B carrying a tenant-A address', () => {
  test('does not accept tenant A pending invitation by opening the add-in, verified claim or not', async () => {
    const a = await installed();
    const b = h.tenant(1);
    const victim = a.users[0]!;
    await invite(a, victim);
    for (const emailVerified of [false, true]) {
      const attacker = h.asWith(b.users[0]!, { email: victim, emailVerified });
      const state = (await attacker.get('/api/onboarding')).json();
      expect(state.state).not.toBe('invited');
      expect(JSON.stringify(state)).not.toContain(a.orgId);
      const res = await attacker.post('/api/onboarding/accept', TERMS);
      expect(res.statusCode).toBe(404);
    }
    // The invitee, signing in from tenant A with a verified address, still accepts by opening the add-in.
    expect((await h.as(victim).get('/api/onboarding')).json().state).toBe('invited');
    expect((await h.as(victim).post('/api/onboarding/accept', TERMS)).statusCode).toBe(201);
    expect(await userRow(victim)).toMatchObject({ ms_tenant_id: a.id, ms_object_id: objectId(victim) });
  });

  test('does not enter a tenant-A account that has no Microsoft 365 identity yet', async () => {
    const a = await installed();
    const b = h.tenant(1);
    const migrated = `migrated-${a.id.slice(0, 8)}@${a.domain}`;
    h.sandbox.addUser({ tenant: a.id, userPrincipalName: migrated });
    await addMember(h.store.db, a.orgId, { email: migrated, displayName: 'Migrated' });

    for (const emailVerified of [false, true]) {
      const attacker = h.asWith(b.users[0]!, { email: migrated, emailVerified });
      expect((await attacker.get('/api/onboarding')).json().state).not.toBe('existing_account');
      const entered = await attacker.post('/api/onboarding/enter');
      expect(entered.statusCode).toBe(404);
      // The answer is the one an address without any account gets.
      const nobody = h.asWith(b.users[0]!, {
        email: `nobody-${b.id.slice(0, 8)}@${a.domain}`,
        emailVerified,
      });
      const none = await nobody.post('/api/onboarding/enter');
      expect(entered.json()).toEqual(none.json());
    }
    // Tenant B's administrator cannot take it by installing either.
    const install = await h.asWith(b.admin, { email: migrated }).post('/api/onboarding/install', TERMS);
    expect(install.statusCode).toBe(409);
    expect(await userRow(migrated)).toMatchObject({ ms_object_id: null });

    // The real person, from tenant A with a verified address, enters it.
    const real = h.as(migrated);
    expect((await real.get('/api/onboarding')).json().state).toBe('existing_account');
    expect((await real.post('/api/onboarding/enter')).statusCode).toBe(200);
    expect(await userRow(migrated)).toMatchObject({ ms_tenant_id: a.id, ms_object_id: objectId(migrated) });
  });

  test('can ask for a code to that address, which goes to its owner and so does not help', async () => {
    const a = await installed();
    const b = h.tenant(1);
    const migrated = `m2-${a.id.slice(0, 8)}@${a.domain}`;
    await addMember(h.store.db, a.orgId, { email: migrated, displayName: 'Migrated' });
    const attacker = h.asWith(b.users[0]!, { email: migrated, emailVerified: false });
    expect((await attacker.post('/api/onboarding/associate/code', { email: migrated })).statusCode).toBe(202);
    expect(await h.mailsTo(b.users[0]!)).toEqual([]);
    expect(await h.mailsTo(migrated)).toHaveLength(1);
    const guess = await attacker.post('/api/onboarding/associate/verify', { code: '000000' });
    expect([400, 429]).toContain(guess.statusCode);
    expect(await userRow(migrated)).toMatchObject({ ms_object_id: null });
  });
});

test('in the organisation own tenant, an unverified email claim needs a code too', async () => {
  const a = await installed(2);
  const colleague = a.users[0]!;
  const migrated = `m3-${a.id.slice(0, 8)}@${a.domain}`;
  const accountId = await addMember(h.store.db, a.orgId, { email: migrated, displayName: 'Migrated' });
  // Tenant A's own directory puts that address on another user, without Entra verifying it.
  const claimed = h.asWith(colleague, { email: migrated, emailVerified: false });
  expect((await claimed.get('/api/onboarding')).json().state).not.toBe('existing_account');
  expect((await claimed.post('/api/onboarding/enter')).statusCode).toBe(404);

  // Proving the address by a code mailed to it is what opens the account.
  expect((await claimed.post('/api/onboarding/associate/code', { email: migrated })).statusCode).toBe(202);
  const [mail] = await h.mailsTo(migrated);
  const verified = await claimed.post('/api/onboarding/associate/verify', { code: codeIn(mail) });
  expect(verified.statusCode).toBe(200);
  expect(verified.json()).toEqual({ orgId: a.orgId, userId: accountId });
});

test('an account of an organisation without a tenant is entered with a code to its address, never by the claim', async () => {
  const tenant = h.tenant(1);
  const email = tenant.users[0]!;
  const legacy = await createOrganisation(h.store.db, {
    tenantId: null,
    name: 'Legacy CRM',
    edition: 'paid',
    admin: { email: `owner-${tenant.id.slice(0, 8)}@legacy.example`, displayName: 'Owner' },
  });
  const accountId = await addMember(h.store.db, legacy.orgId, { email, displayName: 'Me' });
  const user = h.as(email);
  expect((await user.get('/api/onboarding')).json().state).not.toBe('existing_account');
  expect((await user.post('/api/onboarding/enter')).statusCode).toBe(404);
  expect((await user.post('/api/onboarding/associate/code', { email })).statusCode).toBe(202);
  const [mail] = await h.mailsTo(email);
  const verified = await user.post('/api/onboarding/associate/verify', { code: codeIn(mail) });
  expect(verified.json()).toEqual({ orgId: legacy.orgId, userId: accountId });
  expect((await user.get('/api/me')).json().user.id).toBe(accountId);
});

describe('an invitation link opened from another tenant', () => {
  test('a guest proves the address by a code first, then accepts', async () => {
    const a = await installed();
    const b = h.tenant(1);
    const guest = b.users[0]!;
    const sent = await invite(a, guest);
    const token = invitationTokenIn((await h.mailsTo(guest))[0]);
    const as = h.as(guest);

    const preview = (await as.post('/api/onboarding/invitation', { token })).json();
    expect(preview).toMatchObject({ acceptable: true, proof: 'code', email: guest });
    // Opening the add-in does not accept it: the token alone cannot vouch across tenants.
    expect((await as.get('/api/onboarding')).json().state).not.toBe('invited');
    expect((await as.post('/api/onboarding/accept', TERMS)).statusCode).toBe(404);

    const bare = await as.post('/api/onboarding/accept', { ...TERMS, token });
    expect(bare.statusCode).toBe(403);
    expect(bare.json().error.code).toBe('email_unconfirmed');
    const noCode = await as.post('/api/onboarding/accept', { ...TERMS, token, code: '123456' });
    expect(noCode.json().error.code).toBe('no_code');

    expect((await as.post('/api/onboarding/invitation/code', { token, language: 'es' })).statusCode).toBe(
      202,
    );
    const mail = (await h.mailsTo(guest)).at(-1);
    expect(mail?.subject).toMatch(/Tu código de Tandem/);
    const code = codeIn(mail);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    const guessed = await as.post('/api/onboarding/accept', { ...TERMS, token, code: wrong });
    expect(guessed.statusCode).toBe(400);
    expect(guessed.json().error.code).toBe('code_invalid');

    const accepted = await as.post('/api/onboarding/accept', { ...TERMS, token, code });
    expect(accepted.statusCode).toBe(201);
    expect(accepted.json()).toMatchObject({ orgId: a.orgId, invitationId: sent.id });
    expect(await userRow(guest)).toMatchObject({ org_id: a.orgId, ms_tenant_id: b.id });
  });

  test('a forwarded link is useless to a tenant-B user faking the invitee address', async () => {
    const a = await installed();
    const b = h.tenant(1);
    const invitee = a.users[0]!;
    await invite(a, invitee);
    const token = invitationTokenIn((await h.mailsTo(invitee))[0]);
    const attacker = h.asWith(b.users[0]!, { email: invitee, emailVerified: true });
    const res = await attacker.post('/api/onboarding/accept', { ...TERMS, token });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('email_unconfirmed');
    // The code goes to the invitee's own mailbox, never to the caller.
    expect((await attacker.post('/api/onboarding/invitation/code', { token })).statusCode).toBe(202);
    expect(await h.mailsTo(b.users[0]!)).toEqual([]);
    expect((await h.mailsTo(invitee)).at(-1)?.subject).toMatch(/Your Tandem code/);
    expect(await userRow(invitee)).toBeUndefined();
    // The invitee accepts the same link from tenant A without any code.
    expect((await h.as(invitee).post('/api/onboarding/accept', { ...TERMS, token })).statusCode).toBe(201);
  });
});

test('the sandbox issues xms_edov: true for the user own address, false for an address the tenant wrote', () => {
  const tenant = h.tenant(1);
  const decode = (token: string) =>
    JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
  expect(decode(h.sandbox.issueToken(tenant.users[0]!, 'crm'))).toMatchObject({
    email: tenant.users[0]!,
    xms_edov: true,
  });
  expect(
    decode(h.sandbox.issueToken(tenant.users[0]!, 'crm', { email: 'someone@elsewhere.example' })),
  ).toMatchObject({ email: 'someone@elsewhere.example', xms_edov: false });
});
