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
