/** An error that becomes an HTTP answer `{ "error": { code, message, ...details } }` with its status. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    /** Extra answer headers (e.g. `Retry-After`). */
    readonly headers: Record<string, string> = {},
    /** Facts a client shows in its own words (e.g. `attemptsLeft`); never secrets. */
    readonly details: Record<string, string | number | boolean> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const badRequest = (message: string) => new HttpError(400, 'invalid_request', message);
export const unauthorized = (message = 'A valid bearer token is required.') =>
  new HttpError(401, 'unauthorized', message);
export const forbidden = (message: string) => new HttpError(403, 'forbidden', message);
export const notFound = (what: string) => new HttpError(404, 'not_found', `${what} not found.`);
export const conflict = (message: string) => new HttpError(409, 'conflict', message);
export const preconditionFailed = (message: string) => new HttpError(412, 'precondition_failed', message);
export const gone = (code: string, message: string) => new HttpError(410, code, message);
export const tooManyRequests = (message: string, retryAfterSeconds: number) =>
  new HttpError(429, 'too_many_requests', message, {
    'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))),
  });

/** Throws a 400 naming each value given more than once, with the positions that give it. */
export function refuseRepeats(where: string, field: string, values: readonly (string | undefined)[]): void {
  const positions = new Map<string, number[]>();
  values.forEach((value, index) => {
    if (value === undefined) return;
    const at = positions.get(value);
    if (at) at.push(index);
    else positions.set(value, [index]);
  });
  const repeats = [...positions].filter(([, at]) => at.length > 1);
  if (repeats.length === 0) return;
  const named = repeats
    .slice(0, 10)
    .map(
      ([value, at]) => `${value.length > 100 ? `${value.slice(0, 100)}…` : value} (items ${at.join(', ')})`,
    )
    .join('; ');
  const more = repeats.length > 10 ? ` and ${repeats.length - 10} more` : '';
  throw badRequest(`${where} names the same ${field} more than once: ${named}${more}`);
}

/** How long a client should wait before retrying after the database was unavailable. */
const DATABASE_RETRY_SECONDS = 2;

export const unavailable = (message: string, retryAfterSeconds = DATABASE_RETRY_SECONDS) =>
  new HttpError(503, 'unavailable', message, {
    'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))),
  });

/** Connection-level failures of the PostgreSQL driver, which carry no SQLSTATE. */
const CONNECTION_LOST = [
  /^Connection terminated/,
  /not queryable/,
  /^timeout exceeded when trying to connect/,
  /^Connection timeout/,
];
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * The answer for an error the database (or its driver) raised, or undefined when it is none of those
 * or a fault of ours (a 500). A lost or overloaded database is a 503 the client may retry; a request
 * that breaks a constraint or carries a value the database refuses is the client's 4xx. Messages name
 * the columns involved, never the values, constraint names or SQL.
 */
export function databaseErrorAnswer(error: unknown): HttpError | undefined {
  if (!(error instanceof Error)) return undefined;
  const { code, severity } = error as Error & { code?: unknown; severity?: unknown };
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return databaseUnavailable();
  if (typeof code !== 'string' || typeof severity !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) {
    return CONNECTION_LOST.some((pattern) => pattern.test(error.message)) ? databaseUnavailable() : undefined;
  }
  const columns = keyColumns(error);
  switch (code) {
    case '21000': // cardinality_violation: one statement touched the same row twice
      return badRequest('The request names the same item more than once.');
    case '23505': // unique_violation
      return conflict(`Another item already has this ${columns ?? 'value'}.`);
    case '23503': // foreign_key_violation
      return conflict(`The ${columns ?? 'item'} refers to something that does not exist or is still in use.`);
    case '23502': // not_null_violation
      return badRequest(`${columnOf(error) ?? 'A required value'} is required.`);
    case '23514': // check_violation
    case '23P01': // exclusion_violation
      return badRequest('A value is outside what is allowed.');
    case '54000': // program_limit_exceeded (e.g. a value too large to index)
      return badRequest('A value is too large.');
    case '40001': // serialization_failure
    case '40P01': // deadlock_detected
    case '55P03': // lock_not_available
    case '57014': // query_canceled (a statement timeout)
      return databaseUnavailable('The request collided with another one; please retry.');
  }
  switch (code.slice(0, 2)) {
    case '22': // data_exception: a value the database cannot store (NUL, out of range, malformed)
      return badRequest('A value is not valid.');
    case '23':
      return badRequest('The request breaks a rule of the data.');
    case '08': // connection_exception
    case '53': // insufficient_resources (too many connections, disk full)
    case '57': // operator_intervention (terminated by an administrator, shutting down)
    case '58': // system_error
      return databaseUnavailable();
  }
  return undefined;
}

function databaseUnavailable(message = 'The database is unavailable for a moment; please retry.'): HttpError {
  return unavailable(message);
}

/** `Key (a, b)=(…) already exists.` → `a, b` (the values are left out). */
function keyColumns(error: Error): string | undefined {
  const detail = (error as { detail?: unknown }).detail;
  const match = typeof detail === 'string' ? /^Key \(([^)]{1,200})\)=/.exec(detail) : null;
  return match?.[1];
}

function columnOf(error: Error): string | undefined {
  const column = (error as { column?: unknown }).column;
  return typeof column === 'string' ? column : undefined;
}
