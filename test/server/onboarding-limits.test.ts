import { createLocalJWKSet, type JSONWebKeySet } from 'jose';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/server/app';
import { addMember, createOrganisation } from '../../src/server/services/org-service';
import { as } from '../support/fixtures';
import { AUDIENCE, ORIGIN, startOnboarding, TERMS, type OnboardingHarness } from './onboarding-harness';

/** Limits per address and per organisation, not only per identity, agreed on by every replica. */

const settings = {
  codesPerAddressPerHour: 3,
  requestsPerHour: 4,
  joinRequestsPerOrgPerDay: 4,
  joinRequestMailsPerOrgPerHour: 2,
};

let h: OnboardingHarness;
let replica: FastifyInstance;
beforeAll(async () => {
  h = await startOnboarding({ settings });
  // A second server over the same store, as a second replica would be.
  replica = await buildApp({
    store: h.store,
    auth: {
      issuer: `${ORIGIN}/sandbox/{tenantid}/v2.0`,
      audience: AUDIENCE,
      keys: createLocalJWKSet(h.sandbox.jwks() as unknown as JSONWebKeySet),
    },
    onboarding: { publicUrl: ORIGIN, ...settings },
  });
});
afterAll(async () => {
  await replica.close();
  await h.close();
});

const onReplica = (upn: string) => as(replica, { token: h.sandbox.issueToken(upn, 'crm') });

async function legacyAccount(tag: string) {
  const email = `target-${tag}@legacy.example`;
  const org = await createOrganisation(h.store.db, {
    tenantId: null,
    name: 'Legacy',
    edition: 'paid',
    admin: { email: `owner-${tag}@legacy.example`, displayName: 'Owner' },
  });
  await addMember(h.store.db, org.orgId, { email, displayName: 'Target' });
  return email;
}

test('many identities asking codes for one address: the address gets a few, then 429 for everyone', async () => {
  const tenant = h.tenant(8);
  const target = await legacyAccount(tenant.id.slice(0, 8));
  const answers = [];
  for (const user of tenant.users) {
    answers.push((await h.as(user).post('/api/onboarding/associate/code', { email: target })).statusCode);
  }
  expect(answers).toEqual([202, 202, 202, 429, 429, 429, 429, 429]);
  expect(await h.mailsTo(target)).toHaveLength(3);
  // Another address is not held back by it.
  const other = await legacyAccount(`${tenant.id.slice(0, 8)}-b`);
  expect(
    (await h.as(tenant.users[7]!).post('/api/onboarding/associate/code', { email: other })).statusCode,
  ).toBe(202);
});

test('the per-address limit also holds for addresses without an account, and for parallel askers', async () => {
  const tenant = h.tenant(6);
  const nobody = `nobody-${tenant.id.slice(0, 8)}@legacy.example`;
  const answers = await Promise.all(
    tenant.users.map((user) => h.as(user).post('/api/onboarding/associate/code', { email: nobody })),
  );
  expect(answers.map((a) => a.statusCode).sort()).toEqual([202, 202, 202, 429, 429, 429]);
  const stored = await h.store.db
    .selectFrom('association_codes')
    .select('id')
    .where('email', '=', nobody)
    .execute();
  expect(stored).toHaveLength(3);
});

test('route limits are per identity and shared by replicas through the store (@fastify/rate-limit)', async () => {
  const tenant = h.tenant(2);
  const user = tenant.users[0]!;
  const guesses = [
    await h.as(user).post('/api/onboarding/associate/verify', { code: '000001' }),
    await onReplica(user).post('/api/onboarding/associate/verify', { code: '000002' }),
    await h.as(user).post('/api/onboarding/associate/verify', { code: '000003' }),
    await onReplica(user).post('/api/onboarding/associate/verify', { code: '000004' }),
  ];
  expect(guesses.map((g) => g.statusCode)).toEqual([400, 400, 400, 400]);
  for (const app of [h.as(user), onReplica(user)]) {
    const refused = await app.post('/api/onboarding/associate/verify', { code: '000005' });
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.code).toBe('too_many_requests');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(3000);
  }
  // Another identity, and another route, have their own count.
  expect(
    (await h.as(tenant.users[1]!).post('/api/onboarding/associate/verify', { code: '000006' })).statusCode,
  ).toBe(400);
  expect((await h.as(user).post('/api/onboarding/invitation', { token: 'x'.repeat(43) })).statusCode).toBe(
    404,
  );
  const counters = await h.store.db.selectFrom('rate_limits').selectAll().execute();
  expect(
    counters.find((c) => c.key.includes('/api/onboarding/associate/verify') && c.hits === 6),
  ).toBeDefined();
});

test('join requests are limited per organisation: requests refused past the day limit, mails capped per hour', async () => {
  const tenant = h.tenant(6);
  const install = await h.as(tenant.admin).post('/api/onboarding/install', TERMS);
  expect(install.statusCode).toBe(201);
  const answers = [];
  for (const user of tenant.users) {
    answers.push((await h.as(user).post('/api/onboarding/join-request', TERMS)).statusCode);
  }
  expect(answers).toEqual([201, 201, 201, 201, 429, 429]);
  // The approver is mailed twice an hour at most; every filed request waits on the Users page.
  expect(await h.mailsTo(tenant.admin)).toHaveLength(2);
  expect((await h.as(tenant.admin).get('/api/join-requests')).json().items).toHaveLength(4);
});
