import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { forbidden, unauthorized } from '../errors';
import { hasPermission, toPermissions, type Actor, type Permission } from '../auth/permissions';
import { InvalidTokenError, type Identity, type TokenVerifier } from '../auth/token-verifier';

/**
 * Who may call a route: `public` needs nothing, `identity` a valid token (onboarding, before the
 * caller is a member), `member` (the default) an active member of an organisation.
 */
export type Access = 'public' | 'identity' | 'member';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    permission?: Permission;
  }
  interface FastifyRequest {
    identity: Identity | null;
    actor: Actor | null;
  }
}

/**
 * One shared mechanism for authentication and permissions: routes declare `config.access` and
 * `config.permission`, and this hook enforces them before the body is even parsed.
 */
export function registerAuth(app: FastifyInstance, db: Kysely<Database>, verify: TokenVerifier): void {
  app.decorateRequest('identity', null);
  app.decorateRequest('actor', null);
  app.addHook('onRequest', async (request) => {
    const config = request.routeOptions.config;
    const access: Access = config.access ?? 'member';
    if (access === 'public') return;
    request.identity = await authenticate(request, verify);
    if (access === 'identity' && !config.permission) return;
    const actor = await findActor(db, request.identity);
    if (!actor) throw forbidden('You are not a member of a Tandem organisation yet.');
    if (config.permission && !hasPermission(actor, config.permission)) {
      throw forbidden(`This needs the "${config.permission}" permission.`);
    }
    request.actor = actor;
  });
}

async function authenticate(request: FastifyRequest, verify: TokenVerifier): Promise<Identity> {
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  if (!match?.[1]) throw unauthorized();
  try {
    return await verify(match[1]);
  } catch (error) {
    if (error instanceof InvalidTokenError) throw unauthorized(error.message);
    throw error;
  }
}

export async function findActor(
  db: Kysely<Database>,
  identity: Pick<Identity, 'tenantId' | 'objectId'> & Partial<Identity>,
): Promise<Actor | null> {
  const row = await db
    .selectFrom('users')
    .innerJoin('profiles', 'profiles.id', 'users.profile_id')
    .select([
      'users.id',
      'users.org_id',
      'users.email',
      'users.is_super_admin',
      'users.status',
      'profiles.permissions',
    ])
    .where('users.ms_tenant_id', '=', identity.tenantId)
    .where('users.ms_object_id', '=', identity.objectId)
    .executeTakeFirst();
  if (!row) return null;
  if (row.status !== 'active') throw forbidden('Your Tandem account has been deactivated.');
  return {
    userId: row.id,
    orgId: row.org_id,
    email: row.email,
    isSuperAdmin: row.is_super_admin,
    permissions: toPermissions(row.permissions),
  };
}

/** The actor of a `member` route; the auth hook guarantees it is there. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw unauthorized();
  return request.actor;
}

export function identityOf(request: FastifyRequest): Identity {
  if (!request.identity) throw unauthorized();
  return request.identity;
}
