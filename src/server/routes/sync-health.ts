import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import { SYNC_RESOURCES } from '../../sync/sync-views';
import type { Database } from '../db/schema';
import { notFound } from '../errors';
import { actorOf } from '../plugins/auth';
import {
  orgHealth,
  reconnect,
  runNow,
  runStatus,
  serverRuns,
  type LateServerSyncAccess,
} from '../services/sync-health';

const strict = { additionalProperties: false } as const;
const noQuery = { schema: { querystring: Type.Object({}, strict) } };

/**
 * Background sync as people see it: the caller's reconnect when they open Tandem, "Sync now" run by
 * the server (and its progress), and for those who manage users the organisation's sync health.
 */
export function registerSyncHealthRoutes(
  app: FastifyInstance,
  db: Kysely<Database>,
  server: LateServerSyncAccess,
): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.get(
    '/api/sync/health',
    { ...noQuery, config: { permission: 'manage_users' as const } },
    async (request) => ({
      items: await orgHealth(db, actorOf(request).orgId),
    }),
  );

  // Called by the taskpane when it opens: a sync waiting for the user to sign in again resumes.
  api.post('/api/sync/reconnect', noQuery, async (request) => {
    const actor = actorOf(request);
    const answer = await reconnect(db, server.target, actor, bearerToken(request));
    return { ...answer, serverRuns: await serverRuns(db, server.target, actor) };
  });

  for (const resource of SYNC_RESOURCES) {
    const base = `/api/sync/${resource}/server-runs`;

    api.post(base, noQuery, async (request, reply) => {
      const runId = await runNow(db, server.target, actorOf(request), resource);
      // No server-held access: the caller runs the sync itself, as before.
      if (!runId) return reply.status(200).send({ runId: null });
      return reply.status(202).send({ runId });
    });

    api.get(
      `${base}/:id`,
      { schema: { params: Type.Object({ id: Type.String({ format: 'uuid' }) }, strict) } },
      async (request) => {
        const run = await runStatus(server.target, actorOf(request), resource, request.params.id);
        if (!run) throw notFound('Run');
        return run;
      },
    );
  }
}

/** The caller's Tandem API token, handed to the on-behalf-of exchange. */
function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1];
}
