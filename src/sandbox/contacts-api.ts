import { ifMatchSatisfied, offsetPage, orderByComparator } from './collection-page';
import { deltaStart, servePage, startRound } from './delta-rounds';
import { expandedProperties, mergeExtendedProperties, parseExtendedProperties } from './extended-properties';
import type { GraphContext, RouteDefinition } from './graph-dispatcher';
import { badRequest, GraphError, itemNotFound, unknownProperty } from './graph-error';
import { applySelect, graphUrl, odataContext, parseSelect } from './graph-request';
import { formatInstant } from './graph-time';
import { matchesFilter, parseFilter } from './odata-filter';
import { newChangeKey, newItemId } from './sandbox-ids';
import type { ContactFolderRecord, ContactRecord, ExtendedPropertyRecord } from './sandbox-state';

const READ = ['Contacts.Read', 'Contacts.ReadWrite'];
const WRITE = ['Contacts.ReadWrite'];

const STRINGS = [
  'assistantName',
  'businessHomePage',
  'companyName',
  'department',
  'displayName',
  'fileAs',
  'generation',
  'givenName',
  'initials',
  'jobTitle',
  'manager',
  'middleName',
  'mobilePhone',
  'nickName',
  'officeLocation',
  'personalNotes',
  'profession',
  'spouseName',
  'surname',
  'title',
  'yomiCompanyName',
  'yomiGivenName',
  'yomiSurname',
];
const STRING_COLLECTIONS = ['businessPhones', 'homePhones', 'categories', 'children', 'imAddresses'];
const ADDRESSES = ['businessAddress', 'homeAddress', 'otherAddress'];
const ADDRESS_FIELDS = ['street', 'city', 'state', 'postalCode', 'countryOrRegion'];
const READ_ONLY = ['id', 'changeKey', 'parentFolderId', 'createdDateTime', 'lastModifiedDateTime'];
/** Exchange's fixed slots: three email addresses, two business and two home phones, three IM addresses. */
const COLLECTION_LIMITS: Record<string, { max: number; noun: string }> = {
  emailAddresses: { max: 3, noun: 'email addresses' },
  businessPhones: { max: 2, noun: 'business phone numbers' },
  homePhones: { max: 2, noun: 'home phone numbers' },
  imAddresses: { max: 3, noun: 'IM addresses' },
};

/** The stored order follows Graph's answers, so contacts read the way Graph prints them. */
const RENDER_ORDER = [
  'birthday',
  'fileAs',
  'displayName',
  'givenName',
  'initials',
  'middleName',
  'nickName',
  'surname',
  'title',
  'yomiGivenName',
  'yomiSurname',
  'yomiCompanyName',
  'generation',
  'imAddresses',
  'jobTitle',
  'companyName',
  'department',
  'officeLocation',
  'profession',
  'businessHomePage',
  'assistantName',
  'manager',
  'homePhones',
  'mobilePhone',
  'businessPhones',
  'spouseName',
  'personalNotes',
  'children',
  'emailAddresses',
  'homeAddress',
  'businessAddress',
  'otherAddress',
];

interface ContactInput {
  data: Record<string, unknown>;
  extended?: ExtendedPropertyRecord[];
}

