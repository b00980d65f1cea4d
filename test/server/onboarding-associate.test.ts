import { addMember, createOrganisation } from '../../src/server/services/org-service';
import { codeIn, startOnboarding, type OnboardingHarness } from './onboarding-harness';

let h: OnboardingHarness;
beforeAll(async () => {
  h = await startOnboarding();
});
afterAll(() => h.close());

/** A Microsoft 365 user without a CRM account, and an existing CRM account under another email. */
async function scenario() {
  const tenant = h.tenant(1);
  const user = tenant.users[0]!;
  const accountEmail = `old-${tenant.id.slice(0, 8)}@legacy.example`;
  const org = await createOrganisation(h.store.db, {
    tenantId: null,
    name: 'Legacy',
    edition: 'paid',
    admin: { email: `owner-${tenant.id.slice(0, 8)}@legacy.example`, displayName: 'Owner' },
  });
  const accountId = await addMember(h.store.db, org.orgId, { email: accountEmail, displayName: 'Old me' });
  return { tenant, user, accountEmail, accountId, orgId: org.orgId };
}

const linkedTo = async (accountId: string) =>
  (
    await h.store.db
      .selectFrom('users')
      .select('ms_object_id')
      .where('id', '=', accountId)
      .executeTakeFirstOrThrow()
  ).ms_object_id;

const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

test('the code proves the other email: the identity is linked to that account', async () => {
  const s = await scenario();
  const res = await h
    .as(s.user)
    .post('/api/onboarding/associate/code', { email: s.accountEmail, language: 'es' });
  expect(res.statusCode).toBe(202);
  expect(res.json()).toMatchObject({ email: s.accountEmail, expiresAt: expect.any(String) });
  const [mail] = await h.mailsTo(s.accountEmail);
  expect(mail?.subject).toMatch(/Tu código de Tandem/);
  const stored = await h.store.db
    .selectFrom('association_codes')
    .selectAll()
    .where('email', '=', s.accountEmail)
    .execute();
  expect(stored[0]!.code_hash).not.toContain(codeIn(mail));
  expect(
    (await h.as(s.user).post('/api/onboarding/associate/verify', { code: codeIn(mail) })).statusCode,
  ).toBe(200);
  expect(await linkedTo(s.accountId)).toBe(h.sandbox.requireUser(s.user).id);
});

test('guessing is limited: wrong codes count down, then even the right code is refused', async () => {
  const s = await scenario();
  await h.as(s.user).post('/api/onboarding/associate/code', { email: s.accountEmail });
  const code = codeIn((await h.mailsTo(s.accountEmail))[0]);
  for (let left = 4; left >= 0; left--) {
    const res = await h.as(s.user).post('/api/onboarding/associate/verify', { code: wrong(code) });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('code_invalid');
    if (left > 0) expect(res.json().error.message).toContain(`${left} attempt`);
  }
  const locked = await h.as(s.user).post('/api/onboarding/associate/verify', { code });
  expect(locked.statusCode).toBe(429);
  expect(await linkedTo(s.accountId)).toBeNull();
});

test('an expired code is refused', async () => {
  const s = await scenario();
  await h.as(s.user).post('/api/onboarding/associate/code', { email: s.accountEmail });
  const code = codeIn((await h.mailsTo(s.accountEmail))[0]);
  await h.store.db
    .updateTable('association_codes')
    .set({ expires_at: new Date(Date.now() - 1000) })
    .where('email', '=', s.accountEmail)
    .execute();
  const res = await h.as(s.user).post('/api/onboarding/associate/verify', { code });
  expect(res.statusCode).toBe(410);
  expect(res.json().error.code).toBe('code_expired');
  expect(await linkedTo(s.accountId)).toBeNull();
});

