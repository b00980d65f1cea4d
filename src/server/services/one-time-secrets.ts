import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

/** A link token: 256 random bits, URL-safe. Only its hash is stored. */
export function newLinkToken(): string {
  return randomBytes(32).toString('base64url');
}

/** A six-digit one-time code. */
export function newCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

/** The stored form of a secret; `salt` (a row id) keeps equal short codes from hashing alike. */
export function hashSecret(secret: string, salt = ''): string {
  return createHash('sha256').update(`${salt}:${secret}`).digest('hex');
}

export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}
