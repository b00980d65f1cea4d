import { kindOfStatus, type PortErrorKind } from '../port-errors';
import { GraphError, graphErrorOf, parseRetryAfter, refusedUntouched } from './graph-error';
import { RequestGate, type RequestBudget } from './request-gate';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface TokenRequest {
  /** True after the service refused the last token (401): do not answer from a cache. */
  forceRefresh: boolean;
}

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

export const MAX_BATCH_SIZE = 20;
const IMMUTABLE_IDS = 'IdType="ImmutableId"';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

type Outcome<T> =
  { ok: true; status: number; body: T } | { ok: false; error: GraphError; ambiguous: boolean };

interface Wire {
  id: string;
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  dependsOn?: string[];
}

interface Prepared {
  index: number;
  id: string;
  request: BatchRequest;
  /** Relative to the version root, query included. */
  url: string;
  idempotent: boolean;
}

export function createGraphClient(options: GraphClientOptions): GraphClient {
  return new Client(options);
}

class Client implements GraphClient {
  readonly baseUrl: string;
  private readonly fetch: FetchLike;
  private readonly gate: RequestGate;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly maxRetries: number;
  private readonly timeoutMs: number;
  private readonly backoff: { baseMs: number; maxMs: number };
  private readonly counters = { calls: 0, requests: 0, retries: 0, throttled: 0 };

  constructor(private readonly options: GraphClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    if (!/^https?:\/\//i.test(this.baseUrl)) throw new RangeError('baseUrl must be an absolute http(s) URL.');
    this.fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.maxRetries = options.maxRetries ?? 6;
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.backoff = options.backoff ?? { baseMs: 500, maxMs: 30_000 };
    this.gate = new RequestGate({
      maxConcurrency: options.maxConcurrency ?? 4,
      budget: options.budget ?? { requests: 10_000, windowMs: 600_000 },
      now: this.now,
      sleep: this.sleep,
    });
  }

  stats(): GraphClientStats {
    const { inFlight, peak } = this.gate.concurrency();
    return { ...this.counters, inFlight, peakInFlight: peak };
  }

  // ---- single requests -------------------------------------------------------------------------

  async request<T = unknown>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const verb = method.toUpperCase();
    const url = this.resolve(path, options.query);
    const idempotent = isIdempotent(verb, options);
    const token = { refresh: false };
    for (let attempt = 0; ; attempt++) {
      const ticket = await this.gate.acquire(1, 1);
      let outcome: Outcome<T>;
      try {
        this.counters.requests++;
        outcome = await this.send<T>(verb, url, options.body, this.headers(options), token.refresh);
      } finally {
        ticket.release();
      }
      if (outcome.ok) return outcome.body;
      const { error } = outcome;
      if (error.status === 429) this.counters.throttled++;
      const next = this.nextStep(error, outcome.ambiguous, idempotent, attempt, token);
      if (next === 'fail') throw error;
      this.counters.retries++;
      if (next === 'wait') await this.wait(error.status === 429, error.retryAfterMs, attempt);
    }
  }

  /**
   * After a failed attempt: a 401 goes again at once with a fresh token (once); a temporary failure
   * goes again after a wait while attempts remain and resending cannot duplicate; the rest fail.
   */
  private nextStep(
    error: GraphError,
    ambiguous: boolean,
    idempotent: boolean,
    attempt: number,
    token: { refresh: boolean },
  ): 'refresh' | 'wait' | 'fail' {
    if (attempt >= this.maxRetries) return 'fail';
    if (error.status === 401 && !token.refresh) {
      token.refresh = true;
      return 'refresh';
    }
    if (error.kind !== 'temporary') return 'fail';
    return idempotent || !ambiguous ? 'wait' : 'fail';
  }

  private backoffMs(attempt: number): number {
    const ceiling = Math.min(this.backoff.maxMs, this.backoff.baseMs * 2 ** attempt);
    return Math.round(ceiling * (0.5 + this.random() / 2));
  }