test('a new code replaces the previous one', async () => {
  const s = await scenario();
  await h.as(s.user).post('/api/onboarding/associate/code', { email: s.accountEmail });
  await h.as(s.user).post('/api/onboarding/associate/code', { email: s.accountEmail });
  const [first, second] = await h.mailsTo(s.accountEmail);
  if (codeIn(first) !== codeIn(second)) {
    const old = await h.as(s.user).post('/api/onboarding/associate/verify', { code: codeIn(first) });
    expect(old.statusCode).toBe(400);
  }
  expect(
    (await h.as(s.user).post('/api/onboarding/associate/verify', { code: codeIn(second) })).statusCode,
  ).toBe(200);
});

test('asking for codes is rate limited', async () => {
  const s = await scenario();
  for (let i = 0; i < 5; i++) {
    expect(
      (await h.as(s.user).post('/api/onboarding/associate/code', { email: s.accountEmail })).statusCode,
    ).toBe(202);
  }
  const flooded = await h.as(s.user).post('/api/onboarding/associate/code', { email: s.accountEmail });
  expect(flooded.statusCode).toBe(429);
  expect(Number(flooded.headers['retry-after'])).toBeGreaterThan(3000);
  expect(await h.mailsTo(s.accountEmail)).toHaveLength(5);
});

test('the answer does not reveal whether an address has an account, and no code works for one that has none', async () => {
  const s = await scenario();
  const nobody = `nobody-${s.tenant.id.slice(0, 8)}@legacy.example`;
  const res = await h.as(s.user).post('/api/onboarding/associate/code', { email: nobody });
  expect(res.statusCode).toBe(202);
  expect(Object.keys(res.json()).sort()).toEqual(['email', 'expiresAt']);
  expect(await h.mailsTo(nobody)).toEqual([]);
  const guess = await h.as(s.user).post('/api/onboarding/associate/verify', { code: '123456' });
  expect(guess.statusCode).toBe(400);
  expect(guess.json().error.code).toBe('code_invalid');
});

test('bad input is refused clearly', async () => {
  const s = await scenario();
  const post = (url: string, body: unknown) => h.as(s.user).post(url, body);
  expect((await post('/api/onboarding/associate/verify', { code: '123456' })).json().error.code).toBe(
    'no_code',
  );
  expect((await post('/api/onboarding/associate/verify', { code: '12ab' })).statusCode).toBe(400);
  expect((await post('/api/onboarding/associate/code', { email: 'nope' })).statusCode).toBe(400);
  const own = await post('/api/onboarding/associate/code', { email: s.user });
  expect(own.statusCode).toBe(400);
  expect(own.json().error.message).toMatch(/your own email/);
});

test('a member cannot associate another account', async () => {
  const tenant = h.tenant(0);
  await h.as(tenant.admin).post('/api/onboarding/install', { acceptTerms: true, termsVersion: '2026-01' });
  const res = await h.as(tenant.admin).post('/api/onboarding/associate/code', { email: 'x@legacy.example' });
  expect(res.statusCode).toBe(409);
});

test('parallel guesses cannot exceed the attempt limit', async () => {
  const s = await scenario();
  await h.as(s.user).post('/api/onboarding/associate/code', { email: s.accountEmail });
  const code = codeIn((await h.mailsTo(s.accountEmail))[0]);
  const answers = await Promise.all(
    Array.from({ length: 12 }, () =>
      h.as(s.user).post('/api/onboarding/associate/verify', { code: wrong(code) }),
    ),
  );
  const statuses = answers.map((a) => a.statusCode);
  expect(statuses.filter((c) => c === 400)).toHaveLength(5);
  expect(statuses.filter((c) => c === 429)).toHaveLength(7);
  const [row] = await h.store.db
    .selectFrom('association_codes')
    .selectAll()
    .where('email', '=', s.accountEmail)
    .execute();
  expect(row!.attempts).toBe(5);
});

test('parallel code requests cannot exceed the hourly limit', async () => {
  const s = await scenario();
  const answers = await Promise.all(
    Array.from({ length: 8 }, () =>
      h.as(s.user).post('/api/onboarding/associate/code', { email: s.accountEmail }),
    ),
  );
  expect(answers.map((a) => a.statusCode).sort()).toEqual([202, 202, 202, 202, 202, 429, 429, 429]);
  expect(await h.mailsTo(s.accountEmail)).toHaveLength(5);
});
