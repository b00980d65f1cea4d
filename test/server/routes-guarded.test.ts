import { randomUUID } from 'node:crypto';
import { createTestApp, type TestApp } from '../support/app';
import { as, createTenant, type TestTenant } from '../support/fixtures';

let t: TestApp;
let tenant: TestTenant;
beforeAll(async () => {
  t = await createTestApp();
  tenant = await createTenant(t.store, t.issuer);
});
afterAll(() => t.close());

const concrete = (url: string) => url.replace(/:[a-zA-Z]+/g, randomUUID());

test('every route but the public ones answers 401 without a token', async () => {
  const routes = t.app.routeSummary().filter((r) => r.url.startsWith('/api/'));
  expect(routes.length).toBeGreaterThan(10);
  const publicOnes = routes.filter((r) => r.access === 'public').map((r) => `${r.method} ${r.url}`);
  // Graph posts its notifications without a token; they are checked by subscription and clientState.
  expect(publicOnes).toEqual([
    'GET /api/health',
    'POST /api/notifications/graph',
    'POST /api/notifications/lifecycle',
  ]);
  for (const route of routes.filter((r) => r.access !== 'public')) {
    const res = await t.app.inject({
      method: route.method as 'GET',
      url: concrete(route.url),
      payload: route.method === 'GET' || route.method === 'DELETE' ? undefined : {},
    });
    expect(`${route.method} ${route.url} ${res.statusCode}`).toBe(`${route.method} ${route.url} 401`);
  }
});

test('/api/me describes the caller and their organisation', async () => {
  const me = (await as(t.app, tenant.members[0]!).get('/api/me')).json();
  expect(me.user).toMatchObject({
    email: tenant.members[0]!.email,
    isSuperAdmin: false,
    permissions: [],
    profile: 'Standard user',
  });
  expect(me.org).toMatchObject({ id: tenant.orgId, edition: 'paid' });
  const admin = (await as(t.app, tenant.admin).get('/api/me')).json();
  expect(admin.user).toMatchObject({ isSuperAdmin: true, profile: 'Administrator' });
});

test('a permission-guarded route refuses a member without the permission and serves one with it', async () => {
  const field = { resource: 'contacts', key: 'segment', label: 'Segment', type: 'string' };
  const denied = await as(t.app, tenant.members[0]!).post('/api/custom-fields', field);
  expect(denied.statusCode).toBe(403);
  expect(denied.json().error.message).toMatch(/manage_fields/);
  const created = await as(t.app, tenant.admin).post('/api/custom-fields', field);
  expect(created.statusCode).toBe(201);
  expect((await as(t.app, tenant.admin).post('/api/custom-fields', field)).statusCode).toBe(409);
  const listed = (await as(t.app, tenant.members[0]!).get('/api/custom-fields?resource=contacts')).json();
  expect(listed.items).toEqual([expect.objectContaining({ key: 'segment', type: 'string' })]);
});