  /** A 429 holds back the whole mailbox; other failures only the request that met them. */
  private async wait(throttled: boolean, retryAfterMs: number | undefined, attempt: number): Promise<void> {
    const delay = retryAfterMs ?? this.backoffMs(attempt);
    if (throttled) this.gate.pause(delay);
    else await this.sleep(delay);
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

  /** One attempt: never throws, so the caller decides on retries. */
  private async send<T>(
    method: string,
    url: string,
    body: unknown,
    headers: Record<string, string>,
    forceRefresh: boolean,
  ): Promise<Outcome<T>> {
    const path = new URL(url).pathname;
    const fail = (details: Omit<ConstructorParameters<typeof GraphError>[0], 'method' | 'path'>) =>
      new GraphError({ ...details, method, path });
    let token: string;
    try {
      token = await this.options.getToken({ forceRefresh });
    } catch (cause) {
      return {
        ok: false,
        ambiguous: false,
        error: fail({ kind: 'auth', message: 'No access token could be obtained.', cause }),
      };
    }
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    let response: Response;
    let text: string;
    this.counters.calls++;
    try {
      response = await this.fetch(url, {
        method,
        headers: { ...headers, Accept: 'application/json', Authorization: `Bearer ${token}` },
        ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
        signal: controller.signal,
      });
      text = await response.text();
    } catch (cause) {
      const timedOut = controller.signal.aborted;
      return {
        ok: false,
        ambiguous: true,
        error: fail({
          kind: 'temporary',
          code: timedOut ? 'timeout' : 'networkError',
          message: timedOut ? `No answer within ${this.timeoutMs} ms.` : 'The connection failed.',
          cause: timedOut ? undefined : cause,
        }),
      };
    } finally {
      clearTimeout(timer);
    }
    let parsed: unknown;
    if (text !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
        if (response.ok) {
          return {
            ok: false,
            ambiguous: false,
            error: fail({
              kind: 'permanent',
              status: response.status,
              message: 'The answer is not JSON.',
            }),
          };
        }
      }
    }
    if (response.ok) {
      return { ok: true, status: response.status, body: parsed as T };
    }
    const { code, message } = graphErrorOf(parsed);
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), this.now());
    const requestId = response.headers.get('request-id') ?? undefined;
    const location = response.headers.get('location') ?? undefined;
    return {
      ok: false,
      ambiguous: !refusedUntouched(response.status),
      error: fail({
        kind: kindOfStatus(response.status, code),
        status: response.status,
        message: message ?? (response.statusText || 'The request failed.'),
        ...(code !== undefined ? { code } : {}),
        ...(requestId !== undefined ? { requestId } : {}),
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
        ...(response.status === 410 && location ? { restartLink: location } : {}),
      }),
    };
  }

  /** An absolute URL under the base URL; links elsewhere are refused so the token never leaves for them. */
  private resolve(path: string, query?: Record<string, QueryValue>): string {
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
      url = path;
    } else {
      url = `${this.baseUrl}${path.startsWith('/') ? '' : '/'}${path}`;
    }
    const extra = queryString(query);
    if (extra) url += (url.includes('?') ? '&' : '?') + extra;
    return url;
  }

  /** The path of a batch sub-request, relative to the version root. */
  private relative(path: string, query?: Record<string, QueryValue>): string {
    const url = this.resolve(path, query);
    return url.slice(this.baseUrl.length);
  }

  // ---- $batch ------------------------------------------------------------------------------------

  async batch<T = unknown>(requests: BatchRequest[]): Promise<BatchResult<T>[]> {
    // Every path is checked before anything is sent.
    const prepared = prepareBatch(requests, (r) => this.relative(r.path, r.query));
    const byId = new Map(prepared.map((p) => [p.id, p]));
    const results: BatchResult<T>[] = new Array(requests.length);
    await Promise.all(
      chunkBatch(prepared, Math.min(MAX_BATCH_SIZE, this.gate.budget.requests)).map((chunk) =>
        this.runChunk(chunk, results, byId),
      ),
    );
    return results;
  }

  private async runChunk<T>(
    chunk: Prepared[],
    results: BatchResult<T>[],
    byId: Map<string, Prepared>,
  ): Promise<void> {
    let pending = chunk;
    const token = { refresh: false };
    for (let attempt = 0; pending.length > 0; attempt++) {
      const inCall = new Set(pending.map((p) => p.id));
      const wire = pending.map((p) => this.toWire(p, inCall));
      const ticket = await this.gate.acquire(pending.length, pending.length);
      let outcome: Outcome<{ responses?: unknown }>;
      try {
        this.counters.requests += pending.length;
        outcome = await this.send(
          'POST',
          `${this.baseUrl}/$batch`,
          { requests: wire },
          { Prefer: IMMUTABLE_IDS, 'Content-Type': 'application/json' },
          token.refresh,
        );
      } finally {
        ticket.release();
      }

      if (!outcome.ok) {
        // The envelope failed: no sub-request is known to have run, unless the failure is ambiguous.
        const { error } = outcome;
        if (error.status === 429) this.counters.throttled++;
        const safe = pending.every((p) => p.idempotent);
        const next = this.nextStep(error, outcome.ambiguous, safe, attempt, token);
        if (next !== 'fail') {
          this.counters.retries++;
          if (next === 'wait') await this.wait(error.status === 429, error.retryAfterMs, attempt);
          continue;
        }
        for (const p of pending) {
          results[p.index] = { id: p.id, status: error.status ?? 0, headers: {}, body: undefined, error };
        }
        return;
      }

      const answers = new Map<string, InnerAnswer>();
      for (const raw of asArray(outcome.body?.responses)) {
        const answer = readInnerAnswer(raw);
        if (answer) answers.set(answer.id, answer);
      }
      const retry = new Set<string>();
      let throttled = false;
      let retryAfterMs: number | undefined;
      for (const p of pending) {
        const answer = answers.get(p.id);
        if (!answer) continue;
        if (answer.status === 429) this.counters.throttled++;
        const kind =
          answer.status >= 400 ? kindOfStatus(answer.status, graphErrorOf(answer.body).code) : undefined;
        const temporary = kind === 'temporary' && answer.status !== 424;
        if (temporary && attempt < this.maxRetries && (p.idempotent || refusedUntouched(answer.status))) {
          retry.add(p.id);
          throttled ||= answer.status === 429;
          const after = parseRetryAfter(headerOf(answer.headers, 'retry-after'), this.now());
          if (after !== undefined) retryAfterMs = Math.max(retryAfterMs ?? 0, after);
        }
      }
      // A sub-request missing from the answer is resent when that is safe; one refused for a
      // dependency that will be resent goes again with it.
      for (const p of pending) {
        if (!answers.has(p.id) && p.idempotent && attempt < this.maxRetries) retry.add(p.id);
      }
      let grew = true;
      while (grew) {
        grew = false;
        for (const p of pending) {
          if (retry.has(p.id) || answers.get(p.id)?.status !== 424) continue;
          if ((p.request.dependsOn ?? []).some((d) => retry.has(d))) {
            retry.add(p.id);
            grew = true;
          }
        }
      }

      for (const p of pending) {
        if (retry.has(p.id)) continue;
        results[p.index] = this.finalResult<T>(p, answers.get(p.id), answers, byId);
      }
      pending = pending.filter((p) => retry.has(p.id));
      if (pending.length > 0) {
        this.counters.retries += pending.length;
        await this.wait(throttled, retryAfterMs, attempt);
      }
    }
  }

  private toWire(p: Prepared, inCall: Set<string>): Wire {
    const { request } = p;
    const wire: Wire = {
      id: p.id,
      method: request.method.toUpperCase(),
      url: p.url,
    };
    wire.headers = this.headers(request);
    if (request.body !== undefined) wire.body = request.body;
    // Dependencies that already succeeded in an earlier attempt are not in this call.
    const dependsOn = (request.dependsOn ?? []).filter((d) => inCall.has(d));
    if (dependsOn.length > 0) wire.dependsOn = dependsOn;
    return wire;
  }

  private finalResult<T>(
    p: Prepared,
    answer: InnerAnswer | undefined,
    answers: Map<string, InnerAnswer>,
    byId: Map<string, Prepared>,
  ): BatchResult<T> {
    const method = p.request.method.toUpperCase();
    const path = p.url.split('?')[0]!;
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
    const result: BatchResult<T> = {
      id: p.id,
      status: answer.status,
      headers: answer.headers,
      body: answer.body as T,
    };
    if (answer.status >= 400) {
      const { code, message } = graphErrorOf(answer.body);
      let kind: PortErrorKind = kindOfStatus(answer.status, code);
      // A failed dependency fails for the reason its dependency did.
      if (answer.status === 424) kind = dependencyKind(p, answers, byId) ?? 'invalid';
      const retryAfterMs = parseRetryAfter(headerOf(answer.headers, 'retry-after'), this.now());
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
    }
    return result;
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
      const body: Record<string, unknown> =
        (await this.request<Record<string, unknown>>('GET', next, {
          ...(query ? { query } : {}),
          headers,
        })) ?? {};
      // The query belongs to the first request only; links carry their own.
      query = undefined;
      const page: Page<T> = { value: asArray(body.value) as T[] };
      const nextLink = typeof body['@odata.nextLink'] === 'string' ? body['@odata.nextLink'] : undefined;
      const deltaLink = typeof body['@odata.deltaLink'] === 'string' ? body['@odata.deltaLink'] : undefined;
      if (nextLink !== undefined) page.nextLink = nextLink;
      if (deltaLink !== undefined) page.deltaLink = deltaLink;
      yield page;
      next = nextLink;
    }
  }

  async *list<T = unknown>(path: string, options: PageOptions = {}): AsyncGenerator<T> {
    for await (const page of this.pages<T>(path, options)) yield* page.value;
  }

  async *delta<T = unknown>(start: string, options: PageOptions = {}): AsyncGenerator<DeltaPage<T>> {
    for await (const page of this.pages<Record<string, unknown>>(start, options)) {
      const out: DeltaPage<T> = { changed: [], removed: [] };
      for (const item of page.value) {
        const removed = item['@removed'] as { reason?: unknown } | undefined;
        if (removed !== undefined && removed !== null) {
          out.removed.push({
            id: String(item.id),
            reason: typeof removed.reason === 'string' ? removed.reason : 'deleted',
          });
        } else out.changed.push(item as T);
      }
      if (page.deltaLink !== undefined) {
        out.deltaLink = page.deltaLink;
        yield out;
        return;
      }
      if (page.nextLink === undefined) {
        throw new GraphError({
          kind: 'permanent',
          code: 'deltaWithoutLink',
          message: 'A delta page carried neither @odata.nextLink nor @odata.deltaLink.',
          method: 'GET',
        });
      }
      yield out;
    }
  }

  async collectDelta<T = unknown>(start: string, options: PageOptions = {}): Promise<DeltaRound<T>> {
    const latest = new Map<string, { item: T } | { removed: RemovedItem }>();
    let deltaLink = '';
    for await (const page of this.delta<T>(start, options)) {
      for (const item of page.changed) {
        const id = String((item as { id?: unknown }).id);
        latest.delete(id);
        latest.set(id, { item });
      }
      for (const removed of page.removed) {
        latest.delete(removed.id);
        latest.set(removed.id, { removed });
      }
      if (page.deltaLink !== undefined) deltaLink = page.deltaLink;
    }
    const round: DeltaRound<T> = { changed: [], removed: [], deltaLink };
    for (const entry of latest.values()) {
      if ('item' in entry) round.changed.push(entry.item);
      else round.removed.push(entry.removed);
    }
    return round;
  }
}

