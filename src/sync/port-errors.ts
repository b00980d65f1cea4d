/**
 * The closed set of failures the sync engine tells apart, and the one mapping of an HTTP answer into
 * it. Graph's client, the CRM's HTTP port and the CRM server's per-item answers all classify with
 * {@link kindOfStatus}, so the engine decides on the kind alone, never on statuses or error codes.
 */
export const PORT_ERROR_KINDS = [
  /** The delta cursor is gone (410, `syncStateNotFound`, `resyncRequired`): restart the read from scratch. */
  'cursorExpired',
  /** Throttled, unavailable, timed out or the network failed: retry later. */
  'temporary',
  /** The token is missing, expired or lacks consent (401/403): the user must sign in or consent again. */
  'auth',
  /** The item or container does not exist (404). */
  'notFound',
  /** A stale `If-Match` or a clash with existing data (409/412). */
  'conflict',
  /** The request itself is wrong (400, 413, 422…): retrying the same request cannot help. */
  'invalid',
  /** Anything else that retrying will not cure (an unexpected answer, a link to another host). */
  'permanent',
] as const;

export type PortErrorKind = (typeof PORT_ERROR_KINDS)[number];

const CURSOR_CODES = new Set(['syncstatenotfound', 'resyncrequired', 'syncstateinvalid']);

/** 4xx statuses that say the request itself is malformed or refused as written. */
const REFUSED_REQUESTS = new Set([400, 405, 411, 413, 414, 415, 422, 431]);

/** The kind of an HTTP answer with `status` and, from Graph, its error `code`. */
export function kindOfStatus(status: number, code?: string): PortErrorKind {
  if (status === 410 || (code !== undefined && CURSOR_CODES.has(code.toLowerCase()))) return 'cursorExpired';
  if (status === 408 || status === 429 || (status >= 500 && status <= 599)) return 'temporary';
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'notFound';
  if (status === 409 || status === 412) return 'conflict';
  if (REFUSED_REQUESTS.has(status)) return 'invalid';
  return 'permanent';
}

/** A failure that leaves the item as it was; retrying later may succeed. */
export function isRetryable(kind: PortErrorKind): boolean {
  return kind === 'temporary' || kind === 'conflict' || kind === 'auth';
}

/**
 * The kind of one item's refusal inside a call that was otherwise answered: the caller's credentials
 * were good, so a 401/403 there is a rule about that item (not the user's to change), not a sign-in
 * to renew, and retrying it would fail the same way.
 */
export function itemKindOfStatus(status: number): PortErrorKind {
  const kind = kindOfStatus(status);
  return kind === 'auth' ? 'permanent' : kind;
}
