import rateLimit, { type FastifyRateLimitStore, type RateLimitOptions } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { tooManyRequests } from '../errors';

/** Expired counters are swept after this many hits (per process). */
const SWEEP_EVERY = 500;

/**
 * Counts one hit of `key` in a fixed window of `windowMs`, in the store every replica shares: one
 * atomic upsert, so parallel requests on any replica count one after another. Answers the hits in
 * the current window and the milliseconds left in it.
 */
export async function countHit(
  db: Kysely<Database>,
  key: string,
  windowMs: number,
): Promise<{ current: number; ttl: number }> {
  const window = `${Math.max(1, Math.trunc(windowMs))} milliseconds`;
  const { rows } = await sql<{ hits: number; ttl: number | string }>`
    insert into rate_limits (key, hits, reset_at) values (${key}, 1, now() + ${window}::interval)
    on conflict (key) do update set
      hits = case when rate_limits.reset_at <= now() then 1 else rate_limits.hits + 1 end,
      reset_at = case when rate_limits.reset_at <= now() then excluded.reset_at else rate_limits.reset_at end
    returning hits, extract(epoch from (reset_at - now())) * 1000 as ttl`.execute(db);
  const row = rows[0]!;
  return { current: Number(row.hits), ttl: Math.max(0, Math.round(Number(row.ttl))) };
}

/**
 * A `@fastify/rate-limit` store over the `rate_limits` table, so replicas agree on every limit. Each
 * limited route counts under its own prefix (its group id, or method and URL).
 */
export function databaseRateLimitStore(db: Kysely<Database>) {
  let hits = 0;
  return class DatabaseRateLimitStore implements FastifyRateLimitStore {
    private readonly prefix: string;

    constructor(options: { groupId?: string; routeInfo?: { method?: unknown; url?: string } } = {}) {
      const route = options.routeInfo;
      this.prefix = options.groupId ?? (route?.url ? `${String(route.method)} ${route.url}` : 'global');
    }

    incr(
      key: string,
      callback: (error: Error | null, result?: { current: number; ttl: number }) => void,
      timeWindow: number,
    ): void {
      countHit(db, `${this.prefix}|${key}`, timeWindow).then(
        (result) => {
          if (++hits % SWEEP_EVERY === 0) {
            void db
              .deleteFrom('rate_limits')
              .where('reset_at', '<', new Date())
              .execute()
              .catch(() => {});
          }
          callback(null, result);
        },
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      );
    }

    child(routeOptions: object): FastifyRateLimitStore {
      return new DatabaseRateLimitStore(routeOptions);
    }
  };
}

/** Routes limited per caller: the token's tenant and object id, or the address when there is no token. */
function callerKey(request: FastifyRequest): string {
  const identity = request.identity;
  return identity ? `${identity.tenantId}:${identity.objectId}` : `ip:${request.ip}`;
}

/**
 * Registers `@fastify/rate-limit` on `scope` for routes that declare `config.rateLimit`, counted per
 * caller in the shared store and refused with 429 and `Retry-After`. It runs after authentication.
 */
export async function registerRateLimits(scope: FastifyInstance, db: Kysely<Database>): Promise<void> {
  await scope.register(rateLimit, {
    global: false,
    store: databaseRateLimitStore(db),
    keyGenerator: callerKey,
    errorResponseBuilder: (_request, context) =>
      tooManyRequests('Too many requests. Try again later.', context.ttl / 1000),
  });
}

export type RouteLimit = Pick<RateLimitOptions, 'max' | 'timeWindow'>;
