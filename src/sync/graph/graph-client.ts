import {
  Client as SdkClient,
  GraphError as SdkGraphError,
  type GraphRequest,
} from '@microsoft/microsoft-graph-client';
import { kindOfStatus } from '../port-errors';
import {
  MAX_BATCH_SIZE,
  chunkBatch,
  prepareBatch,
  runChunk,
  type BatchTransport,
  type WireRequest,
} from './batch';
import { GraphError, parseRetryAfter } from './graph-error';
import {
  CallOptions,
  FetchMiddleware,
  GateMiddleware,
  RetryMiddleware,
  TokenMiddleware,
  type ClientCounters,
  type FetchLike,
  type TokenRequest,
} from './middleware';
import { collectDelta, deltaPages } from './paging';
import { RequestGate, type RequestBudget } from './request-gate';

export type { FetchLike, TokenRequest } from './middleware';
export { MAX_BATCH_SIZE } from './batch';

export interface GraphClientOptions {
  /** Graph's version root: `https://graph.microsoft.com/v1.0`, a national cloud's, or the sandbox's. */
  baseUrl: string;
  /** The delegated access token for the mailbox; asked for on every attempt, so it may refresh. */
  getToken: (request: TokenRequest) => Promise<string>;
  fetch?: FetchLike;
  /** Requests in flight at once (Outlook allows 4 per app and mailbox). */
  maxConcurrency?: number;
  /** Requests per sliding window (Outlook allows 10,000 per 10 minutes per app and mailbox). */
  budget?: RequestBudget;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Resends after a temporary failure before giving up (default 6). */
  maxRetries?: number;
  /** Time allowed for one attempt, answer included (default 60 s). */
  timeoutMs?: number;
  /** Back-off when a temporary failure gives no `Retry-After`: doubling from `baseMs`, capped at `maxMs`. */
  backoff?: { baseMs: number; maxMs: number };
  /** Source of jitter in [0, 1). */
  random?: () => number;
}

export type QueryValue = string | number | boolean | undefined;

export interface RequestOptions {
  query?: Record<string, QueryValue>;
  /** Extra headers; a `Prefer` given here is sent beside `IdType="ImmutableId"`. */
  headers?: Record<string, string>;
  body?: unknown;
  /** The `@odata.etag` or change key the item must still have (stale → `conflict`). */
  ifMatch?: string;
  /**
   * Whether sending the request twice does no harm. GET, PUT, PATCH and DELETE are; a POST is when its
   * body carries a `transactionId`. A request that is not is resent only after an answer proving the
   * service did not act on it (429, 503), never after a timeout or a lost connection.
   */
  idempotent?: boolean;
}

export interface BatchRequest extends RequestOptions {
  /** Unique within the call; needed only to name it in another request's `dependsOn`. Default: its index. */
  id?: string;
  method: string;
  /** Relative to the version root (`/me/events`), or a link under the base URL. */
  path: string;
  /** Ids of requests that must succeed first; they travel in the same `$batch`. */
  dependsOn?: string[];
}

export interface BatchResult<T = unknown> {
  id: string;
  status: number;
  headers: Record<string, string>;
  body: T | undefined;
  /** Present when the request failed for good (status ≥ 400 after the allowed resends). */
  error?: GraphError;
}

export interface Page<T> {
  value: T[];
  nextLink?: string;
  deltaLink?: string;
}

export interface RemovedItem {
  id: string;
  /** `deleted` also covers an event that left the delta's time window: not proof the item is gone. */
  reason: string;
}

export interface DeltaPage<T> {
  changed: T[];
  removed: RemovedItem[];
  /** On the last page only: the link the next round starts from. */
  deltaLink?: string;
}

export interface DeltaRound<T> {
  /** Each item once, in its latest state (replays collapsed). */
  changed: T[];
  removed: RemovedItem[];
  deltaLink: string;
}

export interface PageOptions {
  query?: Record<string, QueryValue>;
  headers?: Record<string, string>;
  /** `Prefer: odata.maxpagesize`, resent with every page. */
  maxPageSize?: number;
}

export interface GraphClientStats {
  /** HTTP calls made (a `$batch` envelope counts once). */
  calls: number;
  /** Requests the mailbox met, sub-requests of a `$batch` each counted. */
  requests: number;
  /** Attempts repeated after a temporary failure. */
  retries: number;
  /** 429 answers met, sub-requests included. */
  throttled: number;
  inFlight: number;
  peakInFlight: number;
}

