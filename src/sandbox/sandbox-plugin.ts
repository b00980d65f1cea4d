import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { GraphError, graphErrorBody } from './graph-error';
import { GRAPH_PREFIX, type GraphRequest } from './graph-request';
import { issuerFor, type GraphSandbox, type SandboxBehaviour, type TokenAudience } from './graph-sandbox';
import type { FaultKind, FaultRule, SandboxFaults, SandboxLimits } from './mailbox-guard';
import { entraRoutes, identityAdminRoutes, notificationAdminRoutes } from './identity-admin-routes';
import { sandboxOutlookPage } from './outlook-page';

/** Admin and identity failures: a plain `{error:{code,message}}` with the status. */
class AdminError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const BODY_LIMIT = 16 * 1024 * 1024;

function origin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

function parseBody(raw: unknown): unknown {
  if (typeof raw !== 'string' || raw.trim() === '') return undefined;
  return JSON.parse(raw);
}

function jsonBody(request: FastifyRequest): Record<string, unknown> {
  let body: unknown;
  try {
    body = parseBody(request.body);
  } catch {
    throw new AdminError(400, 'BadRequest', 'The body is not valid JSON.');
  }
  if (body === undefined) return {};
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new AdminError(400, 'BadRequest', 'The body must be a JSON object.');
  }
  return body as Record<string, unknown>;
}

function headerMap(request: FastifyRequest): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function userOf(sandbox: GraphSandbox, key: unknown): string {
  if (typeof key !== 'string' || key === '') throw new AdminError(400, 'BadRequest', 'A "user" is required.');
  const user = sandbox.findUser(key);
  if (!user) throw new AdminError(404, 'NotFound', `No sandbox user ${key}.`);
  return user.userPrincipalName;
}

const LIMIT_KEYS: (keyof SandboxLimits)[] = [
  'requestsPerWindow',
  'windowMs',
  'maxConcurrent',
  'latencyMs',
  'concurrencyRetryAfterSeconds',
];
const FAULT_KINDS: FaultKind[] = [
  'throttle',
  'unavailable',
  'gatewayTimeout',
  'timeout',
  'drop',
  'lostAnswer',
];

function parseLimits(body: Record<string, unknown>): Partial<SandboxLimits> {
  const limits: Partial<SandboxLimits> = {};
  for (const key of LIMIT_KEYS) {
    const value = body[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new AdminError(400, 'BadRequest', `${key} must be a non-negative number.`);
    }
    limits[key] = value;
  }
  return limits;
}

function parseFaults(body: Record<string, unknown>): SandboxFaults {
  const faults: SandboxFaults = {};
  const count = (key: 'seed' | 'deltaEmptyPages' | 'deltaReplays') => {
    const value = body[key];
    if (value === undefined) return;
    if (!Number.isInteger(value) || (value as number) < 0) {
      throw new AdminError(400, 'BadRequest', `${key} must be a non-negative integer.`);
    }
    faults[key] = value as number;
  };
  count('seed');
  count('deltaEmptyPages');
  count('deltaReplays');
  if (body.rules !== undefined) {
    if (!Array.isArray(body.rules)) throw new AdminError(400, 'BadRequest', 'rules must be an array.');
    faults.rules = body.rules.map((raw): FaultRule => {
      const r = (raw ?? {}) as Record<string, unknown>;
      if (!FAULT_KINDS.includes(r.kind as FaultKind)) {
        throw new AdminError(400, 'BadRequest', `A fault kind must be one of ${FAULT_KINDS.join(', ')}.`);
      }
      const rule: FaultRule = { kind: r.kind as FaultKind };
      for (const key of ['rate', 'next', 'every', 'retryAfterSeconds', 'hangMs'] as const) {
        if (r[key] === undefined) continue;
        if (typeof r[key] !== 'number' || (r[key] as number) < 0) {
          throw new AdminError(400, 'BadRequest', `${key} must be a non-negative number.`);
        }
        rule[key] = r[key] as number;
      }
      if (typeof r.method === 'string') rule.method = r.method;
      if (typeof r.route === 'string') rule.route = r.route;
      return rule;
    });
  }
  return faults;
}

