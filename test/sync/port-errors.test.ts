import { PORT_ERROR_KINDS, itemKindOfStatus, kindOfStatus } from '../../src/sync/port-errors';

test('Graph and CRM answers share one classification', () => {
  expect(kindOfStatus(410)).toBe('cursorExpired');
  expect(kindOfStatus(400, 'resyncRequired')).toBe('cursorExpired');
  expect(kindOfStatus(422)).toBe('invalid');
  expect(kindOfStatus(599)).toBe('temporary');
  expect(kindOfStatus(302)).toBe('permanent');
  for (const status of [200, 400, 401, 404, 409, 410, 418, 429, 500]) {
    expect(PORT_ERROR_KINDS).toContain(kindOfStatus(status));
  }
});

test("one item's 401/403 inside an answered call is a refusal of that item, not a sign-in to renew", () => {
  expect(kindOfStatus(403)).toBe('auth');
  expect(itemKindOfStatus(403)).toBe('permanent');
  expect(itemKindOfStatus(401)).toBe('permanent');
  expect(itemKindOfStatus(400)).toBe('invalid');
  expect(itemKindOfStatus(409)).toBe('conflict');
});
