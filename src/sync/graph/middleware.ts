import type { Context, Middleware, MiddlewareOptions } from '@microsoft/microsoft-graph-client';
import { kindOfStatus } from '../port-errors';
import { GraphError, graphErrorOf, parseRetryAfter, refusedUntouched } from './graph-error';
import type { RequestGate } from './request-gate';

/**
 * The Graph SDK's middleware chain as the client runs it: `Retry → Gate → Token → Fetch`. The SDK's own
 * handlers are not used: its `RetryHandler` would resend a POST after a lost connection and does not
 * hold the whole mailbox back on a 429, and its `AuthenticationHandler` attaches the token to https
 * Graph hosts only and cannot ask for a fresh token after a 401.
 */

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface TokenRequest {
  /** True after the service refused the last token (401): do not answer from a cache. */
  forceRefresh: boolean;
}

/** What the chain needs to know about one call, handed to it as the SDK's per-request middleware option. */
export class CallOptions implements MiddlewareOptions {
  /** The refusal met when no HTTP answer was had (timeout, lost connection, no token). */
  failure: GraphError | undefined;
  /** Headers of the last answer, for the error built from it. */
  lastHeaders: Headers | undefined;
  /** True once a 401 was met: the token is asked for with `forceRefresh`. */
  forceRefresh = false;

  constructor(
    /** Whether resending after an ambiguous failure (timeout, lost connection, 5xx) does no harm. */
    readonly idempotent: boolean,
    /** Requests the call carries: its slots in the gate and its cost in the budget. */
    readonly requests: number,
    readonly method: string,
    readonly path: string,
  ) {}
}

export function callOf(context: Context): CallOptions {
  const call = context.middlewareControl?.getMiddlewareOptions(CallOptions);
  if (!(call instanceof CallOptions)) throw new TypeError('A Graph call must carry its CallOptions.');
  return call;
}

export interface ClientCounters {
  calls: number;
  requests: number;
  retries: number;
  throttled: number;
}

abstract class Link implements Middleware {
  protected next: Middleware | undefined;

  setNext(next: Middleware): void {
    this.next = next;
  }

  protected async pass(context: Context): Promise<void> {
    if (!this.next) throw new TypeError('A Graph middleware has no successor.');
    await this.next.execute(context);
  }

  abstract execute(context: Context): Promise<void>;
}

export interface RetryPolicy {
  maxRetries: number;
  backoff: { baseMs: number; maxMs: number };
  random: () => number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

/** How one attempt ended, as far as resending is concerned. */
interface Attempt {
  error?: GraphError;
  status?: number;
  kind?: ReturnType<typeof kindOfStatus>;
  retryAfterMs?: number;
  /** The service may have acted on the request (no answer, or an answer other than 429/503). */
  ambiguous: boolean;
}

/**
 * Resends after a temporary failure (429, 5xx, timeouts, lost connections) after `Retry-After` or a
 * jittered doubling back-off, at most `maxRetries` times; a 429 holds the whole mailbox back. A call
 * that is not idempotent is resent only after a 429 or 503, which prove it was not carried out. A 401
 * goes again at once, once, with a fresh token.
 */
export class RetryMiddleware extends Link {
  constructor(
    private readonly policy: RetryPolicy,
    private readonly gate: RequestGate,
    private readonly counters: ClientCounters,
  ) {
    super();
  }

  async execute(context: Context): Promise<void> {
    const call = callOf(context);
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.attempt(context, call);
      if (outcome === undefined) return;
      if (outcome.status === 429) this.counters.throttled++;
      const next = this.nextStep(outcome, call, attempt);
      if (next === 'fail') {
        if (outcome.error) throw outcome.error;
        return;
      }
      this.counters.retries++;
      if (next === 'wait') await this.wait(outcome.status === 429, outcome.retryAfterMs, attempt);
    }
  }

