import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
} from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { SigningKeyRecord } from './sandbox-state';

export interface TokenClaims {
  aud: string;
  iss: string;
  iat: number;
  nbf: number;
  exp: number;
  tid: string;
  oid: string;
  sub: string;
  preferred_username: string;
  name: string;
  email: string;
  /** Entra's "email domain owner verified": the `email` claim is an address the tenant has proven. */
  xms_edov: boolean;
  scp: string;
  ver: '2.0';
  wids: string[];
  azp: string;
  uti: string;
  [claim: string]: unknown;
}

export class TokenError extends Error {}

/** RS256 signing and checking with one key pair, published as a JWKS like Entra ID's. */
export class TokenIssuer {
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;

  constructor(readonly key: SigningKeyRecord) {
    this.privateKey = createPrivateKey(key.privateKeyPem);
    this.publicKey = createPublicKey(this.privateKey);
  }

  static generateKey(): SigningKeyRecord {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const der = publicKey.export({ format: 'der', type: 'spki' });
    const kid = createHash('sha256').update(der).digest('base64url').slice(0, 27);
    return { privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), kid };
  }

  jwks(): { keys: Record<string, unknown>[] } {
    const jwk = this.publicKey.export({ format: 'jwk' });
    return { keys: [{ kty: 'RSA', use: 'sig', alg: 'RS256', kid: this.key.kid, n: jwk.n, e: jwk.e }] };
  }

  sign(claims: TokenClaims): string {
    return this.signPayload(claims);
  }

  /** Signs any JWT payload (ID tokens carry fewer claims than access tokens). */
  signPayload(claims: Record<string, unknown>): string {
    const header = { typ: 'JWT', alg: 'RS256', kid: this.key.kid };
    const input = `${encode(header)}.${encode(claims)}`;
    const signature = sign('RSA-SHA256', Buffer.from(input), this.privateKey).toString('base64url');
    return `${input}.${signature}`;
  }

  /** Checks signature, audience and lifetime (at `now`, in ms); throws TokenError with the reason. */
  verify(token: string, audience: string, now: number): TokenClaims {
    const parts = token.split('.');
    if (parts.length !== 3) throw new TokenError('IDX14100: JWT is not well formed.');
    const [header, payload, signature] = parts as [string, string, string];
    let claims: TokenClaims;
    try {
      const decodedHeader = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: string };
      if (decodedHeader.alg !== 'RS256') throw new Error('alg');
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as TokenClaims;
    } catch {
      throw new TokenError('IDX14100: JWT is not well formed.');
    }
    const valid = verify(
      'RSA-SHA256',
      Buffer.from(`${header}.${payload}`),
      this.publicKey,
      Buffer.from(signature, 'base64url'),
    );
    if (!valid) throw new TokenError('Access token validation failure. Invalid signature.');
    if (claims.aud !== audience) throw new TokenError('Access token validation failure. Invalid audience.');
    const seconds = Math.floor(now / 1000);
    if (typeof claims.exp !== 'number' || claims.exp <= seconds) {
      throw new TokenError('Lifetime validation failed, the token is expired.');
    }
    if (typeof claims.nbf === 'number' && claims.nbf > seconds + 300) {
      throw new TokenError('Lifetime validation failed, the token is not yet valid.');
    }
    return claims;
  }
}

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}