export interface GraphClient {
  readonly baseUrl: string;
  /** One call; resolves to the parsed JSON body (undefined for 204/202 without a body). */
  request<T = unknown>(method: string, path: string, options?: RequestOptions): Promise<T>;
  /** Any number of requests through `$batch` calls of ≤ 20; one result per request, in input order. */
  batch<T = unknown>(requests: BatchRequest[]): Promise<BatchResult<T>[]>;
  /** A collection page by page, following `@odata.nextLink`. */
  pages<T = unknown>(path: string, options?: PageOptions): AsyncGenerator<Page<T>>;
  /** A collection item by item. */
  list<T = unknown>(path: string, options?: PageOptions): AsyncGenerator<T>;
  /**
   * One delta round page by page, from the first request (path and query) or a stored delta link,
   * to the page carrying `@odata.deltaLink`. Pages may be empty and items may repeat.
   */
  delta<T = unknown>(start: string, options?: PageOptions): AsyncGenerator<DeltaPage<T>>;
  /** A whole delta round, replays collapsed. */
  collectDelta<T = unknown>(start: string, options?: PageOptions): Promise<DeltaRound<T>>;
  stats(): GraphClientStats;
}

const IMMUTABLE_IDS = 'IdType="ImmutableId"';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

export function createGraphClient(options: GraphClientOptions): GraphClient {
  return new Client(options);
}

/**
 * The SDK's client configured for a version root: its host part and its version. Every path and link
 * is handed to it relative to the version root, so its URL building never meets an absolute link (it
 * reads only `https://` ones as absolute) and plain-http roots such as a local sandbox work unchanged.
 */
function sdkRoot(baseUrl: string): { baseUrl: string; defaultVersion: string } {
  const origin = new URL(baseUrl).origin;
  const cut = baseUrl.lastIndexOf('/');
  if (cut <= origin.length) return { baseUrl, defaultVersion: '' };
  return { baseUrl: baseUrl.slice(0, cut), defaultVersion: baseUrl.slice(cut + 1) };
}

class Client implements GraphClient {
  readonly baseUrl: string;
  private readonly gate: RequestGate;
  private readonly now: () => number;
  private readonly maxRetries: number;
  private readonly retry: RetryMiddleware;
  private readonly sdk: SdkClient;
  private readonly counters: ClientCounters = { calls: 0, requests: 0, retries: 0, throttled: 0 };

  constructor(options: GraphClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    if (!/^https?:\/\//i.test(this.baseUrl)) throw new RangeError('baseUrl must be an absolute http(s) URL.');
    const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    this.now = options.now ?? Date.now;
    this.maxRetries = options.maxRetries ?? 6;
    this.gate = new RequestGate({
      maxConcurrency: options.maxConcurrency ?? 4,
      budget: options.budget ?? { requests: 10_000, windowMs: 600_000 },
      now: this.now,
      sleep,
    });
    const policy = {
      maxRetries: this.maxRetries,
      backoff: options.backoff ?? { baseMs: 500, maxMs: 30_000 },
      random: options.random ?? Math.random,
      now: this.now,
      sleep,
    };
    this.retry = new RetryMiddleware(policy, this.gate, this.counters);
    const fetch = options.fetch ?? ((input: string, init: RequestInit) => globalThis.fetch(input, init));
    this.sdk = SdkClient.initWithMiddleware({
      ...sdkRoot(this.baseUrl),
      middleware: [
        this.retry,
        new GateMiddleware(this.gate, this.counters),
        new TokenMiddleware(options.getToken),
        new FetchMiddleware(fetch, options.timeoutMs ?? 60_000, this.counters),
      ],
    });
  }

  stats(): GraphClientStats {
    const { inFlight, peak } = this.gate.concurrency();
    return { ...this.counters, inFlight, peakInFlight: peak };
  }

  async request<T = unknown>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const verb = method.toUpperCase();
    const relative = this.relative(path, options.query);
    const call = new CallOptions(isIdempotent(verb, options), 1, verb, this.pathOf(relative));
    return this.send<T>(call, relative, this.headers(options), options.body);
  }

