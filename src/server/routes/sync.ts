import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { Type, type TSchema } from 'typebox';
import type { ActionType as PlannedAction } from '../../sync/planner';
import type { CrmCommit, CrmPort, SyncState } from '../../sync/ports';

type PendingWrites = Parameters<CrmPort['addPending']>[0];
import { CRM_HTTP_LIMITS } from '../../sync/http-crm-port';
import { PORT_ERROR_KINDS } from '../../sync/port-errors';
import type { Database } from '../db/schema';
import { badRequest } from '../errors';
import { actorOf } from '../plugins/auth';
import { SYNC_RESOURCES, SYNC_TROUBLES } from '../../sync/sync-views';
import { parseCursor } from '../services/record-service';
import { SyncSettingsService } from '../services/sync-settings';
import { checkUniqueCommits, checkUniquePending } from '../services/sync-crm-port';
import { openUserCrmPort, openUserCrmPortUnmapped } from '../services/sync-settings-port';
import type { BackgroundSyncHooks } from '../worker/sync-activation';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const strict = { additionalProperties: false } as const;
const Uuid = Type.String({ format: 'uuid' });
/** GET routes without parameters still refuse unknown ones. */
const noQuery = { schema: { querystring: Type.Object({}, strict) } };
const Holder = Type.String({ minLength: 1, maxLength: 200 });
const GraphId = Type.String({ minLength: 1, maxLength: 1024 });
const FieldName = Type.String({ minLength: 1, maxLength: 200 });
/** A change-feed position. */
const Cursor = Type.String({ pattern: '^\\d{1,19}$' });
/** A snapshot's values are checked by the mapper and the record service, not here. */
const Snapshot = Type.Record(Type.String({ maxLength: 200 }), Type.Unknown(), { maxProperties: 200 });
const IdList = Type.Array(Uuid, { maxItems: CRM_HTTP_LIMITS.ids });

const RecordWrite = Type.Union([
  Type.Object({ op: Type.Literal('create'), snapshot: Snapshot }, strict),
  Type.Object(
    {
      op: Type.Literal('update'),
      crmId: Uuid,
      snapshot: Snapshot,
      fields: Type.Array(FieldName, { maxItems: 200 }),
      restore: Type.Boolean(),
    },
    strict,
  ),
  Type.Object({ op: Type.Literal('delete'), crmId: Uuid }, strict),
]);
const LinkWrite = Type.Union([
  Type.Object(
    {
      op: Type.Literal('save'),
      crmId: Type.Optional(Uuid),
      graphId: GraphId,
      snapshot: Snapshot,
      changeKey: Nullable(Type.String({ maxLength: 1024 })),
    },
    strict,
  ),
  Type.Object({ op: Type.Literal('remove'), crmId: Uuid }, strict),
]);
const Side = Type.Union([Type.Literal('crm'), Type.Literal('graph')]);
const ConflictInput = Type.Object(
  { crmId: Uuid, field: FieldName, crmValue: Type.Unknown(), graphValue: Type.Unknown(), winner: Side },
  strict,
);
const Commit = Type.Object(
  {
    record: Type.Optional(RecordWrite),
    link: Type.Optional(LinkWrite),
    conflicts: Type.Optional(Type.Array(ConflictInput, { maxItems: 200 })),
  },
  strict,
);

const PendingWrite = Type.Union([
  Type.Object(
    {
      crmId: Uuid,
      kind: Type.Literal('create'),
      // The store tells a delete's entry by this prefix.
      transactionId: Type.String({ minLength: 1, maxLength: 200, pattern: '^(?!delete:)' }),
    },
    strict,
  ),
  Type.Object({ crmId: Uuid, kind: Type.Literal('delete'), graphId: GraphId }, strict),
]);

const StatePatch = Type.Object(
  {
    enabled: Type.Optional(Type.Boolean()),
    containerId: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 1024 }))),
    graphCursor: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 8192 }))),
    crmCursor: Type.Optional(Nullable(Cursor)),
    initialDone: Type.Optional(Type.Boolean()),
  },
  strict,
);

