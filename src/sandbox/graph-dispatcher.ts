import { handleBatch } from './batch-api';
import { calendarRoutes } from './calendars-api';
import { calendarViewRoutes } from './calendar-view-api';
import { contactRoutes } from './contacts-api';
import { GraphError, graphErrorBody } from './graph-error';
import { parsePreferences, type GraphRequest, type GraphResponse, type Preferences } from './graph-request';
import type { GraphSandbox } from './graph-sandbox';
import { mailRoutes } from './mail-api';
import type { MailboxRecord, UserRecord } from './sandbox-state';
import { subscriptionRoutes } from './subscriptions-api';
import { TokenError } from './token-issuer';
import { userRoutes } from './users-api';

/** Everything a route handler gets for one call. */
export interface GraphContext {
  sandbox: GraphSandbox;
  req: GraphRequest;
  caller: UserRecord;
  mailbox: MailboxRecord;
  params: Record<string, string>;
  prefer: Preferences;
  /** Entries for `Preference-Applied`. */
  applied: Set<string>;
  /** The matched route template, e.g. `/me/events/{id}`. */
  route: string;
  /** Path as the caller wrote it (`/users/{upn}/…` or `/me/…`), for links back to the same resource. */
  requestPath: string;
  /** Delegated scopes (lower case) the caller's token grants. */
  grantedScopes: Set<string>;
  /** The app the token was issued to (`azp`). */
  applicationId: string;
}

