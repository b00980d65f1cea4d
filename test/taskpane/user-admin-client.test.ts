import { userAdmin } from '../../src/taskpane/api-client';
import { FakeApi } from './support/fake-api';

test('each user-admin call goes to its route, with ids kept inside their path segment', async () => {
  const api = new FakeApi()
    .on('GET /api/users', { items: [{ id: 'u1' }] })
    .on('POST /api/join-requests/r%2F1/reject', undefined)
    .on('POST /api/join-requests/r1/approve', undefined)
    .on('PATCH /api/users/u1', undefined)
    .on('DELETE /api/invitations/i1', undefined)
    .on('POST /api/invitations', { invited: [], skipped: [] });
  const users = userAdmin(api);
  expect(await users.members()).toEqual([{ id: 'u1' }]);
  await users.reject('r/1');
  await users.approve('r1', 'p1');
  await users.setProfile('u1', 'p2');
  await users.revokeInvitation('i1');
  await users.invite([{ email: 'a@b.example' }], 'es');
  expect(api.calls).toEqual([
    { method: 'GET', path: '/api/users' },
    { method: 'POST', path: '/api/join-requests/r%2F1/reject', body: {} },
    { method: 'POST', path: '/api/join-requests/r1/approve', body: { profileId: 'p1' } },
    { method: 'PATCH', path: '/api/users/u1', body: { profileId: 'p2' } },
    { method: 'DELETE', path: '/api/invitations/i1' },
    {
      method: 'POST',
      path: '/api/invitations',
      body: { invitees: [{ email: 'a@b.example' }], language: 'es' },
    },
  ]);
});
