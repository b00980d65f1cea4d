/**
 * The Microsoft Graph client the sync engine uses, in the browser and in Node (fetch only), built on
 * Microsoft's Graph SDK: its middleware chain carries our retry, gate, token and fetch steps.
 *
 * ```ts
 * const graph = createGraphClient({
 *   baseUrl: 'https://graph.microsoft.com/v1.0', // a national cloud's, or `<origin>/graph/v1.0` for the sandbox
 *   getToken: ({ forceRefresh }) => tokens.graph(forceRefresh),
 * });
 * const event = await graph.request('POST', `/me/calendars/${id}/events`, { body: { ...fields, transactionId } });
 * const results = await graph.batch(creates);           // any number; $batch calls of ≤ 20, results in input order
 * for await (const page of graph.delta(`/me/calendars/${id}/calendarView/delta?startDateTime=…&endDateTime=…`)) …
 * const round = await graph.collectDelta(storedDeltaLink); // {changed, removed, deltaLink}
 * ```
 *
 * What every call gets:
 * - `Prefer: IdType="ImmutableId"` (beside any `Prefer` the caller adds), so ids survive moves.
 * - At most `maxConcurrency` (4) requests in flight per client, i.e. per mailbox; a `$batch` takes a slot
 *   for each sub-request Outlook runs at once (up to 4).
 * - Pacing under `budget` (10,000 requests per 10 minutes by default, sub-requests counted): calls wait
 *   for room in the sliding window instead of running into the service's 429.
 * - Temporary failures (429, 5xx, timeouts, lost connections) resent after `Retry-After` (a 429 holds the
 *   whole mailbox back) or a jittered doubling back-off, at most `maxRetries` times. A non-idempotent POST
 *   (one without a `transactionId`) is resent only after a 429 or 503, which prove it was not carried out.
 *   In a `$batch`, only the throttled or failed sub-requests are resent, together with those refused
 *   for depending on them, after the largest `Retry-After` among them.
 * - Failures as {@link GraphError} with a `kind` from a closed set: `cursorExpired`, `temporary`, `auth`,
 *   `notFound`, `conflict`, `invalid`, `permanent`. Errors never carry the token; paths are given
 *   without their query.
 * - Links (`@odata.nextLink`, delta links) are followed only when they lie under `baseUrl`.
 */
export { createGraphClient, MAX_BATCH_SIZE } from './graph-client';
export type {
  BatchRequest,
  BatchResult,
  DeltaPage,
  DeltaRound,
  FetchLike,
  GraphClient,
  GraphClientOptions,
  GraphClientStats,
  Page,
  PageOptions,
  QueryValue,
  RemovedItem,
  RequestOptions,
  TokenRequest,
} from './graph-client';
export { GraphError } from './graph-error';
export type { RequestBudget } from './request-gate';
