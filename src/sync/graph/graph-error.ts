import type { PortErrorKind } from '../port-errors';

/**
 * Every failure of a Graph call, mapped at the client's edge into the engine's closed set of kinds
 * (`kindOfStatus`), so the sync engine decides on the kind alone and never on Graph's many codes.
 */

export interface GraphErrorDetails {
  kind: PortErrorKind;
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
  readonly kind: PortErrorKind;
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
