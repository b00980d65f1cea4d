import type { Identity } from './token-verifier';

/**
 * How the caller must show that an email address is theirs before it gets them into something the
 * address stands for (a CRM account registered on it, an invitation sent to it):
 *
 * - `claim`: the token alone is enough. Only when the token comes from the organisation's own
 *   Microsoft 365 tenant (whose administrators answer for its users' addresses) **and** Entra marks
 *   the email claim verified (`xms_edov`).
 * - `code`: in every other case (another tenant, a guest, an organisation without a tenant, an
 *   unverified claim) a one-time code mailed to that address proves it first.
 *
 * Identity is always the token's tenant id and object id; the email claim otherwise only helps to
 * find things, and nothing is revealed about an address the claim cannot vouch for.
 */
export type EmailProof = 'claim' | 'code';

export function emailProofNeeded(
  identity: Identity,
  address: string,
  org: { tenantId: string | null },
): EmailProof {
  const sameAddress = identity.email === address.trim().toLowerCase();
  const sameTenant = org.tenantId !== null && org.tenantId === identity.tenantId;
  return sameAddress && sameTenant && identity.emailVerified ? 'claim' : 'code';
}