function parseContactInput(body: unknown): ContactInput {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest('A contact body is required.', 'RequestBodyRead');
  }
  const data: Record<string, unknown> = {};
  let extended: ExtendedPropertyRecord[] | undefined;
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (key.startsWith('@odata.') || READ_ONLY.includes(key)) continue;
    if (key === 'singleValueExtendedProperties') {
      extended = parseExtendedProperties(value);
    } else if (STRINGS.includes(key)) {
      if (value !== null && typeof value !== 'string')
        throw badRequest(`${key} must be a string.`, 'RequestBodyRead');
      data[key] = value;
    } else if (STRING_COLLECTIONS.includes(key)) {
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
        throw badRequest(`${key} must be a collection of strings.`, 'RequestBodyRead');
      }
      data[key] = [...value];
    } else if (key === 'emailAddresses') {
      if (!Array.isArray(value)) throw badRequest('emailAddresses must be a collection.', 'RequestBodyRead');
      data[key] = value.map((entry) => {
        if (entry === null || typeof entry !== 'object')
          throw badRequest('Invalid email address.', 'RequestBodyRead');
        const { name, address, ...rest } = entry as Record<string, unknown>;
        const extra = Object.keys(rest)[0];
        if (extra) throw unknownProperty(extra, 'emailAddress');
        return {
          ...(typeof name === 'string' ? { name } : {}),
          address: typeof address === 'string' ? address : null,
        };
      });
    } else if (ADDRESSES.includes(key)) {
      if (value === null) {
        data[key] = {};
        continue;
      }
      if (typeof value !== 'object' || Array.isArray(value))
        throw badRequest(`${key} must be an object.`, 'RequestBodyRead');
      const address: Record<string, unknown> = {};
      for (const [field, fieldValue] of Object.entries(value as Record<string, unknown>)) {
        if (!ADDRESS_FIELDS.includes(field)) throw unknownProperty(field, 'physicalAddress');
        if (fieldValue !== null && typeof fieldValue !== 'string')
          throw badRequest(`${key}.${field} must be a string.`, 'RequestBodyRead');
        if (fieldValue !== null) address[field] = fieldValue;
      }
      data[key] = address;
    } else if (key === 'birthday') {
      if (value !== null && (typeof value !== 'string' || Number.isNaN(Date.parse(value)))) {
        throw badRequest(
          `Cannot convert the literal '${String(value)}' to the expected type 'Edm.DateTimeOffset'.`,
          'RequestBodyRead',
        );
      }
      data[key] = value === null ? null : new Date(value as string).toISOString().replace(/\.\d{3}Z$/, 'Z');
    } else {
      throw unknownProperty(key, 'contact');
    }
  }
  for (const [key, { max, noun }] of Object.entries(COLLECTION_LIMITS)) {
    const list = data[key];
    if (Array.isArray(list) && list.length > max) {
      throw badRequest(`A contact can have at most ${max} ${noun}.`, 'ErrorInvalidRequest');
    }
  }
  return { data, ...(extended ? { extended } : {}) };
}

function emptyContactData(): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const key of RENDER_ORDER) {
    if (STRING_COLLECTIONS.includes(key) || key === 'emailAddresses') data[key] = [];
    else if (ADDRESSES.includes(key)) data[key] = {};
    else data[key] = null;
  }
  return data;
}

function renderContact(contact: ContactRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {
    '@odata.etag': `W/"${contact.changeKey}"`,
    id: contact.id,
    createdDateTime: formatInstant(contact.createdAt),
    lastModifiedDateTime: formatInstant(contact.modifiedAt),
    changeKey: contact.changeKey,
    categories: structuredClone(contact.data.categories ?? []),
    parentFolderId: contact.folderId,
  };
  for (const key of RENDER_ORDER) out[key] = structuredClone(contact.data[key] ?? null);
  return out;
}

function contactEntity(ctx: GraphContext, contact: ContactRecord): Record<string, unknown> {
  const expanded = expandedProperties(ctx.req.query.get('$expand'), contact.extended);
  const out: Record<string, unknown> = {
    '@odata.context': odataContext(ctx.req.origin, `users('${ctx.caller.id}')/contacts/$entity`),
    ...applySelect(renderContact(contact), parseSelect(ctx.req.query)),
  };
  if (expanded) out.singleValueExtendedProperties = expanded;
  return out;
}

function renderFolder(ctx: GraphContext, folder: ContactFolderRecord): Record<string, unknown> {
  const expanded = expandedProperties(ctx.req.query.get('$expand'), folder.extended ?? []);
  return {
    id: folder.id,
    displayName: folder.displayName,
    parentFolderId: folder.parentFolderId,
    ...(expanded ? { singleValueExtendedProperties: expanded } : {}),
  };
}

function defaultFolder(ctx: GraphContext): ContactFolderRecord {
  return Object.values(ctx.mailbox.contactFolders).find((f) => f.isDefault)!;
}

