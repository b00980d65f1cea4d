import { generateKeyPair } from 'jose';
import { randomUUID } from 'node:crypto';
import { createTestApp, type TestApp } from '../support/app';
import { TEST_ISSUER } from '../support/auth';
import { createTenant, type TestTenant } from '../support/fixtures';

let t: TestApp;
let tenant: TestTenant;
beforeAll(async () => {
  t = await createTestApp();
  tenant = await createTenant(t.store, t.issuer);
});
afterAll(() => t.close());

const get = (authorization?: string) =>
  t.app.inject({ method: 'GET', url: '/api/contacts', headers: authorization ? { authorization } : {} });

test('a member with a valid token is served', async () => {
  expect((await get(`Bearer ${tenant.admin.token}`)).statusCode).toBe(200);
});

test.each([
  ['no token', undefined],
  ['not a bearer scheme', 'Basic abc'],
  ['not a JWT', 'Bearer not-a-jwt'],
])('%s → 401', async (_name, header) => {
  const res = await get(header);
  expect(res.statusCode).toBe(401);
  expect(res.json().error.code).toBe('unauthorized');
});

test('an expired token → 401 saying so', async () => {
  const token = await t.issuer.sign(tenant.admin, { expiresIn: Math.floor(Date.now() / 1000) - 3600 });
  const res = await get(`Bearer ${token}`);
  expect(res.statusCode).toBe(401);
  expect(res.json().error.message).toMatch(/expired/);
});

test('a token signed by another key (forged) → 401', async () => {
  const { privateKey } = await generateKeyPair('RS256');
  const res = await get(`Bearer ${await t.issuer.sign(tenant.admin, { key: privateKey })}`);
  expect(res.statusCode).toBe(401);
});

test('a token for another audience → 401', async () => {
  const res = await get(
    `Bearer ${await t.issuer.sign(tenant.admin, { audience: 'https://graph.microsoft.com' })}`,
  );
  expect(res.statusCode).toBe(401);
});

test("a token whose issuer is not its own tenant's → 401", async () => {
  const other = TEST_ISSUER.replace('{tenantid}', randomUUID());
  const res = await get(`Bearer ${await t.issuer.sign(tenant.admin, { issuer: other })}`);
  expect(res.statusCode).toBe(401);
});

test('a valid identity that is not a member → 403', async () => {
  const stranger = { tenantId: tenant.tenantId, objectId: randomUUID(), email: 'new@example.test' };
  const res = await get(`Bearer ${await t.issuer.sign(stranger)}`);
  expect(res.statusCode).toBe(403);
  expect(res.json().error.message).toMatch(/not a member/);
});

test('a deactivated member → 403', async () => {
  const member = tenant.members[0]!;
  await t.store.db
    .updateTable('users')
    .set({ status: 'deactivated' })
    .where('id', '=', member.userId)
    .execute();
  const res = await get(`Bearer ${member.token}`);
  expect(res.statusCode).toBe(403);
  await t.store.db.updateTable('users').set({ status: 'active' }).where('id', '=', member.userId).execute();
});