const Count = Type.Integer({ minimum: 0 });
// Every action type of the planner, no more: the compiler flags this list when the planner changes.
const ACTION_TYPE_SET = {
  createGraph: true,
  createCrm: true,
  update: true,
  deleteGraph: true,
  deleteCrm: true,
  unlink: true,
  deleteDuplicate: true,
} as const satisfies Record<PlannedAction, true>;
const ACTION_TYPES = Object.keys(ACTION_TYPE_SET) as PlannedAction[];
const ActionType = Type.Union(ACTION_TYPES.map((a) => Type.Literal(a)));
const Report = Type.Object(
  {
    resource: Type.Optional(Type.Union(SYNC_RESOURCES.map((r) => Type.Literal(r)))),
    mode: Type.Union([Type.Literal('initial'), Type.Literal('incremental'), Type.Literal('reconcile')]),
    outcome: Type.Union([
      Type.Literal('done'),
      Type.Literal('partial'),
      Type.Literal('refused'),
      Type.Literal('deactivated'),
      Type.Literal('failed'),
    ]),
    applied: Type.Object(Object.fromEntries(ACTION_TYPES.map((a) => [a, Type.Optional(Count)])), strict),
    conflicts: Count,
    failures: Type.Array(
      Type.Object(
        {
          action: ActionType,
          id: Type.String({ maxLength: 1024 }),
          kind: Type.Union(PORT_ERROR_KINDS.map((k) => Type.Literal(k))),
          message: Type.String({ maxLength: 2000 }),
        },
        strict,
      ),
      // Runners may send every failure of a large run; HttpCrmPort.recordRun sends the first ones and the count.
      { maxItems: 20_000 },
    ),
    refused: Nullable(
      Type.Object(
        {
          reason: Type.Literal('massDelete'),
          deletions: Type.Object({ crm: Count, graph: Count }, strict),
          linked: Count,
        },
        strict,
      ),
    ),
    /** All failures of the run, when `failures` lists only the first of them. */
    failureCount: Type.Optional(Count),
    /** When the run began, as the runner saw it. */
    startedAt: Type.Optional(Type.String({ format: 'date-time', maxLength: 40 })),
    /** Why a `failed` run stopped. */
    error: Type.Optional(
      Type.Object(
        {
          reason: Type.Union(SYNC_TROUBLES.map((r) => Type.Literal(r))),
          message: Type.String({ maxLength: 2000 }),
        },
        strict,
      ),
    ),
  },
  strict,
);

/**
 * The sync's CRM side over HTTP (every `CrmPort` call, for runners that hold only the user's token)
 * and the settings of the "Microsoft integration" page. Everything is the caller's own: their
 * organisation, their user, the resource in the path.
 */
