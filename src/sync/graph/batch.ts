import { BatchResponseContent } from '@microsoft/microsoft-graph-client';
import { kindOfStatus, type PortErrorKind } from '../port-errors';
import { GraphError, graphErrorOf, parseRetryAfter, refusedUntouched } from './graph-error';

/**
 * `$batch` on top of the SDK: calls of ≤ 20 with dependencies kept together, answers read with the SDK's
 * `BatchResponseContent`, and only the throttled or failed sub-requests resent. The envelope itself is
 * written here, not with `BatchRequestContent`: that class refuses dependency shapes Graph accepts (two
 * independent `dependsOn` pairs in one call), which our calls need.
 */

export const MAX_BATCH_SIZE = 20;

export interface BatchRequestShape {
  id?: string;
  method: string;
  path: string;
  dependsOn?: string[];
  body?: unknown;
}

export interface Prepared<R extends BatchRequestShape = BatchRequestShape> {
  index: number;
  id: string;
  request: R;
  /** Relative to the version root, query included. */
  url: string;
  idempotent: boolean;
}

export interface WireRequest {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: unknown;
  dependsOn?: string[];
}

export interface InnerAnswer {
  id: string;
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export interface ChunkResult {
  id: string;
  status: number;
  headers: Record<string, string>;
  body: unknown;
  error?: GraphError;
}

/** What a chunk needs from the client: the envelope call, the wait between rounds, the counters. */
export interface BatchTransport<R extends BatchRequestShape> {
  /** One `$batch` call (its own resends included); throws the call's failure as a {@link GraphError}. */
  envelope(wire: WireRequest[], idempotent: boolean): Promise<unknown>;
  wait(throttled: boolean, retryAfterMs: number | undefined, attempt: number): Promise<void>;
  headersOf(request: R): Record<string, string>;
  counters: { retries: number; throttled: number };
  maxRetries: number;
  now: () => number;
}

function invalidBatch(message: string): GraphError {
  return new GraphError({ kind: 'invalid', code: 'invalidBatch', message });
}

export function prepareBatch<R extends BatchRequestShape>(
  requests: R[],
  urlOf: (request: R) => string,
  idempotentOf: (request: R) => boolean,
): Prepared<R>[] {
  const ids = new Set<string>();
  const prepared = requests.map((request, index): Prepared<R> => {
    const id = request.id ?? String(index);
    if (ids.has(id)) throw invalidBatch(`Batch request ids must be unique; '${id}' is repeated.`);
    ids.add(id);
    return { index, id, request, url: urlOf(request), idempotent: idempotentOf(request) };
  });
  for (const p of prepared) {
    for (const dependency of p.request.dependsOn ?? []) {
      if (!ids.has(dependency) || dependency === p.id) {
        throw invalidBatch(`Batch request '${p.id}' depends on '${dependency}', which is not in the call.`);
      }
    }
  }
  return prepared;
}

/** Splits into calls of ≤ `size`, keeping every request with the requests it depends on. */
export function chunkBatch<P extends Prepared>(prepared: P[], size: number): P[][] {
  const parent = new Map(prepared.map((p) => [p.id, p.id]));
  const find = (id: string): string => {
    let root = id;
    while (parent.get(root) !== root) root = parent.get(root)!;
    parent.set(id, root);
    return root;
  };
  for (const p of prepared) {
    for (const d of p.request.dependsOn ?? []) parent.set(find(p.id), find(d));
  }
  const groups = new Map<string, P[]>();
  for (const p of prepared) {
    const root = find(p.id);
    groups.set(root, [...(groups.get(root) ?? []), p]);
  }
  const chunks: P[][] = [];
  for (const group of groups.values()) {
    if (group.length > size) {
      throw invalidBatch(`${group.length} requests depend on one another; a $batch holds at most ${size}.`);
    }
    const fits = chunks.find((c) => c.length + group.length <= size);
    if (fits) fits.push(...group);
    else chunks.push([...group]);
  }
  return chunks;
}

/**
 * Runs one chunk to its end: failed sub-requests that may be resent go again together, after the
 * largest `Retry-After` among them; every other sub-request's result is written to `results`.
 */
export async function runChunk<R extends BatchRequestShape>(
  transport: BatchTransport<R>,
  chunk: Prepared<R>[],
  results: ChunkResult[],
  byId: Map<string, Prepared<R>>,
): Promise<void> {
  let pending = chunk;
  for (let attempt = 0; pending.length > 0; attempt++) {
    const answers = await sendChunk(transport, pending);
    if (answers instanceof GraphError) {
      // The envelope failed for good: no sub-request has an answer of its own.
      for (const p of pending) {
        results[p.index] = {
          id: p.id,
          status: answers.status ?? 0,
          headers: {},
          body: undefined,
          error: answers,
        };
      }
      return;
    }
    const resend = toResend(transport, pending, answers, attempt);
    for (const p of pending) {
      if (!resend.ids.has(p.id)) results[p.index] = finalResult(transport, p, answers, byId);
    }
    pending = pending.filter((p) => resend.ids.has(p.id));
    if (pending.length > 0) {
      transport.counters.retries += pending.length;
      await transport.wait(resend.throttled, resend.retryAfterMs, attempt);
    }
  }
}

async function sendChunk<R extends BatchRequestShape>(
  transport: BatchTransport<R>,
  pending: Prepared<R>[],
): Promise<Map<string, InnerAnswer> | GraphError> {
  const inCall = new Set(pending.map((p) => p.id));
  const wire = pending.map((p) => toWire(transport, p, inCall));
  try {
    const body = await transport.envelope(
      wire,
      pending.every((p) => p.idempotent),
    );
    return await readAnswers(body);
  } catch (error) {
    if (error instanceof GraphError) return error;
    throw error;
  }
}

function toWire<R extends BatchRequestShape>(
  transport: BatchTransport<R>,
  p: Prepared<R>,
  inCall: Set<string>,
): WireRequest {
  const wire: WireRequest = {
    id: p.id,
    method: p.request.method.toUpperCase(),
    url: p.url,
    headers: transport.headersOf(p.request),
  };
  if (p.request.body !== undefined) wire.body = p.request.body;
  // Dependencies that already succeeded in an earlier round are not in this call.
  const dependsOn = (p.request.dependsOn ?? []).filter((d) => inCall.has(d));
  if (dependsOn.length > 0) wire.dependsOn = dependsOn;
  return wire;
}

/**
 * Which sub-requests go again: temporary failures that resending cannot duplicate (a non-idempotent one
 * only after 429/503), those missing from the answer when idempotent, and those refused (424) for
 * depending on one that goes again.
 */
function toResend<R extends BatchRequestShape>(
  transport: BatchTransport<R>,
  pending: Prepared<R>[],
  answers: Map<string, InnerAnswer>,
  attempt: number,
): { ids: Set<string>; throttled: boolean; retryAfterMs: number | undefined } {
  const ids = new Set<string>();
  let throttled = false;
  let retryAfterMs: number | undefined;
  const allowed = attempt < transport.maxRetries;
  for (const p of pending) {
    const answer = answers.get(p.id);
    if (!answer) {
      if (p.idempotent && allowed) ids.add(p.id);
      continue;
    }
    if (answer.status === 429) transport.counters.throttled++;
    if (!allowed || !isTemporary(answer)) continue;
    if (!p.idempotent && !refusedUntouched(answer.status)) continue;
    ids.add(p.id);
    throttled ||= answer.status === 429;
    const after = parseRetryAfter(headerOf(answer.headers, 'retry-after'), transport.now());
    if (after !== undefined) retryAfterMs = Math.max(retryAfterMs ?? 0, after);
  }
  addDependents(pending, answers, ids);
  return { ids, throttled, retryAfterMs };
}

function isTemporary(answer: InnerAnswer): boolean {
  if (answer.status < 400 || answer.status === 424) return false;
  return kindOfStatus(answer.status, graphErrorOf(answer.body).code) === 'temporary';
}

function addDependents(pending: Prepared[], answers: Map<string, InnerAnswer>, ids: Set<string>): void {
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of pending) {
      if (ids.has(p.id) || answers.get(p.id)?.status !== 424) continue;
      if ((p.request.dependsOn ?? []).some((d) => ids.has(d))) {
        ids.add(p.id);
        grew = true;
      }
    }
  }
}