  /** One pass down the chain; undefined when it was answered with success. */
  private async attempt(context: Context, call: CallOptions): Promise<Attempt | undefined> {
    context.response = undefined;
    try {
      await this.pass(context);
    } catch (error) {
      if (!(error instanceof GraphError)) throw error;
      call.failure = error;
      return {
        error,
        kind: error.kind,
        ambiguous: error.code === 'timeout' || error.code === 'networkError',
      };
    }
    const response = context.response as Response | undefined;
    if (!response) throw new TypeError('The Graph middleware chain gave no answer.');
    call.failure = undefined;
    call.lastHeaders = response.headers;
    if (response.ok) return undefined;
    const { code } = graphErrorOf(
      await response
        .clone()
        .json()
        .catch(() => undefined),
    );
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), this.policy.now());
    return {
      status: response.status,
      kind: kindOfStatus(response.status, code),
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      ambiguous: !refusedUntouched(response.status),
    };
  }

  private nextStep(outcome: Attempt, call: CallOptions, attempt: number): 'refresh' | 'wait' | 'fail' {
    if (attempt >= this.policy.maxRetries) return 'fail';
    if (outcome.status === 401 && !call.forceRefresh) {
      call.forceRefresh = true;
      return 'refresh';
    }
    if (outcome.kind !== 'temporary') return 'fail';
    return call.idempotent || !outcome.ambiguous ? 'wait' : 'fail';
  }

  /** A 429 holds back the whole mailbox; other failures only the call that met them. */
  async wait(throttled: boolean, retryAfterMs: number | undefined, attempt: number): Promise<void> {
    const { backoff, random } = this.policy;
    const ceiling = Math.min(backoff.maxMs, backoff.baseMs * 2 ** attempt);
    const delay = retryAfterMs ?? Math.round(ceiling * (0.5 + random() / 2));
    if (throttled) this.gate.pause(delay);
    else await this.policy.sleep(delay);
  }
}

/** Admits each attempt through the mailbox's gate: the 4-in-flight limit and the request budget. */
export class GateMiddleware extends Link {
  constructor(
    private readonly gate: RequestGate,
    private readonly counters: ClientCounters,
  ) {
    super();
  }

  async execute(context: Context): Promise<void> {
    const { requests } = callOf(context);
    const ticket = await this.gate.acquire(requests, requests);
    try {
      this.counters.requests += requests;
      await this.pass(context);
    } finally {
      ticket.release();
    }
  }
}

/** Sets the bearer token, asked for on every attempt so it may refresh; a caller's own is dropped. */
export class TokenMiddleware extends Link {
  constructor(private readonly getToken: (request: TokenRequest) => Promise<string>) {
    super();
  }

  async execute(context: Context): Promise<void> {
    const call = callOf(context);
    let token: string;
    try {
      token = await this.getToken({ forceRefresh: call.forceRefresh });
    } catch (cause) {
      throw new GraphError({
        kind: 'auth',
        message: 'No access token could be obtained.',
        method: call.method,
        path: call.path,
        cause,
      });
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries((context.options?.headers ?? {}) as Record<string, string>)) {
      if (name.toLowerCase() !== 'authorization') headers[name] = value;
    }
    headers.Accept = 'application/json';
    headers.Authorization = `Bearer ${token}`;
    context.options = { ...context.options, headers };
    await this.pass(context);
  }
}

/** The end of the chain: one fetch with a time limit, failures of the connection as `temporary`. */
export class FetchMiddleware implements Middleware {
  constructor(
    private readonly fetch: FetchLike,
    private readonly timeoutMs: number,
    private readonly counters: ClientCounters,
  ) {}

  async execute(context: Context): Promise<void> {
    const call = callOf(context);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    this.counters.calls++;
    try {
      const response = await this.fetch(String(context.request), {
        ...(context.options as RequestInit),
        signal: controller.signal,
      });
      // The whole answer arrives within the time limit; the SDK reads it from memory afterwards.
      const body = await response.arrayBuffer();
      const empty = body.byteLength === 0 || emptyStatus(response.status);
      // An empty answer is no body at all, whatever its Content-Type says, so the SDK does not parse it.
      const headers = new Headers(response.headers);
      if (empty) headers.delete('content-type');
      context.response = new Response(empty ? null : body, {
        status: response.status,
        statusText: response.statusText,
        headers,
      });
    } catch (cause) {
      const timedOut = controller.signal.aborted;
      throw new GraphError({
        kind: 'temporary',
        code: timedOut ? 'timeout' : 'networkError',
        message: timedOut ? `No answer within ${this.timeoutMs} ms.` : 'The connection failed.',
        method: call.method,
        path: call.path,
        ...(timedOut ? {} : { cause }),
      });
    } finally {
      clearTimeout(timer);
    }
  }
}

function emptyStatus(status: number): boolean {
  return status === 204 || status === 205 || status === 304;
}