// ---- helpers ---------------------------------------------------------------------------------------

interface InnerAnswer {
  id: string;
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

function readInnerAnswer(raw: unknown): InnerAnswer | undefined {
  if (raw === null || typeof raw !== 'object') return undefined;
  const r = raw as { id?: unknown; status?: unknown; headers?: unknown; body?: unknown };
  if (typeof r.id !== 'string' || typeof r.status !== 'number') return undefined;
  const headers: Record<string, string> = {};
  if (r.headers !== null && typeof r.headers === 'object') {
    for (const [name, value] of Object.entries(r.headers as Record<string, unknown>)) {
      headers[name] = String(value);
    }
  }
  return { id: r.id, status: r.status, headers, body: r.body };
}

function headerOf(headers: Record<string, string>, name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
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

function invalidBatch(message: string): GraphError {
  return new GraphError({ kind: 'invalid', code: 'invalidBatch', message });
}

function prepareBatch(requests: BatchRequest[], urlOf: (request: BatchRequest) => string): Prepared[] {
  const ids = new Set<string>();
  const prepared = requests.map((request, index): Prepared => {
    const id = request.id ?? String(index);
    if (ids.has(id)) throw invalidBatch(`Batch request ids must be unique; '${id}' is repeated.`);
    ids.add(id);
    const idempotent = isIdempotent(request.method.toUpperCase(), request);
    return { index, id, request, url: urlOf(request), idempotent };
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
function chunkBatch(prepared: Prepared[], size: number): Prepared[][] {
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
  const groups = new Map<string, Prepared[]>();
  for (const p of prepared) {
    const root = find(p.id);
    const group = groups.get(root) ?? [];
    group.push(p);
    groups.set(root, group);
  }
  const chunks: Prepared[][] = [];
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
