import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type, type TObject, type TProperties } from 'typebox';
import type { Contact } from '../../domain/contact';
import { ContactQuery, type ContactPage } from '../../domain/contact-list';
import { RESOURCES, type Resource } from '../../domain/record';
import type { Actor } from '../auth/permissions';
import { badRequest, refuseRepeats } from '../errors';
import { actorOf } from '../plugins/auth';
import type { CrmRecord, Fields, RecordService } from '../services/record-service';
import { RESOURCE_DEFINITIONS } from '../services/resources';
import { eligible } from '../services/sync-crm-port';
import { EventCalendar } from '../services/event-calendar';
import { OccurrenceChange, OccurrenceDate } from '../../domain/event-calendar';

const Uuid = Type.String({ format: 'uuid' });
const IdParams = Type.Object({ id: Uuid });
const Owner = Type.Union([Type.Literal('me'), Type.Literal('all'), Uuid], { default: 'all' });
const Limit = (max: number, fallback: number) =>
  Type.Integer({ minimum: 1, maximum: max, default: fallback });
const IfMatchHeaders = Type.Object({ 'if-match': Type.Optional(Type.String({ maxLength: 40 })) });
const MAX_BULK = 1000;

const fieldsOf = (resource: Resource) => RESOURCE_DEFINITIONS[resource].fields as TObject<TProperties>;
const withExtra = (base: TObject<TProperties>, extra: TProperties) =>
  Type.Object({ ...base.properties, ...extra }, { additionalProperties: false });