function routeFolder(ctx: GraphContext): ContactFolderRecord {
  const id = ctx.params.folderId;
  if (id === undefined) return defaultFolder(ctx);
  const folder = ctx.mailbox.contactFolders[id];
  if (!folder) throw itemNotFound();
  return folder;
}

function routeContact(ctx: GraphContext): ContactRecord {
  const contact = ctx.mailbox.contacts[ctx.params.id!];
  if (!contact) throw itemNotFound();
  if (ctx.params.folderId !== undefined && contact.folderId !== routeFolder(ctx).id) throw itemNotFound();
  return contact;
}

interface FolderInput {
  displayName?: string;
  extended?: ExtendedPropertyRecord[];
}

function parseFolderBody(body: unknown, requireName: boolean): FolderInput {
  const input = (body ?? {}) as Record<string, unknown>;
  const allowed = ['displayName', 'id', 'parentFolderId', 'singleValueExtendedProperties'];
  for (const key of Object.keys(input)) {
    if (!key.startsWith('@odata.') && !allowed.includes(key)) throw unknownProperty(key, 'contactFolder');
  }
  const out: FolderInput = {};
  if (input.singleValueExtendedProperties !== undefined)
    out.extended = parseExtendedProperties(input.singleValueExtendedProperties);
  if (input.displayName === undefined && !requireName) return out;
  if (typeof input.displayName !== 'string' || input.displayName.trim() === '') {
    throw badRequest('The folder name is required.', 'ErrorInvalidRequest');
  }
  return { ...out, displayName: input.displayName };
}

function assertUniqueFolder(ctx: GraphContext, name: string, except?: string): void {
  const clash = Object.values(ctx.mailbox.contactFolders).some(
    (f) => f.id !== except && f.displayName.toLowerCase() === name.toLowerCase(),
  );
  if (clash)
    throw new GraphError(409, 'ErrorFolderExists', 'A folder with the specified name already exists.');
}

function listFolders(ctx: GraphContext) {
  const root = defaultFolder(ctx);
  const select = parseSelect(ctx.req.query);
  let folders = Object.values(ctx.mailbox.contactFolders)
    .filter((f) => f.parentFolderId === root.id)
    .map((f) => applySelect(renderFolder(ctx, f), select));
  const filterText = ctx.req.query.get('$filter');
  if (filterText) {
    const filter = parseFilter(filterText);
    folders = folders.filter((f) => matchesFilter(filter, f));
  }
  return offsetPage(ctx, folders, {
    defaultTop: 10,
    maxTop: 1000,
    context: `users('${ctx.caller.id}')/contactFolders`,
  });
}

function createFolder(ctx: GraphContext) {
  const input = parseFolderBody(ctx.req.body, true);
  const name = input.displayName!;
  assertUniqueFolder(ctx, name);
  const folder: ContactFolderRecord = {
    id: newItemId(),
    displayName: name,
    parentFolderId: defaultFolder(ctx).id,
    isDefault: false,
    extended: input.extended ?? [],
  };
  ctx.mailbox.contactFolders[folder.id] = folder;
  ctx.sandbox.touch(ctx.mailbox, 'contactFolders', folder.id);
  return {
    status: 201,
    body: {
      '@odata.context': odataContext(ctx.req.origin, `users('${ctx.caller.id}')/contactFolders/$entity`),
      ...renderFolder(ctx, folder),
    },
  };
}

function getFolder(ctx: GraphContext) {
  return {
    body: {
      '@odata.context': odataContext(ctx.req.origin, `users('${ctx.caller.id}')/contactFolders/$entity`),
      ...applySelect(renderFolder(ctx, routeFolder(ctx)), parseSelect(ctx.req.query)),
    },
  };
}

function updateFolder(ctx: GraphContext) {
  const folder = routeFolder(ctx);
  const input = parseFolderBody(ctx.req.body, false);
  if (input.displayName !== undefined) {
    assertUniqueFolder(ctx, input.displayName, folder.id);
    folder.displayName = input.displayName;
  }
  if (input.extended) folder.extended = mergeExtendedProperties(folder.extended ?? [], input.extended);
  ctx.sandbox.touch(ctx.mailbox, 'contactFolders', folder.id);
  return { body: renderFolder(ctx, folder) };
}

