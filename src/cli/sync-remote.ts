import { decodeJwt } from 'jose';
import os from 'node:os';
import { SandboxAccountManager } from '../auth/sandbox-account-manager';
import type { ClientConfig } from '../domain/client-config';
import type { ContactMappingView, SyncOverview } from '../sync/sync-views';
import { SyncBusyError, SyncNotEnabledError, type SyncReport } from '../sync/engine';
import { createGraphClient, type FetchLike } from '../sync/graph';
import { HttpCrmPort } from '../sync/http-crm-port';
import { InvalidFieldMappingError } from '../sync/mapping/contact-mapper';
import type { SyncResource } from '../sync/model';
import type { SyncPolicy } from '../sync/planner';
import { PortError } from '../sync/ports';
import { createSyncEngine } from '../sync/runner';
import { containerWord, deactivatedLine, exitCodeOf, progressLine, summary } from './sync-output';

/**
 * `tandem sync --crm-url`: one user's sync run through a Tandem server's HTTP API, as the add-in runs
 * it (`HttpCrmPort`, the user's field mapping, the report recorded for the integration page). The
 * store stays the server's: nothing here opens it, so this works while the server runs.
 */

export interface RemoteSyncRequest {
  crmUrl: string;
  user: string;
  resources: SyncResource[];
  deactivate: boolean;
  /** Microsoft Graph's version root; by default the server's Graph sandbox, when it runs one. */
  graphUrl: string | undefined;
  policy: SyncPolicy;
}

export interface RemoteSyncIo {
  out: (line: string) => void;
  progress: (line: string) => void;
  env: NodeJS.ProcessEnv;
  fetch?: typeof fetch;
}

const PUBLIC_GRAPH = 'https://graph.microsoft.com/v1.0';
const PROBE_TIMEOUT_MS = 10_000;

