import { addMember, createOrganisation } from '../../src/server/services/org-service';
import {
  codeIn,
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

async function installed(userCount = 2): Promise<SandboxTenant & { orgId: string }> {
  const tenant = h.tenant(userCount);
  const res = await h.as(tenant.admin).post('/api/onboarding/install', TERMS);
  expect(res.statusCode).toBe(201);
  return { ...tenant, orgId: res.json().orgId };
}

test('the mail to administrators quotes the requester’s message', async () => {
  const tenant = await installed();
  const requester = tenant.users[0]!;
  const res = await h
    .as(requester)
    .post('/api/onboarding/join-request', { ...TERMS, message: 'I sell in Madrid. Carmen sent me.' });
  expect(res.statusCode).toBe(201);
  const [mail] = (await h.mailsTo(tenant.admin)).filter((m) => m.subject.includes('asks to join'));
  expect(mail?.body.content).toContain('Their message:\n> I sell in Madrid. Carmen sent me.');
});

test('a request without a message says nothing of one', async () => {
  const tenant = await installed();
  await h.as(tenant.users[0]!).post('/api/onboarding/join-request', TERMS);
  const [mail] = (await h.mailsTo(tenant.admin)).filter((m) => m.subject.includes('asks to join'));
  expect(mail?.body.content).not.toContain('message');
});

test('a rejected requester is told when the request was declined, and may ask again', async () => {
  const tenant = await installed();
  const requester = tenant.users[0]!;
  const { id } = (await h.as(requester).post('/api/onboarding/join-request', TERMS)).json();
  expect((await h.as(requester).get('/api/onboarding')).json().declined).toBeNull();
  expect((await h.as(tenant.admin).post(`/api/join-requests/${id}/reject`)).statusCode).toBe(204);
  const state = (await h.as(requester).get('/api/onboarding')).json();
  expect(state).toMatchObject({
    state: 'request_to_join',
    request: null,
    declined: { id, createdAt: expect.any(String), decidedAt: expect.any(String) },
  });
  const again = (await h.as(requester).post('/api/onboarding/join-request', TERMS)).json();
  expect((await h.as(requester).get('/api/onboarding')).json()).toMatchObject({
    request: { id: again.id },
    declined: null,
  });
});

test('re-inviting without a name keeps the name on file', async () => {
  const tenant = await installed();
  const email = `guest-${tenant.id.slice(0, 8)}@example.org`;
  const invite = (invitee: Record<string, unknown>) =>
    h.as(tenant.admin).post('/api/invitations', { invitees: [invitee] });
  expect((await invite({ email, displayName: 'Gloria Guest' })).statusCode).toBe(201);
  const again = await invite({ email });
  expect(again.json().invited).toEqual([expect.objectContaining({ email, replaced: true })]);
  const listed = (await h.as(tenant.admin).get('/api/invitations')).json().items;
  expect(listed).toEqual([expect.objectContaining({ email, displayName: 'Gloria Guest' })]);
  // A new name given on re-invite still wins.
  await invite({ email, displayName: 'Gloria G.' });
  const renamed = (await h.as(tenant.admin).get('/api/invitations')).json().items;
  expect(renamed).toEqual([expect.objectContaining({ email, displayName: 'Gloria G.' })]);
});

test('a wrong association code answers how many tries are left', async () => {
  const tenant = h.tenant(1);
  const user = tenant.users[0]!;
  const accountEmail = `old-${tenant.id.slice(0, 8)}@legacy.example`;
  const org = await createOrganisation(h.store.db, {
    tenantId: null,
    name: 'Legacy',
    edition: 'paid',
    admin: { email: `owner-${tenant.id.slice(0, 8)}@legacy.example`, displayName: 'Owner' },
  });
  await addMember(h.store.db, org.orgId, { email: accountEmail, displayName: 'Old me' });
  await h.as(user).post('/api/onboarding/associate/code', { email: accountEmail });
  const code = codeIn((await h.mailsTo(accountEmail))[0]);
  const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
  const first = await h.as(user).post('/api/onboarding/associate/verify', { code: wrong });
  expect(first.json().error).toMatchObject({ code: 'code_invalid', attemptsLeft: 4 });
  const second = await h.as(user).post('/api/onboarding/associate/verify', { code: wrong });
  expect(second.json().error).toMatchObject({ code: 'code_invalid', attemptsLeft: 3 });
});