function deleteFolder(ctx: GraphContext) {
  const folder = routeFolder(ctx);
  if (folder.isDefault) {
    throw badRequest('Distinguished folders cannot be deleted.', 'ErrorDeleteDistinguishedFolder');
  }
  delete ctx.mailbox.contactFolders[folder.id];
  ctx.sandbox.touch(ctx.mailbox, 'contactFolders', folder.id);
  for (const contact of Object.values(ctx.mailbox.contacts)) {
    if (contact.folderId !== folder.id) continue;
    delete ctx.mailbox.contacts[contact.id];
    ctx.sandbox.touch(ctx.mailbox, 'contacts', contact.id);
  }
  for (const [token, state] of Object.entries(ctx.mailbox.deltaStates)) {
    if (state.containerId !== folder.id) continue;
    delete ctx.mailbox.deltaStates[token];
    ctx.sandbox.touch(ctx.mailbox, 'deltaStates', token);
  }
  return { status: 204 };
}

const CONTACT_ORDER = [
  'displayName',
  'givenName',
  'surname',
  'companyName',
  'createdDateTime',
  'lastModifiedDateTime',
];

function listContacts(ctx: GraphContext) {
  const folder = routeFolder(ctx);
  let contacts = Object.values(ctx.mailbox.contacts)
    .filter((c) => c.folderId === folder.id)
    .sort((a, b) => a.createdAt - b.createdAt);
  const filterText = ctx.req.query.get('$filter');
  if (filterText) {
    const filter = parseFilter(filterText);
    contacts = contacts.filter((c) =>
      matchesFilter(filter, { ...renderContact(c), singleValueExtendedProperties: c.extended }),
    );
  }
  const orderBy = ctx.req.query.get('$orderby');
  const comparator = orderByComparator(orderBy, CONTACT_ORDER);
  if (orderBy && !comparator)
    throw badRequest(`The $orderby expression '${orderBy}' is not supported.`, 'ErrorInvalidProperty');
  let rendered = contacts.map((c) => ({ contact: c, full: renderContact(c) }));
  if (comparator) rendered = rendered.sort((a, b) => comparator(a.full, b.full));
  const select = parseSelect(ctx.req.query);
  const expand = ctx.req.query.get('$expand');
  const items = rendered.map(({ contact, full }) => {
    const item = applySelect(full, select);
    const expanded = expandedProperties(expand, contact.extended);
    if (expanded) item.singleValueExtendedProperties = expanded;
    return item;
  });
  return offsetPage(ctx, items, {
    defaultTop: 10,
    maxTop: 1000,
    context: `users('${ctx.caller.id}')/contacts`,
  });
}

function createContact(ctx: GraphContext) {
  const folder = routeFolder(ctx);
  const input = parseContactInput(ctx.req.body);
  const data = { ...emptyContactData(), ...input.data };
  if (!data.displayName) {
    data.displayName = [data.givenName, data.middleName, data.surname]
      .filter((s) => typeof s === 'string' && s)
      .join(' ');
  }
  const now = ctx.sandbox.now();
  const contact: ContactRecord = {
    id: newItemId(),
    folderId: folder.id,
    changeKey: newChangeKey(),
    createdAt: now,
    modifiedAt: now,
    data,
    extended: input.extended ?? [],
  };
  ctx.mailbox.contacts[contact.id] = contact;
  ctx.sandbox.touch(ctx.mailbox, 'contacts', contact.id);
  return { status: 201, body: contactEntity(ctx, contact) };
}

function getContact(ctx: GraphContext) {
  return { body: contactEntity(ctx, routeContact(ctx)) };
}

function assertIfMatch(ctx: GraphContext, contact: ContactRecord): void {
  if (!ifMatchSatisfied(ctx.req.headers['if-match'], contact.changeKey)) {
    throw new GraphError(
      ctx.sandbox.behaviour.staleIfMatchStatus,
      'ErrorIrresolvableConflict',
      'The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.',
    );
  }
}