/**
 * Every sandbox route: Graph under `/graph/v1.0`, the identity provider and the admin tool under
 * `/sandbox`. Self-contained: its own body parsing and error answers, nothing taken from the host app.
 */
export const graphSandboxPlugin: FastifyPluginAsync<{
  sandbox: GraphSandbox;
  /** Stop the sandbox's notification deliveries when this app closes (default true). */
  closeSandbox?: boolean;
  /** Where the built Outlook view is (default: dist-sandbox/ of the checkout). */
  outlookPageDir?: string;
}> = async (app, options) => {
  const { sandbox } = options;
  if (options.closeSandbox ?? true) app.addHook('onClose', async () => sandbox.close());

  // Graph reports unreadable JSON in its own error shape, so bodies are read raw and parsed here.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_request, body, done) => {
    done(null, body);
  });

  // Nothing is acknowledged before it is durable: a Graph write, a new user, a delta state.
  app.addHook('onSend', async () => {
    await sandbox.flush();
  });

  app.setErrorHandler((error: unknown, request, reply) => {
    if (error instanceof AdminError) {
      return reply.code(error.status).send({ error: { code: error.code, message: error.message } });
    }
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    const message = status >= 500 ? 'An internal server error occurred.' : String((error as Error).message);
    if (request.url.startsWith(GRAPH_PREFIX)) {
      return reply
        .code(status)
        .send(
          graphErrorBody(
            status >= 500 ? 'generalException' : 'BadRequest',
            message,
            randomUUID(),
            new Date(sandbox.now()),
          ),
        );
    }
    return reply
      .code(status)
      .send({ error: { code: status >= 500 ? 'InternalError' : 'BadRequest', message } });
  });

  const graph = async (request: FastifyRequest, reply: FastifyReply) => {
    const url = new URL(request.url, 'http://sandbox.invalid');
    const requestId = randomUUID();
    let body: unknown;
    try {
      body = parseBody(request.body);
    } catch {
      const error = new GraphError(
        400,
        'BadRequest',
        'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
      );
      return reply
        .code(400)
        .header('request-id', requestId)
        .send(graphErrorBody(error.code, error.message, requestId, new Date(sandbox.now())));
    }
    const graphRequest: GraphRequest = {
      method: request.method,
      path: url.pathname.slice(GRAPH_PREFIX.length) || '/',
      query: url.searchParams,
      headers: headerMap(request),
      body,
      origin: origin(request),
      requestId,
    };
    const response = await sandbox.handle(graphRequest);
    if (response.drop) {
      reply.hijack();
      request.raw.socket.destroy();
      return;
    }
    reply.code(response.status).headers(response.headers);
    if (response.body === undefined) return reply.send();
    return reply.send(JSON.stringify(response.body));
  };
  app.route({
    method: ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'],
    url: `${GRAPH_PREFIX}/*`,
    bodyLimit: BODY_LIMIT,
    handler: graph,
  });

  // ---- identity provider -----------------------------------------------------------------------

  app.get('/sandbox/discovery/v2.0/keys', async () => sandbox.jwks());

  app.get<{ Params: { tenant: string } }>(
    '/sandbox/:tenant/v2.0/.well-known/openid-configuration',
    async (request) => {
      const key = request.params.tenant;
      const common = ['common', 'organizations'].includes(key.toLowerCase());
      const tenant = common ? undefined : sandbox.findTenant(key);
      if (!common && !tenant) throw new AdminError(400, 'invalid_tenant', `Tenant '${key}' not found.`);
      const base = origin(request);
      const path = `${base}/sandbox/${tenant?.id ?? key.toLowerCase()}`;
      return {
        issuer: issuerFor(base, tenant?.id ?? '{tenantid}'),
        token_endpoint: `${path}/oauth2/v2.0/token`,
        authorization_endpoint: `${path}/oauth2/v2.0/authorize`,
        end_session_endpoint: `${path}/oauth2/v2.0/logout`,
        token_endpoint_auth_methods_supported: [
          'client_secret_post',
          'private_key_jwt',
          'client_secret_basic',
        ],
        grant_types_supported: ['refresh_token', 'urn:ietf:params:oauth:grant-type:jwt-bearer'],
        jwks_uri: `${base}/sandbox/discovery/v2.0/keys`,
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
        claims_supported: [
          'aud',
          'iss',
          'iat',
          'nbf',
          'exp',
          'tid',
          'oid',
          'sub',
          'preferred_username',
          'name',
          'email',
          'scp',
          'wids',
          'ver',
        ],
        tenant_region_scope: 'EU',
      };
    },
  );

  entraRoutes(app, sandbox);

  app.post('/sandbox/token', async (request, reply) => {
    const body = jsonBody(request);
    const user = body.user;
    const audience = body.audience ?? 'graph';
    if (audience !== 'graph' && audience !== 'crm') {
      return reply
        .code(400)
        .send({ error: 'invalid_request', error_description: 'audience must be "graph" or "crm".' });
    }
    if (typeof user !== 'string' || !sandbox.findUser(user)) {
      return reply.code(400).send({
        error: 'invalid_grant',
        error_description: `AADSTS50034: The user account ${String(user)} does not exist.`,
      });
    }
    const expires = body.expiresInSeconds ?? body.expires_in;
    return sandbox.tokenResponse(user, audience as TokenAudience, {
      origin: origin(request),
      ...(typeof body.scp === 'string' ? { scp: body.scp } : {}),
      ...(typeof expires === 'number' && expires > 0 ? { expiresInSeconds: expires } : {}),
    });
  });

  // ---- admin (a development tool: no token) ----------------------------------------------------

  app.get('/sandbox/admin/tenants', async () => ({ value: sandbox.tenants() }));
  app.post('/sandbox/admin/tenants', async (request, reply) => {
    const body = jsonBody(request);
    if (typeof body.displayName !== 'string' || typeof body.domain !== 'string') {
      throw new AdminError(400, 'BadRequest', 'displayName and domain are required.');
    }
    try {
      const tenant = sandbox.addTenant({
        displayName: body.displayName,
        domain: body.domain,
        ...(typeof body.id === 'string' ? { id: body.id } : {}),
      });
      return reply.code(201).send(tenant);
    } catch (error) {
      throw new AdminError(409, 'Conflict', (error as Error).message);
    }
  });

  app.get<{ Querystring: { tenant?: string } }>('/sandbox/admin/users', async (request) => ({
    value: sandbox.users(request.query.tenant),
  }));
  app.post('/sandbox/admin/users', async (request, reply) => {
    const body = jsonBody(request);
    if (typeof body.tenant !== 'string' || typeof body.userPrincipalName !== 'string') {
      throw new AdminError(400, 'BadRequest', 'tenant and userPrincipalName are required.');
    }
    const text = (key: string) => (typeof body[key] === 'string' ? { [key]: body[key] as string } : {});
    try {
      const user = sandbox.addUser({
        tenant: body.tenant,
        userPrincipalName: body.userPrincipalName,
        ...text('displayName'),
        ...text('givenName'),
        ...text('surname'),
        ...text('jobTitle'),
        ...text('officeLocation'),
        ...text('mobilePhone'),
        globalAdmin: body.globalAdmin === true,
      });
      return reply.code(201).send(user);
    } catch (error) {
      throw new AdminError(409, 'Conflict', (error as Error).message);
    }
  });

  app.get<{ Querystring: { user?: string } }>('/sandbox/admin/limits', async (request) =>
    request.query.user ? sandbox.limits(userOf(sandbox, request.query.user)) : sandbox.setDefaultLimits({}),
  );
  app.put('/sandbox/admin/limits', async (request) => {
    const body = jsonBody(request);
    const limits = parseLimits(body);
    return body.user === undefined
      ? sandbox.setDefaultLimits(limits)
      : sandbox.setLimits(userOf(sandbox, body.user), limits);
  });

  app.get<{ Querystring: { user?: string } }>('/sandbox/admin/faults', async (request) =>
    sandbox.faults(userOf(sandbox, request.query.user)),
  );
  app.put('/sandbox/admin/faults', async (request) => {
    const body = jsonBody(request);
    const user = userOf(sandbox, body.user);
    sandbox.setFaults(user, parseFaults(body));
    return sandbox.faults(user);
  });
  app.delete<{ Querystring: { user?: string } }>('/sandbox/admin/faults', async (request, reply) => {
    sandbox.setFaults(userOf(sandbox, request.query.user), {});
    return reply.code(204).send();
  });

  app.get<{ Querystring: { user?: string } }>('/sandbox/admin/stats', async (request) =>
    request.query.user ? sandbox.stats(userOf(sandbox, request.query.user)) : { value: sandbox.allStats() },
  );
  app.post('/sandbox/admin/stats/reset', async (_request, reply) => {
    sandbox.resetStats();
    return reply.code(204).send();
  });

  app.post('/sandbox/admin/delta-tokens/expire', async (request) => {
    const body = jsonBody(request);
    const user = body.user === undefined ? undefined : userOf(sandbox, body.user);
    const before = body.issuedBefore;
    const issuedBefore =
      typeof before === 'string' ? Date.parse(before) : typeof before === 'number' ? before : undefined;
    if (issuedBefore !== undefined && Number.isNaN(issuedBefore)) {
      throw new AdminError(400, 'BadRequest', 'issuedBefore must be an ISO date or epoch milliseconds.');
    }
    return { expired: sandbox.expireDeltaTokens(user, issuedBefore) };
  });

  app.put('/sandbox/admin/behaviour', async (request) => {
    const body = jsonBody(request);
    const behaviour: Partial<SandboxBehaviour> & { batchSeed?: number } = {};
    if (body.staleIfMatchStatus !== undefined) {
      if (body.staleIfMatchStatus !== 412 && body.staleIfMatchStatus !== 409) {
        throw new AdminError(400, 'BadRequest', 'staleIfMatchStatus must be 412 or 409.');
      }
      behaviour.staleIfMatchStatus = body.staleIfMatchStatus;
    }
    if (typeof body.batchRetryAfter === 'boolean') behaviour.batchRetryAfter = body.batchRetryAfter;
    if (Number.isInteger(body.batchSeed)) behaviour.batchSeed = body.batchSeed as number;
    return sandbox.configure(behaviour);
  });

  identityAdminRoutes(app, sandbox);
  notificationAdminRoutes(app, sandbox);
  await app.register(sandboxOutlookPage, { dir: options.outlookPageDir });

  app.post('/sandbox/admin/reset', async (_request, reply) => {
    sandbox.reset();
    return reply.code(204).send();
  });

  app.get('/sandbox/admin/snapshot', async (_request, reply) =>
    reply.header('Content-Type', 'application/json').send(sandbox.snapshot()),
  );
  app.put('/sandbox/admin/snapshot', async (request, reply) => {
    try {
      sandbox.restore(String(request.body ?? ''));
    } catch (error) {
      throw new AdminError(400, 'BadRequest', (error as Error).message);
    }
    return reply.code(204).send();
  });

  app.get<{ Params: { address: string }; Querystring: { folder?: string } }>(
    '/sandbox/mailboxes/:address/messages',
    async (request) => {
      const { address } = request.params;
      if (request.query.folder?.toLowerCase() === 'sentitems')
        return { value: sandbox.sentItems(userOf(sandbox, address)) };
      return { value: sandbox.mailbox(address) };
    },
  );
};