  /** One call through the SDK and its middleware chain; failures as our {@link GraphError}. */
  private async send<T>(call: CallOptions, relative: string, headers: Record<string, string>, body: unknown) {
    const request = this.sdk.api(relative).headers(headers).middlewareOptions([call]);
    let result: unknown;
    try {
      result = await dispatch(request, call.method, body);
    } catch (error) {
      throw toGraphError(error, call, this.now());
    }
    return readResult<T>(result, call);
  }

  private headers(options: RequestOptions): Record<string, string> {
    const headers: Record<string, string> = {};
    let prefer = IMMUTABLE_IDS;
    for (const [name, value] of Object.entries(options.headers ?? {})) {
      if (name.toLowerCase() === 'prefer') {
        prefer = mergePrefer(prefer, value);
      } else if (name.toLowerCase() !== 'authorization') headers[name] = value;
    }
    headers.Prefer = prefer;
    if (options.ifMatch !== undefined) headers['If-Match'] = options.ifMatch;
    const typed = Object.keys(headers).some((name) => name.toLowerCase() === 'content-type');
    if (options.body !== undefined && !typed) headers['Content-Type'] = 'application/json';
    return headers;
  }

  /** The path under the version root, query included; links elsewhere are refused so the token never leaves for them. */
  private relative(path: string, query?: Record<string, QueryValue>): string {
    let url: string;
    if (/^https?:\/\//i.test(path)) {
      const under = path.startsWith(`${this.baseUrl}/`) || path.startsWith(`${this.baseUrl}?`);
      if (!under) {
        throw new GraphError({
          kind: 'permanent',
          code: 'foreignLink',
          message: `A link outside ${this.baseUrl} was not followed.`,
        });
      }
      url = path.slice(this.baseUrl.length);
    } else {
      url = `${path.startsWith('/') ? '' : '/'}${path}`;
    }
    const extra = queryString(query);
    if (extra) url += (url.includes('?') ? '&' : '?') + extra;
    return url;
  }

  /** The path called, without its query (links carry cursors that do not belong in errors or logs). */
  private pathOf(relative: string): string {
    return new URL(`${this.baseUrl}${relative}`).pathname;
  }

  // ---- $batch ------------------------------------------------------------------------------------

  async batch<T = unknown>(requests: BatchRequest[]): Promise<BatchResult<T>[]> {
    // Every path is checked before anything is sent.
    const prepared = prepareBatch(
      requests,
      (r) => this.relative(r.path, r.query),
      (r) => isIdempotent(r.method.toUpperCase(), r),
    );
    const byId = new Map(prepared.map((p) => [p.id, p]));
    const results: BatchResult<T>[] = new Array(requests.length);
    const transport = this.batchTransport();
    const size = Math.min(MAX_BATCH_SIZE, this.gate.budget.requests);
    await Promise.all(chunkBatch(prepared, size).map((chunk) => runChunk(transport, chunk, results, byId)));
    return results;
  }

  private batchTransport(): BatchTransport<BatchRequest> {
    return {
      envelope: (wire: WireRequest[], idempotent: boolean) => {
        const call = new CallOptions(idempotent, wire.length, 'POST', this.pathOf('/$batch'));
        const headers = { Prefer: IMMUTABLE_IDS, 'Content-Type': 'application/json' };
        return this.send(call, '/$batch', headers, { requests: wire });
      },
      wait: (throttled, retryAfterMs, attempt) => this.retry.wait(throttled, retryAfterMs, attempt),
      headersOf: (request) => this.headers(request),
      counters: this.counters,
      maxRetries: this.maxRetries,
      now: this.now,
    };
  }

  // ---- paging and delta --------------------------------------------------------------------------

  async *pages<T = unknown>(path: string, options: PageOptions = {}): AsyncGenerator<Page<T>> {
    const headers = { ...(options.headers ?? {}) };
    if (options.maxPageSize !== undefined) {
      headers.Prefer = mergePrefer(headers.Prefer ?? '', `odata.maxpagesize=${options.maxPageSize}`);
    }
    let next: string | undefined = path;
    let query = options.query;
    while (next !== undefined) {
      const body =
        (await this.request<Record<string, unknown>>('GET', next, {
          ...(query ? { query } : {}),
          headers,
        })) ?? {};
      // The query belongs to the first request only; links carry their own.
      query = undefined;
      const page: Page<T> = pageOf<T>(body);
      yield page;
      next = page.nextLink;
    }
  }