function updateContact(ctx: GraphContext) {
  const contact = routeContact(ctx);
  assertIfMatch(ctx, contact);
  const input = parseContactInput(ctx.req.body);
  const data = { ...contact.data, ...input.data };
  for (const [key, { max, noun }] of Object.entries(COLLECTION_LIMITS)) {
    const list = data[key];
    if (Array.isArray(list) && list.length > max)
      throw badRequest(`A contact can have at most ${max} ${noun}.`, 'ErrorInvalidRequest');
  }
  contact.data = data;
  if (input.extended) contact.extended = mergeExtendedProperties(contact.extended, input.extended);
  contact.changeKey = newChangeKey();
  contact.modifiedAt = ctx.sandbox.now();
  ctx.sandbox.touch(ctx.mailbox, 'contacts', contact.id);
  return { body: contactEntity(ctx, contact) };
}

function deleteContact(ctx: GraphContext) {
  const contact = routeContact(ctx);
  assertIfMatch(ctx, contact);
  delete ctx.mailbox.contacts[contact.id];
  ctx.sandbox.touch(ctx.mailbox, 'contacts', contact.id);
  return { status: 204 };
}

function contactsDelta(ctx: GraphContext) {
  const folder = routeFolder(ctx);
  for (const unsupported of ['$filter', '$orderby', '$search', '$expand']) {
    if (ctx.req.query.has(unsupported)) {
      throw badRequest(
        `The query parameter '${unsupported}' is not supported with change tracking over contacts.`,
        'ErrorInvalidUrlQuery',
      );
    }
  }
  const start = deltaStart(ctx, folder.id);
  if (start.kind === 'page') return servePage(ctx, start.page);
  const previous = start.kind === 'round' ? start.previous : undefined;
  const selectText = previous ? previous.select : ctx.req.query.get('$select');
  const select = selectText ? parseSelect(new URLSearchParams({ $select: selectText })) : undefined;
  const contacts = Object.values(ctx.mailbox.contacts).filter((c) => c.folderId === folder.id);
  const restart = new URLSearchParams(selectText ? { $select: selectText } : {});
  const restartPath = graphUrl('', ctx.requestPath, restart).slice('/graph/v1.0'.length);
  return startRound(
    ctx,
    { kind: 'contacts', containerId: folder.id, odataType: '#microsoft.graph.contact' },
    previous,
    {
      items: contacts,
      id: (c) => c.id,
      fingerprint: (c) => c.changeKey,
      render: (c) => applySelect(renderContact(c), select),
      order: (items) => items.sort((a, b) => a.createdAt - b.createdAt),
    },
    selectText,
    restartPath,
  );
}

const containers = ['/me', '/me/contactFolders/{folderId}'];

export const contactRoutes: RouteDefinition[] = [
  { method: 'GET', template: '/me/contactFolders', scopes: READ, handler: listFolders },
  { method: 'POST', template: '/me/contactFolders', scopes: WRITE, handler: createFolder },
  { method: 'GET', template: '/me/contactFolders/{folderId}', scopes: READ, handler: getFolder },
  { method: 'PATCH', template: '/me/contactFolders/{folderId}', scopes: WRITE, handler: updateFolder },
  { method: 'DELETE', template: '/me/contactFolders/{folderId}', scopes: WRITE, handler: deleteFolder },
  ...containers.flatMap((prefix): RouteDefinition[] => [
    { method: 'GET', template: `${prefix}/contacts/delta`, scopes: READ, handler: contactsDelta },
    { method: 'GET', template: `${prefix}/contacts`, scopes: READ, handler: listContacts },
    { method: 'POST', template: `${prefix}/contacts`, scopes: WRITE, handler: createContact },
    { method: 'GET', template: `${prefix}/contacts/{id}`, scopes: READ, handler: getContact },
    { method: 'PATCH', template: `${prefix}/contacts/{id}`, scopes: WRITE, handler: updateContact },
    { method: 'DELETE', template: `${prefix}/contacts/{id}`, scopes: WRITE, handler: deleteContact },
  ]),
];