export interface GraphResult {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type RouteHandler = (ctx: GraphContext) => GraphResult | Promise<GraphResult>;

export interface RouteDefinition {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';
  template: string;
  /** Any one of these delegated scopes grants access. */
  scopes: string[];
  handler: RouteHandler;
}

const ROUTES: RouteDefinition[] = [
  ...userRoutes,
  ...calendarViewRoutes,
  ...calendarRoutes,
  ...contactRoutes,
  ...mailRoutes,
  ...subscriptionRoutes,
];

const JSON_TYPE =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

/** Authenticates, then runs one Graph request (or a whole `$batch`) and answers in Graph's shape. */
export async function dispatchGraphRequest(sandbox: GraphSandbox, req: GraphRequest): Promise<GraphResponse> {
  try {
    const principal = authenticate(sandbox, req);
    if (req.path.toLowerCase() === '/$batch') {
      if (req.method !== 'POST') throw new GraphError(405, 'BadRequest', 'Only POST is supported on $batch.');
      return withStandardHeaders(await handleBatch(sandbox, req, principal), req);
    }
    return await runGraphRoute(sandbox, req, principal, false);
  } catch (error) {
    return errorResponse(error, req, sandbox);
  }
}

/** The signed-in user of a Graph call and the delegated scopes (lower case) their token grants. */
export interface Principal {
  user: UserRecord;
  scopes: Set<string>;
  /** `azp` of the token. */
  appId: string;
}

export function authenticate(sandbox: GraphSandbox, req: GraphRequest): Principal {
  const header = req.headers.authorization ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw new GraphError(401, 'InvalidAuthenticationToken', 'Access token is empty.');
  try {
    const claims = sandbox.issuer.verify(match[1]!, sandbox.graphAudience, sandbox.now());
    const user = sandbox.state.users[claims.oid];
    if (!user || user.tenantId !== claims.tid) {
      throw new TokenError('Access token validation failure. The user does not exist.');
    }
    return {
      user,
      appId: String(claims.azp ?? ''),
      scopes: new Set(
        String(claims.scp ?? '')
          .toLowerCase()
          .split(/\s+/),
      ),
    };
  } catch (error) {
    if (error instanceof TokenError) throw new GraphError(401, 'InvalidAuthenticationToken', error.message);
    throw error;
  }
}

interface RouteMatch {
  definition: RouteDefinition;
  params: Record<string, string>;
}

function matchRoute(method: string, segments: string[]): RouteMatch {
  let pathMatched = false;
  for (const definition of ROUTES) {
    const parts = definition.template.split('/').slice(1);
    if (parts.length !== segments.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < parts.length && ok; i++) {
      const part = parts[i]!;
      const segment = segments[i]!;
      if (part.startsWith('{')) params[part.slice(1, -1)] = segment;
      else ok = part.toLowerCase() === segment.toLowerCase();
    }
    if (!ok) continue;
    pathMatched = true;
    if (definition.method === method) return { definition, params };
  }
  if (pathMatched) {
    throw new GraphError(405, 'Request_BadRequest', `The OData request is not supported (${method}).`);
  }
  const unknown = segments[segments.length - 1] ?? '';
  throw new GraphError(400, 'BadRequest', `Resource not found for the segment '${unknown}'.`);
}

/** Runs one request against a route; also used for every request inside a `$batch`. */
export async function runGraphRoute(
  sandbox: GraphSandbox,
  req: GraphRequest,
  principal: Principal,
  inBatch: boolean,
): Promise<GraphResponse> {
  const caller = principal.user;
  let segments: string[];
  try {
    segments = req.path
      .split('/')
      .filter(Boolean)
      .map((s) => decodeURIComponent(s));
  } catch {
    return errorResponse(new GraphError(400, 'BadRequest', 'Invalid URL.'), req, sandbox);
  }
  try {
    let target = caller;
    // `/users/{id|upn}/…` addresses a mailbox by owner; delegated access reaches only one's own.
    if (segments[0]?.toLowerCase() === 'users' && segments.length > 2) {
      const key = segments[1]!;
      const found = sandbox.findUser(key);
      if (!found || found.tenantId !== caller.tenantId) {
        throw new GraphError(404, 'ErrorInvalidUser', `The requested user '${key}' is invalid.`);
      }
      if (found.id !== caller.id) {
        throw new GraphError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
      }
      target = found;
      segments = ['me', ...segments.slice(2)];
    }
    const { definition, params } = matchRoute(req.method, segments);
    if (!definition.scopes.some((s) => principal.scopes.has(s.toLowerCase()))) {
      throw definition.template.startsWith('/users') || definition.template === '/me'
        ? new GraphError(
            403,
            'Authorization_RequestDenied',
            'Insufficient privileges to complete the operation.',
          )
        : new GraphError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
    }

    const upn = target.userPrincipalName;
    const admission = sandbox.guard.admit(upn, req.method, definition.template);
    if (admission.outcome === 'refused') {
      const headers: Record<string, string> = {};
      if (admission.retryAfterSeconds !== undefined && (!inBatch || sandbox.behaviour.batchRetryAfter)) {
        headers['Retry-After'] = String(admission.retryAfterSeconds);
      }
      sandbox.guard.recordStatus(upn, admission.status);
      return errorResponse(
        new GraphError(admission.status, admission.code, admission.message, headers),
        req,
        sandbox,
      );
    }
    if (admission.outcome === 'hang') {
      await sleep(admission.hangMs);
      admission.release();
      sandbox.guard.recordStatus(upn, admission.then === 'drop' ? 0 : 504);
      if (admission.then === 'drop') return { status: 0, headers: {}, drop: true };
      return errorResponse(new GraphError(504, 'UnknownError', 'Gateway Timeout'), req, sandbox);
    }
    let response: GraphResponse;
    try {
      if (admission.latencyMs > 0) await sleep(admission.latencyMs);
      const prefer = parsePreferences(req.headers.prefer);
      const ctx: GraphContext = {
        sandbox,
        req,
        caller,
        mailbox: sandbox.mailboxOf(target),
        params,
        prefer,
        applied: new Set(),
        route: definition.template,
        requestPath: req.path,
        grantedScopes: principal.scopes,
        applicationId: principal.appId,
      };
      if (prefer.immutableIds) ctx.applied.add('IdType="ImmutableId"');
      // Writes from any client reach the mailbox's change-notification subscriptions.
      const watch = req.method === 'GET' ? undefined : sandbox.notifications.watch(ctx.mailbox);
      const result = await definition.handler(ctx);
      if ((result.status ?? 200) < 300) watch?.commit();
      const headers: Record<string, string> = { ...(result.headers ?? {}) };
      if (ctx.applied.size > 0) headers['Preference-Applied'] = [...ctx.applied].join(', ');
      response = { status: result.status ?? 200, headers, body: result.body };
    } catch (error) {
      response = errorResponse(error, req, sandbox);
    } finally {
      admission.release();
    }
    if (admission.loseAnswer) {
      sandbox.guard.recordStatus(upn, 0);
      return { status: 0, headers: {}, drop: true };
    }
    sandbox.guard.recordStatus(upn, response.status);
    return withStandardHeaders(response, req);
  } catch (error) {
    return errorResponse(error, req, sandbox);
  }
}

function withStandardHeaders(response: GraphResponse, req: GraphRequest): GraphResponse {
  const headers: Record<string, string> = {
    'request-id': req.requestId,
    'client-request-id': req.headers['client-request-id'] ?? req.requestId,
    ...response.headers,
  };
  if (response.body !== undefined && !headers['Content-Type']) headers['Content-Type'] = JSON_TYPE;
  if (response.body !== undefined) headers['OData-Version'] = '4.0';
  return { ...response, headers };
}

export function errorResponse(error: unknown, req: GraphRequest, sandbox: GraphSandbox): GraphResponse {
  if (error instanceof GraphError) {
    return withStandardHeaders(
      {
        status: error.status,
        headers: { ...error.headers },
        body: graphErrorBody(error.code, error.message, req.requestId, new Date(sandbox.now())),
      },
      req,
    );
  }
  // A sandbox defect: answer like Graph's opaque 500 and keep the detail on the console for its developer.
  console.error('graph sandbox: unexpected failure', error);
  return withStandardHeaders(
    {
      status: 500,
      headers: {},
      body: graphErrorBody(
        'generalException',
        'An internal server error occurred.',
        req.requestId,
        new Date(sandbox.now()),
      ),
    },
    req,
  );
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