/** A run that cannot go on: the message for the user and the exit code (1 failed, 2 usage). */
class Stop extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** Returns the exit code: 0 done, 1 failed, 2 usage or missing token, 3 stopped by the mass-delete guard. */
export async function syncThroughServer(request: RemoteSyncRequest, io: RemoteSyncIo): Promise<number> {
  try {
    return await run(request, io);
  } catch (error) {
    io.progress('');
    if (error instanceof Stop) {
      io.out(error.message);
      return error.code;
    }
    if (error instanceof ApiRefusal) {
      io.out(`The Tandem server refused the request: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

async function run(request: RemoteSyncRequest, io: RemoteSyncIo): Promise<number> {
  const fetchImpl = io.fetch ?? ((...args: Parameters<typeof fetch>) => globalThis.fetch(...args));
  const origin = parseOrigin(request.crmUrl);
  const { user } = request;
  const hasSandbox = await probe(origin, fetchImpl);

  const access = await resolveAccess(request, origin, hasSandbox, io.env, fetchImpl);
  const { crmToken, graphToken } = access;

  // Which side refused a token, so a failure deep in a run still names the token to check.
  const refused = { crm: false, graph: false };
  const watch =
    (side: keyof typeof refused): FetchLike =>
    async (input, init) => {
      const res = await fetchImpl(input, init);
      if (res.status === 401 || res.status === 403) refused[side] = true;
      return res;
    };
  const crmFetch = watch('crm') as typeof fetch;
  const api = apiClient(origin, crmToken, crmFetch);

  await checkMembership(api, origin, user, access.crmFromSandbox);
  const overview = await api<SyncOverview>('GET', '/api/sync');
  const graph = createGraphClient({
    baseUrl: access.graphUrl,
    getToken: graphToken,
    fetch: watch('graph'),
  });
  const holder = `cli-${os.hostname()}-${process.pid}`;

  let code = 0;
  for (const resource of request.resources) {
    const crm = new HttpCrmPort({ baseUrl: origin, resource, token: crmToken, fetch: crmFetch });
    // The server maps records with the user's field mapping: the engine must map Outlook's side the same way.
    const mapping =
      resource === 'contacts'
        ? await api<ContactMappingView>('GET', '/api/sync/contacts/mapping')
        : undefined;
    let engine;
    try {
      engine = createSyncEngine({
        resource,
        graph,
        crm,
        holder,
        policy: request.policy,
        onProgress: (p) => io.progress(progressLine(p)),
        ...(mapping ? { contactMapping: mapping.mapping, customFields: mapping.customFields } : {}),
      });
    } catch (error) {
      if (!(error instanceof InvalidFieldMappingError)) throw error;
      throw new Stop(
        1,
        `contacts: your contact field mapping no longer holds (${error.problems.join('; ')}). Fix it on the Microsoft integration page, then run again.`,
      );
    }
    const enabled = overview[resource].enabled;
    try {
      if (request.deactivate) {
        await engine.deactivate();
        io.progress('');
        io.out(
          enabled
            ? deactivatedLine(resource)
            : `${resource}: the sync was not on; nothing left in Outlook to remove, CRM records kept.`,
        );
        continue;
      }
      if (!enabled) {
        io.out(
          `${resource}: the sync was off; activating it creates the Tandem ${containerWord(resource)} in Outlook.`,
        );
      }
      const startedAt = new Date();
      const report: SyncReport = enabled ? await engine.sync() : await engine.activate();
      io.progress('');
      io.out(summary(report));
      code = Math.max(code, exitCodeOf(report));
      try {
        await crm.recordRun(report, startedAt);
      } catch (error) {
        io.out(`${resource}: the run could not be recorded on the server (${messageOf(error)}).`);
        code = Math.max(code, 1);
      }
    } catch (error) {
      throw new Stop(
        1,
        failureMessage(resource, error, refused, {
          origin,
          user,
          graphFromSandbox: access.graphFromSandbox,
        }),
      );
    }
  }
  return code;
}

interface Access {
  graphUrl: string;
  crmToken: () => Promise<string>;
  graphToken: () => Promise<string>;
  crmFromSandbox: boolean;
  graphFromSandbox: boolean;
}

/** Graph's address and both tokens: the user's own, or else the server's sandbox sign-in. */
async function resolveAccess(
  request: RemoteSyncRequest,
  origin: string,
  hasSandbox: boolean,
  env: NodeJS.ProcessEnv,
  fetchImpl: typeof fetch,
): Promise<Access> {
  const { user } = request;
  const envCrmToken = env.CRM_TOKEN || undefined;
  const envGraphToken = env.GRAPH_TOKEN || undefined;
  if (!envCrmToken && !hasSandbox) {
    throw new Stop(
      2,
      `CRM_TOKEN must hold a token for the Tandem API at ${origin}: that server runs no Graph sandbox to issue one.`,
    );
  }
  let graphUrl: string;
  if (request.graphUrl) {
    if (!envGraphToken) {
      throw new Stop(2, 'GRAPH_TOKEN must hold a delegated Microsoft Graph token when --graph-url is given.');
    }
    graphUrl = request.graphUrl.replace(/\/+$/, '');
  } else if (hasSandbox) {
    graphUrl = `${origin}/graph/v1.0`;
  } else {
    if (!envGraphToken) {
      throw new Stop(
        2,
        `GRAPH_TOKEN must hold a delegated Microsoft Graph token of ${user}: the server at ${origin} runs no Graph sandbox.`,
      );
    }
    graphUrl = await addInGraphUrl(origin, fetchImpl);
  }
  for (const [name, token] of [
    ['CRM_TOKEN', envCrmToken],
    ['GRAPH_TOKEN', envGraphToken],
  ] as const) {
    const holder = token ? tokenUser(token) : undefined;
    if (holder && holder.toLowerCase() !== user.toLowerCase()) {
      throw new Stop(2, `${name} was issued to ${holder}, not to ${user} (--user).`);
    }
  }

  // The sandbox's identity provider signs the user in, as the add-in does on the demo tenant.
  let sandbox: SandboxAccountManager | undefined;
  if (!envCrmToken || !envGraphToken) {
    sandbox = new SandboxAccountManager(origin, null, fetchImpl);
    try {
      await sandbox.signIn(user);
    } catch (error) {
      throw new Stop(1, `The Graph sandbox at ${origin} gave no token for ${user}: ${messageOf(error)}`);
    }
  }
  const fromSandbox = (audience: 'crm' | 'graph') => () =>
    (sandbox as SandboxAccountManager).getToken(audience);
  return {
    graphUrl,
    crmToken: envCrmToken ? async () => envCrmToken : fromSandbox('crm'),
    graphToken: envGraphToken ? async () => envGraphToken : fromSandbox('graph'),
    crmFromSandbox: !envCrmToken,
    graphFromSandbox: !envGraphToken,
  };
}

function parseOrigin(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Stop(
      2,
      `--crm-url must be the Tandem server's address, such as http://localhost:3000; got "${text}".`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Stop(2, `--crm-url must be an http or https address; got "${text}".`);
  }
  // A path prefix (a server behind a proxy) is kept; a query or fragment means nothing here.
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

/** Whether a Tandem server answers there, and whether it runs the Graph sandbox. */
async function probe(origin: string, fetchImpl: typeof fetch): Promise<boolean> {
  const get = (path: string) =>
    fetchImpl(`${origin}${path}`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
  let health: Response;
  try {
    health = await get('/api/health');
  } catch {
    throw new Stop(
      1,
      `No Tandem server answers at ${origin}: start one with \`npm start\`, or check --crm-url.`,
    );
  }
  const body = (await health.json().catch(() => undefined)) as { status?: unknown } | undefined;
  if (!health.ok || body?.status !== 'ok') {
    throw new Stop(
      1,
      `${origin} does not answer as a Tandem server (GET /api/health answered ${health.status}); check --crm-url.`,
    );
  }
  try {
    const keys = await get('/sandbox/discovery/v2.0/keys');
    await keys.body?.cancel();
    return keys.ok;
  } catch {
    return false;
  }
}

/** The Graph the server's add-in uses (`/config.json`): a national cloud's where configured so. */
async function addInGraphUrl(origin: string, fetchImpl: typeof fetch): Promise<string> {
  try {
    const res = await fetchImpl(`${origin}/config.json`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    const config = (await res.json()) as Partial<ClientConfig>;
    if (res.ok && typeof config.graphBaseUrl === 'string') return config.graphBaseUrl.replace(/\/+$/, '');
  } catch {
    // A server without the add-in's pages: Microsoft's global Graph.
  }
  return PUBLIC_GRAPH;
}

type Api = <T>(method: 'GET', path: string) => Promise<T>;

class ApiRefusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function apiClient(origin: string, token: () => Promise<string>, fetchImpl: typeof fetch): Api {
  return async <T>(method: 'GET', path: string) => {
    let res: Response;
    try {
      res = await fetchImpl(`${origin}${path}`, {
        method,
        headers: { authorization: `Bearer ${await token()}`, accept: 'application/json' },
      });
    } catch (error) {
      throw new Stop(1, `The Tandem server at ${origin} stopped answering (${messageOf(error)}).`);
    }
    const body = (await res.json().catch(() => undefined)) as { error?: { message?: string } } | undefined;
    if (!res.ok) {
      throw new ApiRefusal(res.status, body?.error?.message ?? `${method} ${path} answered ${res.status}.`);
    }
    return body as T;
  };
}

const NOT_MEMBER_HINTS: Record<string, string> = {
  install: 'open Tandem in Outlook or the web app and accept the terms to install it for the organisation',
  admin_required: 'a Microsoft 365 administrator must install Tandem for the organisation first',
  existing_account: 'open Tandem in Outlook or the web app to enter the account registered under this email',
  invited: 'open Tandem in Outlook or the web app to accept the invitation',
  request_to_join: 'open Tandem in Outlook or the web app to ask to join',
};

/** The token is good and its holder an active member; otherwise says what to do. */
async function checkMembership(api: Api, origin: string, user: string, fromSandbox: boolean): Promise<void> {
  try {
    await api('GET', '/api/me');
  } catch (error) {
    if (!(error instanceof ApiRefusal)) throw error;
    if (error.status === 401) {
      throw new Stop(
        1,
        fromSandbox
          ? `The Tandem server at ${origin} refused the token its own Graph sandbox issued (${error.message}). Sandbox tokens are accepted at the server's public address only (TANDEM_PUBLIC_URL): give that as --crm-url.`
          : `The Tandem server at ${origin} refused CRM_TOKEN (${error.message}). Get a new token for the Tandem API and run again.`,
      );
    }
    if (error.status !== 403) throw new Stop(1, `The Tandem server at ${origin} answered: ${error.message}`);
    const onboarding = await api<{ state?: string }>('GET', '/api/onboarding').catch(
      () => ({}) as { state?: string },
    );
    if (onboarding.state === 'deactivated') {
      throw new Stop(
        1,
        `The Tandem account of ${user} has been deactivated; an administrator can reactivate it.`,
      );
    }
    const hint = NOT_MEMBER_HINTS[onboarding.state ?? ''] ?? 'open Tandem in Outlook or the web app to join';
    throw new Stop(1, `${user} is not a member of a Tandem organisation at ${origin}: ${hint}.`);
  }
}

function failureMessage(
  resource: SyncResource,
  error: unknown,
  refused: { crm: boolean; graph: boolean },
  context: { origin: string; user: string; graphFromSandbox: boolean },
): string {
  if (error instanceof SyncBusyError) {
    return `${resource}: another sync of ${context.user}'s ${resource} is running (the add-in, or another tandem sync); run again when it has finished.`;
  }
  if (error instanceof SyncNotEnabledError) {
    return `${resource}: the sync was turned off while this run started; run again to activate it.`;
  }
  if (error instanceof PortError && error.kind === 'auth') {
    if (refused.graph) {
      return `${resource}: Microsoft Graph refused the token for ${context.user} (${error.message}). ${
        context.graphFromSandbox
          ? 'Run again for a new sandbox token.'
          : 'Check GRAPH_TOKEN: it must be a delegated token with Calendars.ReadWrite and Contacts.ReadWrite.'
      }`;
    }
    if (refused.crm) {
      return `${resource}: the Tandem server at ${context.origin} refused the CRM token during the run (${error.message}). Run again with a fresh token.`;
    }
  }
  if (error instanceof PortError && error.kind === 'temporary') {
    return `${resource}: the sync stopped on a temporary failure (${error.message}); nothing is lost, run again later.`;
  }
  return `${resource}: the sync failed: ${messageOf(error)}`;
}

/** Who a token was issued to, when it is a JWT that says so; it is read, not verified (the server does that). */
function tokenUser(token: string): string | undefined {
  try {
    const claims = decodeJwt(token);
    for (const claim of ['preferred_username', 'upn', 'email']) {
      if (typeof claims[claim] === 'string' && claims[claim]) return claims[claim] as string;
    }
  } catch {
    // Not a JWT: the server alone can tell whose it is.
  }
  return undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