export function registerSyncRoutes(
  app: FastifyInstance,
  db: Kysely<Database>,
  background: BackgroundSyncHooks,
): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const settings = new SyncSettingsService(db);

  api.get('/api/sync', noQuery, async (request) => settings.overview(actorOf(request)));

  for (const resource of SYNC_RESOURCES) {
    const base = `/api/sync/${resource}`;
    const unmapped = (request: FastifyRequest) => openUserCrmPortUnmapped(db, actorOf(request), resource);
    const mapped = (request: FastifyRequest) => openUserCrmPort(db, actorOf(request), resource);

    api.post(
      `${base}/lease`,
      {
        schema: {
          body: Type.Object(
            { holder: Holder, ttlMs: Type.Integer({ minimum: 1, maximum: 3_600_000 }) },
            strict,
          ),
        },
      },
      async (request) => ({
        acquired: await unmapped(request).acquireLease(request.body.holder, request.body.ttlMs),
      }),
    );

    api.post(
      `${base}/lease/release`,
      { schema: { body: Type.Object({ holder: Holder }, strict) } },
      async (request, reply) => {
        await unmapped(request).releaseLease(request.body.holder);
        return reply.status(204).send();
      },
    );

    api.get(`${base}/state`, noQuery, async (request) => unmapped(request).loadState());

    api.patch(`${base}/state`, { schema: { body: StatePatch } }, async (request, reply) => {
      // The same check `/changes` makes, so no cursor is stored that reading would refuse.
      if (request.body.crmCursor != null) parseCursor(request.body.crmCursor, 'body.crmCursor');
      const actor = actorOf(request);
      // Turning off: the server's subscription goes while it still holds the access to delete it.
      if (request.body.enabled === false) await background.turningOff(actor, resource);
      await unmapped(request).saveState(request.body as Partial<SyncState>);
      if (request.body.enabled !== true) return reply.status(204).send();
      // Turning on (the taskpane, `tandem sync --crm-url`, the API): the server takes its own access.
      return reply.status(200).send({
        background: await background.turnedOn(actor, resource, bearerToken(request)),
      });
    });

    api.get(`${base}/links`, noQuery, async (request) => ({ links: await unmapped(request).loadLinks() }));

    api.post(
      `${base}/links/find`,
      {
        schema: {
          body: Type.Object(
            { crmIds: IdList, graphIds: Type.Array(GraphId, { maxItems: CRM_HTTP_LIMITS.ids }) },
            strict,
          ),
        },
      },
      async (request) => unmapped(request).findLinks(request.body),
    );

    api.get(`${base}/pending`, noQuery, async (request) => ({
      pending: await unmapped(request).loadPending(),
    }));

    api.post(
      `${base}/pending`,
      {
        schema: {
          body: Type.Object(
            {
              pending: Type.Array(PendingWrite, { maxItems: CRM_HTTP_LIMITS.pending }),
            },
            strict,
          ),
        },
      },
      async (request, reply) => {
        const pending = request.body.pending as PendingWrites;
        checkUniquePending(pending, 'body.pending');
        await unmapped(request).addPending(pending);
        return reply.status(204).send();
      },
    );

    api.post(
      `${base}/pending/drop`,
      { schema: { body: Type.Object({ crmIds: IdList }, strict) } },
      async (request, reply) => {
        await unmapped(request).dropPending(request.body.crmIds);
        return reply.status(204).send();
      },
    );

    api.post(`${base}/forget`, async (request, reply) => {
      await background.turningOff(actorOf(request), resource);
      await unmapped(request).forget();
      return reply.status(204).send();
    });

    api.get(
      `${base}/eligible`,
      {
        schema: {
          querystring: Type.Object(
            { limit: Type.Integer({ minimum: 1, maximum: CRM_HTTP_LIMITS.eligible }) },
            strict,
          ),
        },
      },
      async (request) => (await mapped(request)).eligibleRecords(request.query.limit),
    );

    api.get(
      `${base}/changes`,
      { schema: { querystring: Type.Object({ cursor: Cursor }, strict) } },
      async (request) => (await mapped(request)).changes(request.query.cursor),
    );

    api.post(
      `${base}/records`,
      { schema: { body: Type.Object({ crmIds: IdList }, strict) } },
      async (request) => ({ records: await (await mapped(request)).getRecords(request.body.crmIds) }),
    );

    api.post(
      `${base}/commits`,
      {
        schema: {
          body: Type.Object(
            { commits: Type.Array(Commit, { minItems: 1, maxItems: CRM_HTTP_LIMITS.commits }) },
            strict,
          ),
        },
      },
      async (request) => {
        const commits = request.body.commits as CrmCommit[];
        commits.forEach(checkCommit);
        checkUniqueCommits(commits, 'body.commits');
        return { outcomes: await (await mapped(request)).commit(commits) };
      },
    );

    api.post(`${base}/runs`, { schema: { body: Report } }, async (request, reply) => {
      const { resource: named, ...report } = request.body;
      if (named !== undefined && named !== resource) {
        throw badRequest(`body.resource is ${named}, but this is the ${resource} sync`);
      }
      const lastRun = await settings.recordRun(actorOf(request), resource, report);
      return reply.status(201).send(lastRun);
    });

    api.get(
      `${base}/conflicts`,
      {
        schema: {
          querystring: Type.Object(
            {
              limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
              before: Type.Optional(Uuid),
            },
            strict,
          ),
        },
      },
      async (request) => settings.conflicts(actorOf(request), resource, request.query),
    );

    api.post(
      `${base}/conflicts/:id/dismiss`,
      { schema: { params: Type.Object({ id: Uuid }, strict) } },
      async (request, reply) => {
        await settings.dismissConflict(actorOf(request), resource, request.params.id);
        return reply.status(204).send();
      },
    );

    api.post(
      `${base}/conflicts/:id/resolve`,
      {
        schema: {
          params: Type.Object({ id: Uuid }, strict),
          body: Type.Object({ use: Side }, strict),
        },
      },
      async (request, reply) => {
        await settings.resolveConflict(actorOf(request), resource, request.params.id, request.body.use);
        return reply.status(204).send();
      },
    );

    api.get(
      `${base}/imported`,
      {
        schema: {
          querystring: Type.Object(
            { limit: Type.Integer({ minimum: 1, maximum: 1000, default: 1000 }) },
            strict,
          ),
        },
      },
      async (request) => settings.importedNotSynced(actorOf(request), resource, request.query.limit),
    );
  }

  api.get('/api/sync/contacts/mapping', noQuery, async (request) =>
    settings.contactMapping(actorOf(request)),
  );

  api.put(
    '/api/sync/contacts/mapping',
    {
      schema: {
        body: Type.Object(
          {
            mapping: Type.Record(Type.String({ maxLength: 200 }), Type.String({ maxLength: 200 }), {
              maxProperties: 500,
            }),
          },
          strict,
        ),
      },
    },
    async (request) => settings.saveContactMapping(actorOf(request), request.body.mapping),
  );

  api.delete('/api/sync/contacts/mapping', async (request) => settings.resetContactMapping(actorOf(request)));
}

/** The caller's Tandem API token, handed to the on-behalf-of exchange. */
function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1];
}

/** Every commit must name the record it is about, or create it; both ids, when given, must agree. */
function checkCommit(commit: CrmCommit, index: number): void {
  const at = `body.commits.${index}`;
  const recordId = commit.record && commit.record.op !== 'create' ? commit.record.crmId : undefined;
  const linkId = commit.link?.crmId;
  if (commit.record?.op !== 'create' && linkId === undefined) {
    throw badRequest(`${at}.link.crmId is required unless the commit creates the record`);
  }
  if (recordId !== undefined && linkId !== undefined && recordId !== linkId) {
    throw badRequest(`${at}.link.crmId must be the record's id (${recordId})`);
  }
}
