import { createTokenVerifier } from '../../src/server/auth/token-verifier';
import { createTestIssuer, type TestIssuer } from '../support/auth';

/** The email claim is a hint; it counts as verified only with Entra's `xms_edov` on the `email` claim. */

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer();
});

const who = { tenantId: 'tenant-a', objectId: 'object-1', email: 'Ana@Contoso.example' };
const verify = (token: string) => createTokenVerifier(issuer.auth)(token);

test.each([
  ['true', true, true],
  ['"1"', '1', true],
  ['1', 1, true],
  ['false', false, false],
  ['"false"', 'false', false],
  ['absent', undefined, false],
])('xms_edov %s', async (_name, value, expected) => {
  const identity = await verify(await issuer.sign(who, { claims: { xms_edov: value } }));
  expect(identity).toMatchObject({
    tenantId: 'tenant-a',
    objectId: 'object-1',
    email: 'ana@contoso.example',
  });
  expect(identity.emailVerified).toBe(expected);
});

test('an address taken from preferred_username is never verified, xms_edov or not', async () => {
  const identity = await verify(await issuer.sign(who, { claims: { email: undefined, xms_edov: true } }));
  expect(identity.email).toBe('ana@contoso.example');
  expect(identity.emailVerified).toBe(false);
});