function finalResult<R extends BatchRequestShape>(
  transport: BatchTransport<R>,
  p: Prepared<R>,
  answers: Map<string, InnerAnswer>,
  byId: Map<string, Prepared<R>>,
): ChunkResult {
  const method = p.request.method.toUpperCase();
  const path = p.url.split('?')[0]!;
  const answer = answers.get(p.id);
  if (!answer) {
    const error = new GraphError({
      kind: 'temporary',
      code: 'missingResponse',
      message: 'The $batch answer has no response for this request.',
      method,
      path,
    });
    return { id: p.id, status: 0, headers: {}, body: undefined, error };
  }
  const result: ChunkResult = { id: p.id, status: answer.status, headers: answer.headers, body: answer.body };
  if (answer.status < 400) return result;
  const { code, message } = graphErrorOf(answer.body);
  // A failed dependency fails for the reason its dependency did.
  const kind: PortErrorKind =
    answer.status === 424
      ? (dependencyKind(p, answers, byId) ?? 'invalid')
      : kindOfStatus(answer.status, code);
  const retryAfterMs = parseRetryAfter(headerOf(answer.headers, 'retry-after'), transport.now());
  const location = answer.status === 410 ? headerOf(answer.headers, 'location') : undefined;
  result.error = new GraphError({
    kind,
    status: answer.status,
    message: message ?? 'The request failed.',
    method,
    path,
    ...(code !== undefined ? { code } : {}),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    ...(location !== undefined ? { restartLink: location } : {}),
  });
  return result;
}

