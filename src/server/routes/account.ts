import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import { v7 as uuidv7 } from 'uuid';
import type { Database } from '../db/schema';
import { conflict } from '../errors';
import { actorOf } from '../plugins/auth';

const ResourceName = Type.Union([Type.Literal('contacts'), Type.Literal('events')]);

/** The caller's own account and organisation, and the organisation's custom fields. */
export function registerAccountRoutes(app: FastifyInstance, db: Kysely<Database>): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.get('/api/me', async (request) => {
    const actor = actorOf(request);
    const row = await db
      .selectFrom('users')
      .innerJoin('orgs', 'orgs.id', 'users.org_id')
      .innerJoin('profiles', 'profiles.id', 'users.profile_id')
      .select([
        'users.id',
        'users.email',
        'users.display_name',
        'users.language',
        'orgs.id as org_id',
        'orgs.name as org_name',
        'orgs.edition',
        'profiles.name as profile',
      ])
      .where('users.id', '=', actor.userId)
      .where('users.org_id', '=', actor.orgId)
      .executeTakeFirstOrThrow();
    return {
      user: {
        id: row.id,
        email: row.email,
        displayName: row.display_name,
        language: row.language,
        profile: row.profile,
        isSuperAdmin: actor.isSuperAdmin,
        permissions: [...actor.permissions].sort(),
      },
      org: { id: row.org_id, name: row.org_name, edition: row.edition },
    };
  });

  api.get(
    '/api/custom-fields',
    { schema: { querystring: Type.Object({ resource: ResourceName }, { additionalProperties: false }) } },
    async (request) => {
      const rows = await db
        .selectFrom('custom_fields')
        .select(['id', 'key', 'label', 'type'])
        .where('org_id', '=', actorOf(request).orgId)
        .where('resource', '=', request.query.resource)
        .orderBy('key')
        .execute();
      return { items: rows };
    },
  );

  api.post(
    '/api/custom-fields',
    {
      config: { permission: 'manage_fields' },
      schema: {
        body: Type.Object(
          {
            resource: ResourceName,
            key: Type.String({ pattern: '^[a-z][a-zA-Z0-9_]{0,62}$' }),
            label: Type.String({ minLength: 1, maxLength: 80 }),
            type: Type.Union([
              Type.Literal('string'),
              Type.Literal('number'),
              Type.Literal('boolean'),
              Type.Literal('date'),
            ]),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const { resource, key, label, type } = request.body;
      const row = await db
        .insertInto('custom_fields')
        .values({ id: uuidv7(), org_id: actor.orgId, resource, key, label, type })
        .onConflict((oc) => oc.columns(['org_id', 'resource', 'key']).doNothing())
        .returning(['id', 'key', 'label', 'type'])
        .executeTakeFirst();
      if (!row) throw conflict(`A custom field "${key}" already exists for ${resource}.`);
      return reply.status(201).send(row);
    },
  );
}
