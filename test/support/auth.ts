import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { randomUUID } from 'node:crypto';

export const TEST_ISSUER = 'https://login.tandem.test/{tenantid}/v2.0';
export const TEST_AUDIENCE = 'api://tandem-test';

export interface TestIdentity {
  tenantId: string;
  objectId: string;
  email: string;
  name?: string;
  roles?: string[];
  /** Entra's `xms_edov` on the email claim; default true. */
  emailVerified?: boolean;
}

/** A signing key and its JWKS, standing in for Entra ID's until the sandbox issuer is used. */
export async function createTestIssuer() {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
  const keys = createLocalJWKSet({ keys: [jwk] });
  async function sign(
    who: TestIdentity,
    overrides: {
      issuer?: string;
      audience?: string;
      expiresIn?: string | number;
      key?: CryptoKey;
      /** Claims to set or (with `undefined`) leave out. */
      claims?: Record<string, unknown>;
    } = {},
  ): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      tid: who.tenantId,
      oid: who.objectId,
      preferred_username: who.email,
      email: who.email,
      xms_edov: who.emailVerified ?? true,
      name: who.name ?? who.email,
      wids: who.roles ?? [],
      scp: 'access_as_user',
      ver: '2.0',
      ...overrides.claims,
    })
      .setProtectedHeader({ alg: 'RS256', kid: 'test-key', typ: 'JWT' })
      .setIssuer(overrides.issuer ?? TEST_ISSUER.replace('{tenantid}', who.tenantId))
      .setAudience(overrides.audience ?? TEST_AUDIENCE)
      .setIssuedAt(now)
      .setExpirationTime(overrides.expiresIn ?? now + 3600)
      .setJti(randomUUID())
      .sign(overrides.key ?? privateKey);
  }
  return { keys, sign, auth: { issuer: TEST_ISSUER, audience: TEST_AUDIENCE, keys } };
}

export type TestIssuer = Awaited<ReturnType<typeof createTestIssuer>>;
