import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { actorOf } from '../plugins/auth';
import type { UserAdminService } from '../services/user-admin-service';

const Id = Type.Object({ id: Type.String({ format: 'uuid' }) }, { additionalProperties: false });
const manageUsers = { permission: 'manage_users' as const };

/** The Users page: every route needs the "manage users" permission and stays inside the caller's organisation. */
export function registerUserRoutes(app: FastifyInstance, users: UserAdminService): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.get('/api/users', { config: manageUsers }, async (request) => ({
    items: await users.members(actorOf(request)),
  }));

  api.get('/api/profiles', { config: manageUsers }, async (request) => ({
    items: await users.profiles(actorOf(request)),
  }));

  api.patch(
    '/api/users/:id',
    {
      config: manageUsers,
      schema: {
        params: Id,
        body: Type.Object({ profileId: Type.String({ format: 'uuid' }) }, { additionalProperties: false }),
      },
    },
    async (request, reply) => {
      await users.changeProfile(actorOf(request), request.params.id, request.body.profileId);
      return reply.status(204).send();
    },
  );

  for (const [action, status] of [
    ['deactivate', 'deactivated'],
    ['reactivate', 'active'],
  ] as const) {
    api.post(
      `/api/users/:id/${action}`,
      { config: manageUsers, schema: { params: Id } },
      async (request, reply) => {
        await users.setStatus(actorOf(request), request.params.id, status);
        return reply.status(204).send();
      },
    );
  }

  api.get('/api/invitations', { config: manageUsers }, async (request) => ({
    items: await users.pendingInvitations(actorOf(request)),
  }));

  api.post(
    '/api/invitations',
    {
      config: manageUsers,
      schema: {
        body: Type.Object(
          {
            invitees: Type.Array(
              Type.Object(
                {
                  email: Type.String({ format: 'email', maxLength: 254 }),
                  displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
                  msObjectId: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F-]{36}$' })),
                },
                { additionalProperties: false },
              ),
              { minItems: 1, maxItems: 100 },
            ),
            language: Type.Optional(Type.Union([Type.Literal('en'), Type.Literal('es')])),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await users.invite(actorOf(request), request.body.invitees, request.body.language)),
  );

  api.post('/api/invitations/:id/resend', { config: manageUsers, schema: { params: Id } }, async (request) =>
    users.resendInvitation(actorOf(request), request.params.id),
  );

  api.delete(
    '/api/invitations/:id',
    { config: manageUsers, schema: { params: Id } },
    async (request, reply) => {
      await users.revokeInvitation(actorOf(request), request.params.id);
      return reply.status(204).send();
    },
  );

  api.get('/api/join-requests', { config: manageUsers }, async (request) => ({
    items: await users.pendingJoinRequests(actorOf(request)),
  }));

  api.get('/api/join-requests/:id', { config: manageUsers, schema: { params: Id } }, async (request) =>
    users.joinRequest(actorOf(request), request.params.id),
  );

  api.post(
    '/api/join-requests/:id/approve',
    {
      config: manageUsers,
      schema: {
        params: Id,
        body: Type.Object(
          { profileId: Type.Optional(Type.String({ format: 'uuid' })) },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await users.approveJoinRequest(actorOf(request), request.params.id, request.body.profileId)),
  );

  api.post(
    '/api/join-requests/:id/reject',
    { config: manageUsers, schema: { params: Id } },
    async (request, reply) => {
      await users.rejectJoinRequest(actorOf(request), request.params.id);
      return reply.status(204).send();
    },
  );

  api.get(
    '/api/audit-log',
    {
      config: manageUsers,
      schema: {
        querystring: Type.Object(
          {
            limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
            before: Type.Optional(Type.String({ format: 'uuid' })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => users.auditLog(actorOf(request), request.query),
  );
}
