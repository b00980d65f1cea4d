import { parseRoute, routeHash } from '../../src/taskpane/router';

const token = 'AbC_-0123456789abcdefghijklmnopqrstuvwxyz12';
const id = '0194f3a2-7c1d-7f5a-9b6e-2d8f4a1c3e70';

test.each([
  ['', { name: 'home' }],
  ['#/', { name: 'home' }],
  [`#/invite/${token}`, { name: 'invite', token }],
  ['#/invite/short', { name: 'home' }],
  ['#/invite/bad token with spaces but long enough', { name: 'home' }],
  ['#/users', { name: 'users', approve: undefined }],
  [`#/users?approve=${id}`, { name: 'users', approve: id }],
  ['#/users?approve=<script>', { name: 'users', approve: undefined }],
  ['#/elsewhere', { name: 'home' }],
])('%s', (hash, route) => {
  expect(parseRoute(hash)).toEqual(route);
});

test('routes turn back into the links the mails carry', () => {
  expect(routeHash({ name: 'invite', token })).toBe(`#/invite/${token}`);
  expect(routeHash({ name: 'users', approve: id })).toBe(`#/users?approve=${id}`);
  expect(parseRoute(routeHash({ name: 'users', approve: id }))).toEqual({ name: 'users', approve: id });
});
