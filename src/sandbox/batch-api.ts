import { randomUUID } from 'node:crypto';
import { errorResponse, runGraphRoute, type Principal } from './graph-dispatcher';
import { GraphError, graphErrorBody } from './graph-error';
import { GRAPH_PREFIX, type GraphRequest, type GraphResponse } from './graph-request';
import type { GraphSandbox } from './graph-sandbox';

export const MAX_BATCH_REQUESTS = 20;
/** Outlook works on at most this many requests of one batch at a time. */
export const BATCH_PARALLELISM = 4;
const METHODS = new Set(['GET', 'POST', 'PATCH', 'PUT', 'DELETE']);

interface BatchItem {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  dependsOn: string[];
}

interface BatchAnswer {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

const invalid = (message: string): GraphError => new GraphError(400, 'BadRequest', message);

function parseBatch(body: unknown): BatchItem[] {
  const requests = (body as { requests?: unknown } | null)?.requests;
  if (!Array.isArray(requests) || requests.length === 0) throw invalid('Invalid batch payload format.');
  if (requests.length > MAX_BATCH_REQUESTS) {
    throw invalid(`Number of requests in a batch exceeds the limit of ${MAX_BATCH_REQUESTS}.`);
  }
  const items = requests.map((raw): BatchItem => {
    const r = (raw ?? {}) as Record<string, unknown>;
    if (typeof r.id !== 'string' || r.id === '') throw invalid('Every request in a batch needs an id.');
    const method = typeof r.method === 'string' ? r.method.toUpperCase() : '';
    if (!METHODS.has(method))
      throw invalid(`Invalid method '${String(r.method)}' in batch request '${r.id}'.`);
    if (typeof r.url !== 'string' || r.url === '' || /^[a-z]+:\/\//i.test(r.url)) {
      throw invalid(`Batch request '${r.id}' needs a relative url.`);
    }
    const headers: Record<string, string> = {};
    if (r.headers !== undefined && r.headers !== null) {
      if (typeof r.headers !== 'object') throw invalid(`Invalid headers in batch request '${r.id}'.`);
      for (const [name, value] of Object.entries(r.headers as Record<string, unknown>)) {
        headers[name.toLowerCase()] = String(value);
      }
    }
    if (r.body !== undefined && r.body !== null && !headers['content-type']) {
      throw invalid(`Content-Type header must be specified for batch request '${r.id}', which has a body.`);
    }
    const dependsOn = r.dependsOn === undefined ? [] : r.dependsOn;
    if (!Array.isArray(dependsOn) || dependsOn.some((d) => typeof d !== 'string')) {
      throw invalid(`Invalid dependsOn in batch request '${r.id}'.`);
    }
    return {
      id: r.id,
      method,
      url: innerUrl(r.url, r.id),
      headers,
      body: r.body ?? undefined,
      dependsOn: dependsOn as string[],
    };
  });
  const ids = new Set<string>();
  for (const item of items) {
    if (ids.has(item.id)) throw invalid(`Batch request ids must be unique; '${item.id}' is repeated.`);
    ids.add(item.id);
  }
  for (const item of items) {
    for (const dependency of item.dependsOn) {
      if (!ids.has(dependency) || dependency === item.id) {
        throw invalid(`Batch request '${item.id}' depends on '${dependency}', which is not in the batch.`);
      }
    }
  }
  assertAcyclic(items);
  return items;
}

function assertAcyclic(items: BatchItem[]): void {
  const byId = new Map(items.map((i) => [i.id, i]));
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string): void => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') throw invalid('The dependsOn chain of the batch has a cycle.');
    state.set(id, 'visiting');
    for (const dependency of byId.get(id)!.dependsOn) visit(dependency);
    state.set(id, 'done');
  };
  items.forEach((i) => visit(i.id));
}

/**
 * The forms of an inner URL Graph takes, all meaning the same resource: `/me/events`, `me/events`,
 * `/v1.0/me/events` (what Microsoft's Graph SDK sends), and the sandbox's own `/graph/v1.0/me/events`.
 */
