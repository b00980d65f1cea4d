import { randomUUID } from 'node:crypto';
import type { GraphContext, RouteDefinition } from './graph-dispatcher';
import { badRequest, GraphError } from './graph-error';
import { odataContext } from './graph-request';
import {
  MAX_SUBSCRIPTION_MINUTES,
  type SubscriptionRecord,
  type SubscriptionTarget,
} from './notification-delivery';

/** `/subscriptions`: Graph change notifications for a mailbox's events and contacts. */

const CALENDAR_SCOPES = ['Calendars.Read', 'Calendars.ReadWrite'];
const CONTACT_SCOPES = ['Contacts.Read', 'Contacts.ReadWrite'];
const ANY_SCOPE = [...CALENDAR_SCOPES, ...CONTACT_SCOPES];
const CHANGE_TYPES = ['created', 'updated', 'deleted'];
const WRITABLE = new Set([
  'changeType',
  'notificationUrl',
  'lifecycleNotificationUrl',
  'resource',
  'expirationDateTime',
  'clientState',
  'latestSupportedTlsVersion',
  'includeResourceData',
  'encryptionCertificate',
  'encryptionCertificateId',
  'notificationQueryOptions',
  'notificationUrlAppId',
]);

const invalid = (message: string) => badRequest(message, 'InvalidRequest');

function bodyOf(ctx: GraphContext): Record<string, unknown> {
  const body = ctx.req.body;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw invalid('The request body must be a subscription object.');
  }
  return body as Record<string, unknown>;
}

/** The documented Outlook resources: mailbox-wide events, and contacts (default folder or a given one). */
function parseResource(ctx: GraphContext, resource: string): SubscriptionTarget {
  const segments = resource.replace(/^\/+/, '').split('?')[0]!.split('/').filter(Boolean);
  let rest: string[];
  if (segments[0]?.toLowerCase() === 'me') rest = segments.slice(1);
  else if (segments[0]?.toLowerCase() === 'users' && segments.length > 1) {
    const key = decodeURIComponent(segments[1]!);
    const user = ctx.sandbox.findUser(key);
    if (!user || user.tenantId !== ctx.caller.tenantId) {
      throw new GraphError(404, 'ErrorInvalidUser', `The requested user '${key}' is invalid.`);
    }
    if (user.id !== ctx.caller.id) {
      throw new GraphError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
    }
    rest = segments.slice(2);
  } else rest = [];
  const path = rest.map((s) => s.toLowerCase());
  const allowed = (scopes: string[]) => {
    const granted = ctx.grantedScopes;
    if (!scopes.some((s) => granted.has(s.toLowerCase()))) {
      throw new GraphError(
        403,
        'ExtensionError',
        'Operation: Create; Exception: [Status Code: Forbidden; Reason: Access is denied.]',
      );
    }
  };
  if (path.length === 1 && path[0] === 'events') {
    allowed(CALENDAR_SCOPES);
    return { kind: 'events' };
  }
  if (path.length === 1 && path[0] === 'contacts') {
    allowed(CONTACT_SCOPES);
    const folder = Object.values(ctx.mailbox.contactFolders).find((f) => f.isDefault)!;
    return { kind: 'contacts', folderId: folder.id };
  }
  if (path.length === 3 && path[0] === 'contactfolders' && path[2] === 'contacts') {
    allowed(CONTACT_SCOPES);
    const folderId = decodeURIComponent(rest[1]!);
    if (!ctx.mailbox.contactFolders[folderId]) {
      throw new GraphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
    }
    return { kind: 'contacts', folderId };
  }
  throw invalid(
    `The resource '${resource}' is not supported for change notifications. Subscribe to me/events, me/contacts or me/contactFolders/{id}/contacts.`,
  );
}

function parseExpiration(ctx: GraphContext, value: unknown): string {
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) {
    throw invalid('expirationDateTime is required and must be an ISO 8601 date and time.');
  }
  const at = Date.parse(value);
  const now = ctx.sandbox.now();
  if (at <= now) throw invalid('Subscription expiration must be in the future.');
  if (at > now + MAX_SUBSCRIPTION_MINUTES * 60_000) {
    throw invalid(`Subscription expiration can only be ${MAX_SUBSCRIPTION_MINUTES} minutes in the future.`);
  }
  return new Date(at).toISOString();
}

function parseUrl(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') throw invalid(`${field} is required.`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(`${field} must be an absolute URL.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw invalid(`${field} must be an HTTP(S) URL.`);
  return value;
}

function render(ctx: GraphContext, record: SubscriptionRecord, entity = true): Record<string, unknown> {
  return {
    ...(entity ? { '@odata.context': odataContext(ctx.req.origin, 'subscriptions/$entity') } : {}),
    id: record.id,
    resource: record.resource,
    applicationId: record.applicationId,
    changeType: record.changeType,
    clientState: record.clientState,
    notificationUrl: record.notificationUrl,
    notificationQueryOptions: null,
    lifecycleNotificationUrl: record.lifecycleNotificationUrl,
    expirationDateTime: record.expirationDateTime,
    creatorId: record.userId,
    includeResourceData: false,
    latestSupportedTlsVersion: 'v1_2',
    encryptionCertificate: null,
    encryptionCertificateId: null,
    notificationUrlAppId: null,
  };
}

