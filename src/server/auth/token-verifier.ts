import { decodeJwt, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';

/** Who a verified token speaks for: a Microsoft 365 (Entra ID) identity or a sandbox one. */
export interface Identity {
  tenantId: string;
  objectId: string;
  /** A hint for finding and greeting, never proof of who the caller is (see `email-trust.ts`). */
  email: string;
  /**
   * The token's `email` claim carries Entra's `xms_edov` (the owner of the address's domain is
   * verified) set true. Without it, the address is whatever the token's tenant chose to put there.
   */
  emailVerified: boolean;
  name: string;
  /** Directory role template ids (`wids`). */
  roles: string[];
  scopes: string[];
}

export interface TokenVerifierOptions {
  /** Issuer template; `{tenantid}` becomes the token's `tid`. */
  issuer: string;
  audience: string;
  keys: JWTVerifyGetKey;
}

export class InvalidTokenError extends Error {}

export type TokenVerifier = (token: string) => Promise<Identity>;

const TENANT_ID = /^[0-9a-zA-Z-]{1,64}$/;

/**
 * Verifies a bearer token the way Entra ID tokens are verified: RS256 signature from the JWKS, the
 * issuer of the token's own tenant, the audience and the validity window.
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  return async (token) => {
    let unverified: JWTPayload;
    try {
      unverified = decodeJwt(token);
    } catch {
      throw new InvalidTokenError('The bearer token is not a JWT.');
    }
    const tid = unverified.tid;
    if (typeof tid !== 'string' || !TENANT_ID.test(tid))
      throw new InvalidTokenError('The token has no tenant id.');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, options.keys, {
        issuer: options.issuer.replace('{tenantid}', tid),
        audience: options.audience,
        algorithms: ['RS256'],
        clockTolerance: 60,
        requiredClaims: ['exp', 'iat', 'oid', 'tid'],
      }));
    } catch (error) {
      throw new InvalidTokenError(describeJoseError(error));
    }
    const oid = payload.oid;
    const emailClaim = stringClaim(payload.email);
    const email = emailClaim ?? stringClaim(payload.preferred_username) ?? stringClaim(payload.upn);
    if (typeof oid !== 'string' || !oid) throw new InvalidTokenError('The token has no object id.');
    if (!email) throw new InvalidTokenError('The token carries no email address.');
    return {
      tenantId: tid,
      objectId: oid,
      email: email.toLowerCase(),
      // Only the `email` claim is covered by `xms_edov`; a username fallback is never verified.
      emailVerified: emailClaim !== undefined && isTrue(payload.xms_edov),
      name: stringClaim(payload.name) ?? email,
      roles: Array.isArray(payload.wids)
        ? payload.wids.filter((w): w is string => typeof w === 'string')
        : [],
      scopes: typeof payload.scp === 'string' ? payload.scp.split(' ').filter(Boolean) : [],
    };
  };
}

/** Entra writes boolean optional claims as `true`, and some token versions as `1` or `"1"`. */
function isTrue(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 'true';
}

function stringClaim(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}

function describeJoseError(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'The token has expired.';
  if (error instanceof errors.JWTClaimValidationFailed)
    return `The token's ${error.claim} claim is not accepted.`;
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'The token signature is not valid.';
  if (error instanceof errors.JWKSNoMatchingKey) return 'The token was not signed by a known key.';
  if (error instanceof errors.JOSEError) return 'The token is not valid.';
  return 'The token could not be verified.';
}
