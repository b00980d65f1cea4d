import { buildApp } from '../../src/server/app';

test('health answers ok with the store kind', async () => {
  const app = await buildApp({ storeKind: 'pglite' });
  const res = await app.inject({ method: 'GET', url: '/api/health' });
  expect(res.statusCode).toBe(200);
  expect(res.json()).toEqual({ status: 'ok', store: 'pglite' });
  await app.close();
});
