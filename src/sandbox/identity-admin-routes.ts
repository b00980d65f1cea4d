import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { IdentitySettings } from './entra-token-endpoint';
import type { GraphSandbox } from './graph-sandbox';
import { LIFECYCLE_EVENTS, type LifecycleEvent, type NotificationSettings } from './notification-delivery';
import type { UserRecord } from './sandbox-state';

/** Entra's token endpoint and instance discovery, and the admin switches of identity and notifications. */

function origin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

function adminError(reply: FastifyReply, status: number, code: string, message: string) {
  return reply.code(status).send({ error: { code, message } });
}

function jsonObject(request: FastifyRequest): Record<string, unknown> | undefined {
  const raw = request.body;
  if (typeof raw !== 'string' || raw.trim() === '') return {};
  try {
    const body: unknown = JSON.parse(raw);
    return body !== null && typeof body === 'object' && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Parses the JSON body and the sandbox user it names; answers the 4xx itself and returns undefined. */
function userFrom(
  sandbox: GraphSandbox,
  reply: FastifyReply,
  body: Record<string, unknown> | undefined,
): UserRecord | undefined {
  if (!body) {
    void adminError(reply, 400, 'BadRequest', 'The body must be a JSON object.');
    return undefined;
  }
  if (typeof body.user !== 'string' || body.user === '') {
    void adminError(reply, 400, 'BadRequest', 'A "user" is required.');
    return undefined;
  }
  const user = sandbox.findUser(body.user);
  if (!user) void adminError(reply, 404, 'NotFound', `No sandbox user ${body.user}.`);
  return user;
}

/** Reads non-negative numbers (and booleans) of `keys` from the body; a wrong type names the field. */
function settingsFrom<T extends object>(
  body: Record<string, unknown>,
  numbers: (keyof T & string)[],
  booleans: (keyof T & string)[] = [],
): Partial<T> | string {
  const out: Record<string, unknown> = {};
  for (const key of numbers) {
    const value = body[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      return `${key} must be a non-negative number.`;
    }
    out[key] = value;
  }
  for (const key of booleans) {
    const value = body[key];
    if (value === undefined) continue;
    if (typeof value !== 'boolean') return `${key} must be true or false.`;
    out[key] = value;
  }
  return out as Partial<T>;
}

export function entraRoutes(app: FastifyInstance, sandbox: GraphSandbox): void {
  app.post<{ Params: { tenant: string } }>('/sandbox/:tenant/oauth2/v2.0/token', async (request, reply) => {
    const form = new URLSearchParams(typeof request.body === 'string' ? request.body : '');
    const answer = sandbox.entra.handle(
      request.params.tenant,
      form,
      request.headers.authorization,
      origin(request),
    );
    return reply
      .code(answer.status)
      .header('Cache-Control', 'no-store, no-cache')
      .header('Pragma', 'no-cache')
      .header('Content-Type', 'application/json; charset=utf-8')
      .send(JSON.stringify(answer.body));
  });

  // Entra's instance discovery, for clients configured with it (`cloudDiscoveryMetadata`).
  app.get('/sandbox/common/discovery/instance', async (request) => {
    const host = request.host;
    return {
      tenant_discovery_endpoint: `${origin(request)}/sandbox/common/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    };
  });
}

const IDENTITY_NUMBERS: (keyof IdentitySettings)[] = [
  'accessTokenLifetimeSeconds',
  'refreshTokenLifetimeSeconds',
];
const IDENTITY_BOOLEANS: (keyof IdentitySettings)[] = ['invalidateRotatedRefreshTokens'];

export function identityAdminRoutes(app: FastifyInstance, sandbox: GraphSandbox): void {
  app.get('/sandbox/admin/identity', async () => ({
    clientId: sandbox.entra.client.clientId,
    ...sandbox.entra.settings,
  }));
  app.put('/sandbox/admin/identity', async (request, reply) => {
    const body = jsonObject(request);
    if (!body) return adminError(reply, 400, 'BadRequest', 'The body must be a JSON object.');
    const settings = settingsFrom<IdentitySettings>(body, IDENTITY_NUMBERS, IDENTITY_BOOLEANS);
    if (typeof settings === 'string') return adminError(reply, 400, 'BadRequest', settings);
    for (const key of IDENTITY_NUMBERS) {
      if (settings[key] === 0) return adminError(reply, 400, 'BadRequest', `${key} must be positive.`);
    }
    return { clientId: sandbox.entra.client.clientId, ...sandbox.entra.configure(settings) };
  });

  // A user's grant switches: account enabled, consent granted.
  app.get<{ Querystring: { user?: string } }>('/sandbox/admin/identity/users', async (request, reply) => {
    const user = userFrom(sandbox, reply, { user: request.query.user });
    if (!user) return reply;
    return {
      user: user.userPrincipalName,
      ...sandbox.entra.userFlags(user),
      liveRefreshTokens: sandbox.entra.liveRefreshTokens(user),
    };
  });
  app.put('/sandbox/admin/identity/users', async (request, reply) => {
    const body = jsonObject(request);
    const user = userFrom(sandbox, reply, body);
    if (!user) return reply;
    const flags = settingsFrom<{ accountEnabled: boolean; consentGranted: boolean }>(
      body!,
      [],
      ['accountEnabled', 'consentGranted'],
    );
    if (typeof flags === 'string') return adminError(reply, 400, 'BadRequest', flags);
    const before = sandbox.entra.userFlags(user);
    const after = sandbox.entra.setUserFlags(user, flags);
    // Losing access asks the user's subscriptions for reauthorization, as Graph does.
    if (
      (before.accountEnabled && !after.accountEnabled) ||
      (before.consentGranted && !after.consentGranted)
    ) {
      sandbox.notifications.lifecycleForUser(user.id, 'reauthorizationRequired');
    }
    return { user: user.userPrincipalName, ...after };
  });

  // Ends a user's refresh tokens: revoked (AADSTS50173) or expired (AADSTS700082).
  for (const how of ['revoke', 'expire'] as const) {
    app.post(`/sandbox/admin/identity/refresh-tokens/${how}`, async (request, reply) => {
      const user = userFrom(sandbox, reply, jsonObject(request));
      if (!user) return reply;
      const ended = sandbox.entra.endRefreshTokens(user, how === 'revoke' ? 'revoked' : 'expired');
      if (how === 'revoke') sandbox.notifications.lifecycleForUser(user.id, 'reauthorizationRequired');
      return { user: user.userPrincipalName, [how === 'revoke' ? 'revoked' : 'expired']: ended };
    });
  }
}

const NOTIFICATION_NUMBERS: (keyof NotificationSettings)[] = [
  'delayMs',
  'retryBaseMs',
  'maxAttempts',
  'deliveryTimeoutMs',
  'validationTimeoutMs',
];

export function notificationAdminRoutes(app: FastifyInstance, sandbox: GraphSandbox): void {
  const notifier = sandbox.notifications;
  app.get('/sandbox/admin/notifications', async () => ({
    ...notifier.settings,
    stats: { ...notifier.stats },
  }));
  app.put('/sandbox/admin/notifications', async (request, reply) => {
    const body = jsonObject(request);
    if (!body) return adminError(reply, 400, 'BadRequest', 'The body must be a JSON object.');
    const settings = settingsFrom<NotificationSettings>(body, NOTIFICATION_NUMBERS);
    if (typeof settings === 'string') return adminError(reply, 400, 'BadRequest', settings);
    if (
      settings.maxAttempts !== undefined &&
      (settings.maxAttempts < 1 || !Number.isInteger(settings.maxAttempts))
    ) {
      return adminError(reply, 400, 'BadRequest', 'maxAttempts must be a positive integer.');
    }
    return { ...notifier.configure(settings), stats: { ...notifier.stats } };
  });

  // Subscriptions of one user (or all), without their clientState.
  app.get<{ Querystring: { user?: string } }>('/sandbox/admin/subscriptions', async (request, reply) => {
    let userId: string | undefined;
    if (request.query.user !== undefined) {
      const user = userFrom(sandbox, reply, { user: request.query.user });
      if (!user) return reply;
      userId = user.id;
    }
    return {
      value: notifier.active(userId).map(({ clientState: _secret, ...rest }) => rest),
    };
  });

  // Sends a lifecycle notification now: reauthorizationRequired, subscriptionRemoved or missed.
  app.post<{ Params: { id: string } }>(
    '/sandbox/admin/subscriptions/:id/lifecycle',
    async (request, reply) => {
      const body = jsonObject(request);
      if (!body) return adminError(reply, 400, 'BadRequest', 'The body must be a JSON object.');
      const event = body.lifecycleEvent;
      if (!LIFECYCLE_EVENTS.includes(event as LifecycleEvent)) {
        return adminError(
          reply,
          400,
          'BadRequest',
          `lifecycleEvent must be one of ${LIFECYCLE_EVENTS.join(', ')}.`,
        );
      }
      const subscription = notifier.find(request.params.id);
      if (!subscription)
        return adminError(reply, 404, 'NotFound', `No active subscription ${request.params.id}.`);
      const delivered = await notifier.lifecycle(subscription, event as LifecycleEvent);
      return reply.code(202).send({ lifecycleEvent: event, delivered });
    },
  );
}
