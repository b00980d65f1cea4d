/**
 * Every failure of a Graph call, mapped at the client's edge into a closed set of kinds, so the sync
 * engine decides on the kind alone and never on statuses or Graph's many error codes.
 */
export type GraphErrorKind =
  /** The delta cursor is gone (410, `syncStateNotFound`, `resyncRequired`): restart the delta from scratch. */
  | 'cursorExpired'
  /** Throttled, unavailable, timed out or the network failed: retry later. */
  | 'temporary'
  /** The token is missing, expired or lacks consent (401/403): the user must sign in or consent again. */
  | 'auth'
  /** The item or container does not exist (404). */
  | 'notFound'
  /** A stale `If-Match` or a clash with existing data (409/412). */
  | 'conflict'
  /** The request itself is wrong (400 and other 4xx): retrying the same request cannot help. */
  | 'invalid'
  /** Anything else that retrying will not cure (an unexpected answer, a link to another host). */
  | 'permanent';

export const GRAPH_ERROR_KINDS: readonly GraphErrorKind[] = [
  'cursorExpired',
  'temporary',
  'auth',
  'notFound',
  'conflict',
  'invalid',
  'permanent',
];

export interface GraphErrorDetails {
  kind: GraphErrorKind;
  message: string;
  /** HTTP status of the answer; absent for network failures and timeouts. */
  status?: number;
  /** Graph's `error.code`, e.g. `ErrorItemNotFound`. */
  code?: string;
  /** Graph's `request-id`, for support requests. */
  requestId?: string;
  /** `Retry-After` of the answer, in milliseconds. */
  retryAfterMs?: number;
  /** Where a 410 says to restart the delta (its `Location`). */
  restartLink?: string;
  method?: string;
  /** The path called, without its query (links carry cursors that do not belong in logs). */
  path?: string;
  cause?: unknown;
}

/** A failed Graph call. Never carries the access token or request headers. */
export class GraphError extends Error {
  readonly kind: GraphErrorKind;
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly requestId: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly restartLink: string | undefined;
  readonly method: string | undefined;
  readonly path: string | undefined;

  constructor(details: GraphErrorDetails) {
    const where = details.method && details.path ? `${details.method} ${details.path}: ` : '';
    const what = [details.status, details.code].filter((x) => x !== undefined).join(' ');
    super(`${where}${what ? `${what} ` : ''}${details.message}`, { cause: details.cause });
    this.name = 'GraphError';
    this.kind = details.kind;
    this.status = details.status;
    this.code = details.code;
    this.requestId = details.requestId;
    this.retryAfterMs = details.retryAfterMs;
    this.restartLink = details.restartLink;
    this.method = details.method;
    this.path = details.path;
  }

  /** Whether the same request may succeed if sent again later. */
  get retryable(): boolean {
    return this.kind === 'temporary';
  }
}

const CURSOR_CODES = new Set(['syncstatenotfound', 'resyncrequired', 'syncstateinvalid']);

/** The kind of an HTTP answer with `status` and Graph error `code`. */
export function kindOf(status: number, code?: string): GraphErrorKind {
  if (status === 410 || (code !== undefined && CURSOR_CODES.has(code.toLowerCase()))) return 'cursorExpired';
  if (status === 429 || status === 408 || (status >= 500 && status <= 599)) return 'temporary';
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'notFound';
  if (status === 409 || status === 412) return 'conflict';
  if (status >= 400 && status <= 499) return 'invalid';
  return 'permanent';
}

/** Statuses whose request the service refused before doing anything, so a resend cannot duplicate it. */
export function refusedUntouched(status: number): boolean {
  return status === 429 || status === 503;
}

/** `Retry-After` in milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Graph's `{error:{code,message}}` body, read defensively. */
export function graphErrorOf(body: unknown): { code?: string; message?: string } {
  const error = (body as { error?: unknown } | null | undefined)?.error;
  if (error === null || typeof error !== 'object') return {};
  const { code, message } = error as { code?: unknown; message?: unknown };
  return {
    ...(typeof code === 'string' ? { code } : {}),
    ...(typeof message === 'string' ? { message } : {}),
  };
}