/** CRM contacts and events: create, read, list, update, soft delete, restore, import, mass update. */
export function registerRecordRoutes(app: FastifyInstance, records: RecordService): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  for (const resource of RESOURCES) {
    const fields = fieldsOf(resource);
    const base = `/api/${resource}`;

    api.post(
      base,
      {
        schema: {
          body: withExtra(fields, {
            ownerId: Type.Optional(Uuid),
            origin: Type.Optional(
              Type.Union([Type.Literal('ui'), Type.Literal('api'), Type.Literal('sync')]),
            ),
          }),
        },
      },
      async (request, reply) => {
        const { ownerId, origin, ...values } = request.body as Fields & {
          ownerId?: string;
          origin?: 'ui' | 'api' | 'sync';
        };
        const record = await records.create(actorOf(request), resource, {
          fields: values,
          ownerId,
          origin: origin ?? 'api',
        });
        return sendRecord(reply.status(201).header('location', `${base}/${record.id}`), record);
      },
    );

    api.get(
      base,
      {
        schema: {
          querystring: Type.Object(
            {
              limit: Limit(200, 50),
              cursor: Type.Optional(Uuid),
              owner: Owner,
              deleted: Type.Boolean({ default: false }),
              ...(resource === 'contacts' ? ContactQuery.properties : {}),
            },
            { additionalProperties: false },
          ),
        },
      },
      async (request) => {
        const query = request.query as ListQuery;
        if (resource === 'contacts' && isContactQuery(query))
          return contactPage(records, actorOf(request), query);
        const { limit, cursor, owner, deleted } = request.query;
        return records.list(actorOf(request), resource, { limit, cursor, owner, deleted });
      },
    );

    api.get(`${base}/:id`, { schema: { params: IdParams } }, async (request, reply) =>
      sendRecord(reply, await records.get(actorOf(request), resource, request.params.id)),
    );

    api.patch(
      `${base}/:id`,
      { schema: { params: IdParams, headers: IfMatchHeaders, body: fields } },
      async (request, reply) => {
        const version = parseIfMatch(request.headers['if-match']);
        const record = await records.update(
          actorOf(request),
          resource,
          request.params.id,
          request.body as Fields,
          version,
        );
        return sendRecord(reply, record);
      },
    );

    api.delete(
      `${base}/:id`,
      { schema: { params: IdParams, headers: IfMatchHeaders } },
      async (request, reply) => {
        await records.remove(
          actorOf(request),
          resource,
          request.params.id,
          parseIfMatch(request.headers['if-match']),
        );
        return reply.status(204).send();
      },
    );

    api.post(`${base}/:id/restore`, { schema: { params: IdParams } }, async (request, reply) =>
      sendRecord(reply, await records.restore(actorOf(request), resource, request.params.id)),
    );

    api.post(
      `${base}/import`,
      {
        schema: {
          body: Type.Object(
            {
              records: Type.Array(withExtra(fields, { ownerId: Type.Optional(Uuid) }), {
                minItems: 1,
                maxItems: MAX_BULK,
              }),
              origin: Type.Optional(Type.Union([Type.Literal('import'), Type.Literal('migration')])),
            },
            { additionalProperties: false },
          ),
        },
      },
      async (request, reply) => {
        const origin = request.body.origin ?? 'import';
        const inputs = (request.body.records as (Fields & { ownerId?: string })[]).map(
          ({ ownerId, ...values }) => ({
            fields: values,
            ownerId,
            origin,
          }),
        );
        const created = await records.createMany(actorOf(request), resource, inputs);
        return reply.status(201).send({ count: created.length, ids: created.map((r) => r.id) });
      },
    );

    api.post(
      `${base}/mass-update`,
      {
        schema: {
          body: Type.Object(
            { ids: Type.Array(Uuid, { minItems: 1, maxItems: MAX_BULK }), set: fields },
            { additionalProperties: false },
          ),
        },
      },
      async (request) => {
        refuseRepeats('body.ids', 'id', request.body.ids);
        return {
          updated: await records.massUpdate(
            actorOf(request),
            resource,
            request.body.ids,
            request.body.set as Fields,
          ),
        };
      },
    );
  }

  registerContactWorkspaceRoutes(app, records);
  registerEventCalendarRoutes(app, new EventCalendar(records.database, records));

  api.get(
    '/api/changes',
    {
      schema: {
        querystring: Type.Object(
          {
            resource: Type.Union([Type.Literal('contacts'), Type.Literal('events')]),
            cursor: Type.Optional(Type.String({ maxLength: 20 })),
            limit: Limit(1000, 200),
            owner: Owner,
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const { resource, cursor, limit, owner } = request.query;
      return records.changes(actorOf(request), resource, cursor, limit, owner);
    },
  );
}

type ListQuery = { limit: number; cursor?: string; owner: string; deleted: boolean } & ContactQuery;

/** Asking for a search, an order or an offset switches `GET /api/contacts` to offset pages with a total. */
function isContactQuery(query: ListQuery): boolean {
  return query.q !== undefined || query.sort !== undefined || query.offset !== undefined;
}

async function contactPage(records: RecordService, actor: Actor, query: ListQuery): Promise<ContactPage> {
  if (query.cursor !== undefined)
    throw badRequest('querystring.cursor cannot be used with q, sort or offset.');
  const offset = query.offset ?? 0;
  const { items, total } = await records.searchContacts(actor, { ...query, offset });
  const statuses = await records.contactSyncStatuses(actor, items, eligible);
  return {
    items: items.map((item) => ({
      ...(item as Contact),
      sync: statuses.get(item.id) ?? { state: 'not_synced' },
    })),
    total,
    offset,
    nextOffset: offset + items.length < total ? offset + items.length : null,
    nextCursor: null,
  };
}

/**
 * What the contacts workspace needs beyond the shared record routes: a contact's sync status, the
 * members whose contacts the caller may list, and deleting a contact in the recycle bin for good.
 */
function registerContactWorkspaceRoutes(app: FastifyInstance, records: RecordService): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.get('/api/contacts/:id/sync-status', { schema: { params: IdParams } }, async (request) => {
    const actor = actorOf(request);
    const contact = await records.get(actor, 'contacts', request.params.id);
    const statuses = await records.contactSyncStatuses(actor, [contact], eligible);
    return statuses.get(contact.id);
  });

  api.get('/api/contacts/owners', async (request) => ({
    items: await records.contactOwners(actorOf(request)),
  }));

  api.delete('/api/contacts/:id/purge', { schema: { params: IdParams } }, async (request, reply) => {
    await records.purge(actorOf(request), 'contacts', request.params.id);
    return reply.status(204).send();
  });
}

/**
 * The events' calendar: occurrences in a date window (series expanded, exceptions applied, each with
 * its sync status), one event's sync status, and changing or cancelling one occurrence of a series.
 */
function registerEventCalendarRoutes(app: FastifyInstance, calendar: EventCalendar): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const OccurrenceParams = Type.Object({ id: Uuid, date: OccurrenceDate });

  api.get(
    '/api/events/calendar',
    {
      schema: {
        querystring: Type.Object(
          {
            from: Type.String({ format: 'date-time', maxLength: 40 }),
            to: Type.String({ format: 'date-time', maxLength: 40 }),
            owner: Owner,
            limit: Limit(500, 200),
            cursor: Type.Optional(Type.String({ maxLength: 6 })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const { from, to, owner, limit, cursor } = request.query;
      return calendar.window(actorOf(request), {
        from: new Date(from),
        to: new Date(to),
        owner,
        limit,
        cursor,
      });
    },
  );

  api.get('/api/events/:id/sync-status', { schema: { params: IdParams } }, async (request) =>
    calendar.syncStatus(actorOf(request), request.params.id),
  );

  api.patch(
    '/api/events/:id/occurrences/:date',
    { schema: { params: OccurrenceParams, headers: IfMatchHeaders, body: OccurrenceChange } },
    async (request, reply) =>
      sendRecord(
        reply,
        await calendar.changeOccurrence(
          actorOf(request),
          request.params.id,
          request.params.date,
          request.body,
          parseIfMatch(request.headers['if-match']),
        ),
      ),
  );

  api.delete(
    '/api/events/:id/occurrences/:date',
    { schema: { params: OccurrenceParams, headers: IfMatchHeaders } },
    async (request, reply) =>
      sendRecord(
        reply,
        await calendar.cancelOccurrence(
          actorOf(request),
          request.params.id,
          request.params.date,
          parseIfMatch(request.headers['if-match']),
        ),
      ),
  );
}

function sendRecord(reply: FastifyReply, record: CrmRecord): FastifyReply {
  return reply.header('etag', `"${record.version}"`).send(record);
}

/** `If-Match: "3"` (or `W/"3"`, or a bare 3) names the version the caller last saw. */
function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header === '*') return undefined;
  const match = /^(?:W\/)?"?(\d{1,9})"?$/.exec(header.trim());
  if (!match?.[1]) throw badRequest('If-Match must be the version (ETag) returned for the record, e.g. "3".');
  return Number(match[1]);
}
