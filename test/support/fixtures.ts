import { randomUUID } from 'node:crypto';
import type { FastifyInstance, InjectOptions } from 'fastify';
import type { Store } from '../../src/server/db/store';
import { addMember, createOrganisation, type Edition } from '../../src/server/services/org-service';
import type { TestIssuer } from './auth';

export interface TestUser {
  userId: string;
  email: string;
  tenantId: string;
  objectId: string;
  token: string;
}

export interface TestTenant {
  orgId: string;
  tenantId: string;
  admin: TestUser;
  members: TestUser[];
}

/** An organisation on a fresh Microsoft 365 tenant, with its super admin and `memberCount` standard users. */
export async function createTenant(
  store: Store,
  issuer: TestIssuer,
  { edition = 'paid', memberCount = 1 }: { edition?: Edition; memberCount?: number } = {},
): Promise<TestTenant> {
  const tenantId = randomUUID();
  const domain = `t${tenantId.slice(0, 8)}.example`;
  const adminIdentity = { tenantId, objectId: randomUUID(), email: `admin@${domain}` };
  const created = await createOrganisation(store.db, {
    tenantId,
    name: `Org ${domain}`,
    edition,
    admin: {
      email: adminIdentity.email,
      displayName: 'Admin',
      msTenantId: tenantId,
      msObjectId: adminIdentity.objectId,
    },
  });
  const admin = { ...adminIdentity, userId: created.adminUserId, token: await issuer.sign(adminIdentity) };
  const members: TestUser[] = [];
  for (let i = 0; i < memberCount; i++) {
    const identity = { tenantId, objectId: randomUUID(), email: `user${i + 1}@${domain}` };
    const userId = await addMember(store.db, created.orgId, {
      email: identity.email,
      displayName: `User ${i + 1}`,
      msTenantId: tenantId,
      msObjectId: identity.objectId,
    });
    members.push({ ...identity, userId, token: await issuer.sign(identity) });
  }
  return { orgId: created.orgId, tenantId, admin, members };
}

/** `app.inject` as a signed-in user. */
export function as(app: FastifyInstance, user: { token: string }) {
  const call = (
    method: InjectOptions['method'],
    url: string,
    payload?: unknown,
    headers: Record<string, string> = {},
  ) =>
    app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${user.token}`, ...headers },
      ...(payload === undefined ? {} : { payload: payload as InjectOptions['payload'] }),
    });
  return {
    get: (url: string, headers?: Record<string, string>) => call('GET', url, undefined, headers),
    post: (url: string, body?: unknown, headers?: Record<string, string>) =>
      call('POST', url, body ?? {}, headers),
    patch: (url: string, body: unknown, headers?: Record<string, string>) =>
      call('PATCH', url, body, headers),
    delete: (url: string, headers?: Record<string, string>) => call('DELETE', url, undefined, headers),
  };
}