  async *list<T = unknown>(path: string, options: PageOptions = {}): AsyncGenerator<T> {
    for await (const page of this.pages<T>(path, options)) yield* page.value;
  }

  delta<T = unknown>(start: string, options: PageOptions = {}): AsyncGenerator<DeltaPage<T>> {
    return deltaPages<T>(this.pages<Record<string, unknown>>(start, options));
  }

  collectDelta<T = unknown>(start: string, options: PageOptions = {}): Promise<DeltaRound<T>> {
    return collectDelta<T>(this.delta<T>(start, options));
  }
}

// ---- helpers ---------------------------------------------------------------------------------------

function dispatch(request: GraphRequest, method: string, body: unknown): Promise<unknown> {
  switch (method) {
    case 'GET':
      return request.get();
    case 'POST':
      return request.post(body);
    case 'PUT':
      return request.put(body);
    case 'PATCH':
      return request.patch(body);
    case 'DELETE':
      return request.delete();
    default:
      throw new GraphError({
        kind: 'invalid',
        code: 'unsupportedMethod',
        message: `${method} is not supported.`,
      });
  }
}

/** The parsed JSON answer; undefined when the answer had no body; a body that is not JSON is refused. */
function readResult<T>(result: unknown, call: CallOptions): T {
  if (result === undefined || result === null) return undefined as T;
  const type = call.lastHeaders?.get('content-type') ?? '';
  if (!type.includes('json')) {
    throw new GraphError({
      kind: 'permanent',
      message: 'The answer is not JSON.',
      method: call.method,
      path: call.path,
    });
  }
  return result as T;
}

/** The SDK's failure (or the chain's own) as ours, classified by {@link kindOfStatus}. */
function toGraphError(error: unknown, call: CallOptions, now: number): GraphError {
  if (call.failure) return call.failure;
  if (error instanceof GraphError) return error;
  const where = { method: call.method, path: call.path };
  const status = error instanceof SdkGraphError ? error.statusCode : -1;
  if (status < 400) {
    const message = status >= 200 ? 'The answer is not JSON.' : 'The request could not be made.';
    return new GraphError({ kind: 'permanent', message, ...where, cause: error });
  }
  const sdk = error as SdkGraphError;
  const code = typeof sdk.code === 'string' ? sdk.code : undefined;
  const headers = call.lastHeaders;
  const retryAfterMs = parseRetryAfter(headers?.get('retry-after'), now);
  const requestId = headers?.get('request-id') ?? undefined;
  const location = headers?.get('location') ?? undefined;
  return new GraphError({
    kind: kindOfStatus(status, code),
    status,
    message: sdk.message || 'The request failed.',
    ...where,
    ...(code !== undefined ? { code } : {}),
    ...(requestId !== undefined ? { requestId } : {}),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    ...(status === 410 && location ? { restartLink: location } : {}),
  });
}

function pageOf<T>(body: Record<string, unknown>): Page<T> {
  const page: Page<T> = { value: (Array.isArray(body.value) ? body.value : []) as T[] };
  const nextLink = body['@odata.nextLink'];
  const deltaLink = body['@odata.deltaLink'];
  if (typeof nextLink === 'string') page.nextLink = nextLink;
  if (typeof deltaLink === 'string') page.deltaLink = deltaLink;
  return page;
}

function isIdempotent(method: string, options: RequestOptions): boolean {
  if (options.idempotent !== undefined) return options.idempotent;
  if (SAFE_METHODS.has(method)) return true;
  const body = options.body as { transactionId?: unknown } | null | undefined;
  return method === 'POST' && typeof body?.transactionId === 'string' && body.transactionId !== '';
}

function mergePrefer(base: string, extra: string): string {
  const parts = [base, extra]
    .flatMap((p) => p.split(','))
    .map((p) => p.trim())
    .filter(Boolean);
  const byName = new Map<string, string>();
  for (const part of parts) byName.set(part.split('=')[0]!.trim().toLowerCase(), part);
  return [...byName.values()].join(', ');
}

function queryString(query?: Record<string, QueryValue>): string {
  if (!query) return '';
  return Object.entries(query)
    .filter(([, value]) => value !== undefined)
    .map(
      ([name, value]) =>
        `${encodeURIComponent(name).replace(/%24/g, '$')}=${encodeURIComponent(String(value))}`,
    )
    .join('&');
}