function dependencyKind(
  p: Prepared,
  answers: Map<string, InnerAnswer>,
  byId: Map<string, Prepared>,
  seen = new Set<string>(),
): PortErrorKind | undefined {
  for (const d of p.request.dependsOn ?? []) {
    if (seen.has(d)) continue;
    seen.add(d);
    const answer = answers.get(d);
    if (!answer || answer.status < 400) continue;
    if (answer.status !== 424) return kindOfStatus(answer.status, graphErrorOf(answer.body).code);
    const inner = byId.get(d);
    const kind = inner ? dependencyKind(inner, answers, byId, seen) : undefined;
    if (kind) return kind;
  }
  return undefined;
}

// ---- reading the answer -----------------------------------------------------------------------------

interface RawAnswer {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: unknown;
  /** The answer's own headers, as the service named them. */
  original: Record<string, string>;
}

/** The sub-answers by id, read through the SDK's `BatchResponseContent`; malformed entries are left out. */
async function readAnswers(envelope: unknown): Promise<Map<string, InnerAnswer>> {
  const raw = asArray((envelope as { responses?: unknown } | undefined)?.responses)
    .map(rawAnswer)
    .filter((a): a is RawAnswer => a !== undefined);
  const content = new BatchResponseContent({ responses: raw });
  const answers = new Map<string, InnerAnswer>();
  for (const entry of raw) {
    const response = content.getResponseById(entry.id);
    const text = await response.text();
    const json = (response.headers.get('content-type') ?? '').includes('json');
    const body = text === '' ? undefined : json ? JSON.parse(text) : text;
    answers.set(entry.id, { id: entry.id, status: response.status, headers: entry.original, body });
  }
  return answers;
}

function rawAnswer(value: unknown): RawAnswer | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const r = value as { id?: unknown; status?: unknown; headers?: unknown; body?: unknown };
  if (typeof r.id !== 'string' || typeof r.status !== 'number' || r.status < 200 || r.status > 599) {
    return undefined;
  }
  const headers: Record<string, string> = {};
  if (r.headers !== null && typeof r.headers === 'object') {
    for (const [name, v] of Object.entries(r.headers as Record<string, unknown>)) headers[name] = String(v);
  }
  // BatchResponseContent serialises a body as JSON only under an exact `Content-Type` name.
  const type = headerOf(headers, 'content-type');
  const answer: RawAnswer = { id: r.id, status: r.status, headers, original: headers };
  if (r.body !== undefined && r.body !== null) {
    const isJson = typeof r.body !== 'string' || (type ?? '').includes('json');
    const rest = Object.fromEntries(
      Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'content-type'),
    );
    answer.headers = { ...rest, 'Content-Type': isJson ? 'application/json' : (type ?? 'text/plain') };
    answer.body = r.body;
  }
  return answer;
}

export function headerOf(headers: Record<string, string>, name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