const VERSION_PREFIXES = [GRAPH_PREFIX.toLowerCase(), '/v1.0'];

function innerPath(path: string, id: string): string {
  const lower = path.toLowerCase();
  for (const prefix of VERSION_PREFIXES) {
    if (lower === prefix) return '/';
    if (lower.startsWith(`${prefix}/`)) return path.slice(prefix.length);
  }
  if (/^\/(beta|v\d+(\.\d+)?)(\/|$)/i.test(path)) {
    throw invalid(`Batch request '${id}' addresses another Graph version; a v1.0 batch runs v1.0 requests.`);
  }
  return path;
}

/** The inner URL as a path below the version with its query, e.g. `/me/events?$top=5`. */
function innerUrl(raw: string, id: string): string {
  const url = raw.startsWith('/') ? raw : `/${raw}`;
  const queryAt = url.indexOf('?');
  const path = innerPath(queryAt === -1 ? url : url.slice(0, queryAt), id);
  return queryAt === -1 ? path : `${path}${url.slice(queryAt)}`;
}

function innerRequest(outer: GraphRequest, item: BatchItem): GraphRequest {
  const url = item.url;
  const queryAt = url.indexOf('?');
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  return {
    method: item.method,
    path,
    query: new URLSearchParams(queryAt === -1 ? '' : url.slice(queryAt + 1)),
    headers: { ...item.headers, authorization: outer.headers.authorization ?? '' },
    body: item.body,
    origin: outer.origin,
    requestId: randomUUID(),
  };
}

/**
 * `POST /$batch`: runs the requests honouring `dependsOn` (a failed dependency answers 424), at most
 * four at a time, each counted and throttled like a request of its own; answers come back shuffled.
 */
export async function handleBatch(
  sandbox: GraphSandbox,
  outer: GraphRequest,
  principal: Principal,
): Promise<GraphResponse> {
  const items = parseBatch(outer.body);
  sandbox.guard.admitBatchEnvelope(principal.user.userPrincipalName);
  const answers = new Map<string, BatchAnswer>();
  const running = new Map<string, Promise<void>>();
  const pending = [...items];

  const run = async (item: BatchItem): Promise<void> => {
    const inner = innerRequest(outer, item);
    let response: GraphResponse;
    if (inner.path.toLowerCase() === '/$batch') {
      response = errorResponse(invalid('A batch cannot contain another batch.'), inner, sandbox);
    } else {
      response = await runGraphRoute(sandbox, inner, principal, true);
    }
    if (response.drop) {
      response = errorResponse(new GraphError(504, 'UnknownError', 'Gateway Timeout'), inner, sandbox);
    }
    const answer: BatchAnswer = { id: item.id, status: response.status, headers: response.headers };
    if (response.body !== undefined) answer.body = response.body;
    answers.set(item.id, answer);
  };

  while (pending.length > 0 || running.size > 0) {
    let started = false;
    for (let i = 0; i < pending.length && running.size < BATCH_PARALLELISM;) {
      const item = pending[i]!;
      const dependencies = item.dependsOn.map((d) => answers.get(d));
      if (dependencies.some((d) => d === undefined)) {
        i++;
        continue;
      }
      pending.splice(i, 1);
      started = true;
      if (dependencies.some((d) => d!.status >= 400)) {
        answers.set(item.id, {
          id: item.id,
          status: 424,
          headers: { 'Content-Type': 'application/json' },
          body: graphErrorBody(
            'FailedDependency',
            'The request could not be processed because of a failure in a dependent request.',
            randomUUID(),
            new Date(sandbox.now()),
          ),
        });
        continue;
      }
      const task = run(item).finally(() => running.delete(item.id));
      running.set(item.id, task);
    }
    if (running.size > 0) await Promise.race(running.values());
    else if (!started) break;
  }
  const responses = sandbox.batchRandom.shuffle(items.map((i) => answers.get(i.id)!));
  return { status: 200, headers: {}, body: { responses } };
}