async function createSubscription(ctx: GraphContext) {
  const body = bodyOf(ctx);
  for (const key of Object.keys(body)) {
    if (!WRITABLE.has(key) && !key.startsWith('@odata.')) {
      throw new GraphError(
        400,
        'RequestBodyRead',
        `The property '${key}' does not exist on type 'microsoft.graph.subscription'.`,
      );
    }
  }
  if (typeof body.changeType !== 'string' || body.changeType === '') throw invalid('changeType is required.');
  const changeTypes = body.changeType.split(',').map((s) => s.trim());
  if (
    changeTypes.some((c) => !CHANGE_TYPES.includes(c)) ||
    new Set(changeTypes).size !== changeTypes.length
  ) {
    throw invalid(
      `changeType '${body.changeType}' is invalid: use created, updated and/or deleted, comma-separated.`,
    );
  }
  if (typeof body.resource !== 'string' || body.resource === '') throw invalid('resource is required.');
  const target = parseResource(ctx, body.resource);
  const notificationUrl = parseUrl(body.notificationUrl, 'notificationUrl');
  const lifecycleNotificationUrl =
    body.lifecycleNotificationUrl === undefined || body.lifecycleNotificationUrl === null
      ? null
      : parseUrl(body.lifecycleNotificationUrl, 'lifecycleNotificationUrl');
  const expirationDateTime = parseExpiration(ctx, body.expirationDateTime);
  let clientState: string | null = null;
  if (body.clientState !== undefined && body.clientState !== null) {
    if (typeof body.clientState !== 'string' || body.clientState.length > 128) {
      throw invalid('clientState must be a string of at most 128 characters.');
    }
    clientState = body.clientState;
  }
  if (body.includeResourceData === true) {
    throw invalid('includeResourceData needs an encryptionCertificate, which this service does not accept.');
  }
  const notifier = ctx.sandbox.notifications;
  if (notifier.active(ctx.caller.id).length >= 1000) {
    throw new GraphError(
      403,
      'ExtensionError',
      'The maximum number of subscriptions for this mailbox has been reached.',
    );
  }
  for (const url of [notificationUrl, lifecycleNotificationUrl]) {
    if (!url) continue;
    const failure = await notifier.validate(url);
    if (failure) throw new GraphError(400, 'ValidationError', failure);
  }
  const record: SubscriptionRecord = {
    id: randomUUID(),
    resource: body.resource,
    target,
    userId: ctx.caller.id,
    tenantId: ctx.caller.tenantId,
    applicationId: ctx.applicationId,
    changeType: changeTypes.join(','),
    clientState,
    notificationUrl,
    lifecycleNotificationUrl,
    expirationDateTime,
    createdAt: ctx.sandbox.now(),
  };
  notifier.add(record);
  return { status: 201, body: render(ctx, record) };
}

function ownSubscription(ctx: GraphContext): SubscriptionRecord {
  const record = ctx.sandbox.notifications.find(ctx.params.id!);
  if (!record || record.userId !== ctx.caller.id) {
    throw new GraphError(404, 'ResourceNotFound', `The object was not found.`);
  }
  return record;
}

function listSubscriptions(ctx: GraphContext) {
  const records = ctx.sandbox.notifications.active(ctx.caller.id);
  return {
    body: {
      '@odata.context': odataContext(ctx.req.origin, 'subscriptions'),
      value: records.map((r) => render(ctx, r, false)),
    },
  };
}

function getSubscription(ctx: GraphContext) {
  return { body: render(ctx, ownSubscription(ctx)) };
}

async function updateSubscription(ctx: GraphContext) {
  const record = ownSubscription(ctx);
  const body = bodyOf(ctx);
  for (const key of Object.keys(body)) {
    if (key !== 'expirationDateTime' && key !== 'notificationUrl' && !key.startsWith('@odata.')) {
      throw invalid(`Only expirationDateTime and notificationUrl can be updated, not '${key}'.`);
    }
  }
  const expirationDateTime =
    body.expirationDateTime === undefined
      ? record.expirationDateTime
      : parseExpiration(ctx, body.expirationDateTime);
  let notificationUrl = record.notificationUrl;
  if (body.notificationUrl !== undefined) {
    notificationUrl = parseUrl(body.notificationUrl, 'notificationUrl');
    if (notificationUrl !== record.notificationUrl) {
      const failure = await ctx.sandbox.notifications.validate(notificationUrl);
      if (failure) throw new GraphError(400, 'ValidationError', failure);
    }
  }
  record.expirationDateTime = expirationDateTime;
  record.notificationUrl = notificationUrl;
  return { body: render(ctx, record) };
}

function deleteSubscription(ctx: GraphContext) {
  ctx.sandbox.notifications.remove(ownSubscription(ctx).id);
  return { status: 204 };
}

function reauthorize(ctx: GraphContext) {
  ownSubscription(ctx);
  return { status: 204 };
}

export const subscriptionRoutes: RouteDefinition[] = [
  { method: 'GET', template: '/subscriptions', scopes: ANY_SCOPE, handler: listSubscriptions },
  { method: 'POST', template: '/subscriptions', scopes: ANY_SCOPE, handler: createSubscription },
  { method: 'GET', template: '/subscriptions/{id}', scopes: ANY_SCOPE, handler: getSubscription },
  { method: 'PATCH', template: '/subscriptions/{id}', scopes: ANY_SCOPE, handler: updateSubscription },
  { method: 'DELETE', template: '/subscriptions/{id}', scopes: ANY_SCOPE, handler: deleteSubscription },
  { method: 'POST', template: '/subscriptions/{id}/reauthorize', scopes: ANY_SCOPE, handler: reauthorize },
];
