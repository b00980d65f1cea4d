import { sql, type Transaction } from 'kysely';
import type { Database } from '../db/schema';
import { tooManyRequests } from '../errors';

/**
 * Limits on what onboarding creates, counted from the rows themselves (so every replica sees the
 * same count) and serialised per counted subject by a transaction-scoped advisory lock (so parallel
 * requests count one after another). Route-level request limits live in `plugins/rate-limit.ts`.
 */
export type Counted =
  /** Codes or join requests one Microsoft 365 identity asked for. */
  | { of: 'identity'; table: 'association_codes' | 'join_requests'; tenantId: string; objectId: string }
  /** Codes mailed to one address, whoever asked. */
  | { of: 'address'; email: string }
  /** Join requests one organisation received. */
  | { of: 'org_requests'; orgId: string }
  /** Mails of one template queued for one organisation. */
  | { of: 'org_mails'; orgId: string; template: string };

export interface Window {
  limit: number;
  windowMs: number;
}

function lockKey(counted: Counted): string {
  switch (counted.of) {
    case 'identity':
      return `${counted.table}:${counted.tenantId}:${counted.objectId}`;
    case 'address':
      return `address:${counted.email}`;
    case 'org_requests':
      return `join_requests:org:${counted.orgId}`;
    case 'org_mails':
      return `outbox:${counted.template}:${counted.orgId}`;
  }
}

/** Rows counted for `counted` within the window, and when the oldest of them was made. */
async function recent(
  trx: Transaction<Database>,
  counted: Counted,
  windowMs: number,
): Promise<{ count: number; oldest: Date | null }> {
  const since = sql<Date>`now() - ${`${windowMs} milliseconds`}::interval`;
  const stats = <T extends { count: string | number | bigint; oldest: unknown }>(row: T | undefined) => ({
    count: Number(row?.count ?? 0),
    oldest: row?.oldest ? new Date(row.oldest as string | Date) : null,
  });
  switch (counted.of) {
    case 'identity':
      return stats(
        await trx
          .selectFrom(counted.table)
          .select((eb) => [eb.fn.countAll<string>().as('count'), eb.fn.min('created_at').as('oldest')])
          .where('ms_tenant_id', '=', counted.tenantId)
          .where('ms_object_id', '=', counted.objectId)
          .where('created_at', '>', since)
          .executeTakeFirst(),
      );
    case 'address':
      return stats(
        await trx
          .selectFrom('association_codes')
          .select((eb) => [eb.fn.countAll<string>().as('count'), eb.fn.min('created_at').as('oldest')])
          .where(sql`lower(email)`, '=', counted.email.toLowerCase())
          .where('created_at', '>', since)
          .executeTakeFirst(),
      );
    case 'org_requests':
      return stats(
        await trx
          .selectFrom('join_requests')
          .select((eb) => [eb.fn.countAll<string>().as('count'), eb.fn.min('created_at').as('oldest')])
          .where('org_id', '=', counted.orgId)
          .where('created_at', '>', since)
          .executeTakeFirst(),
      );
    case 'org_mails':
      return stats(
        await trx
          .selectFrom('outbox')
          .select((eb) => [eb.fn.countAll<string>().as('count'), eb.fn.min('created_at').as('oldest')])
          .where('org_id', '=', counted.orgId)
          .where('template', '=', counted.template)
          .where('created_at', '>', since)
          .executeTakeFirst(),
      );
  }
}

/** Whether one more is allowed; holds the subject's lock until the transaction ends. */
export async function underLimit(
  trx: Transaction<Database>,
  counted: Counted,
  window: Window,
): Promise<boolean> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${lockKey(counted)}, 0))`.execute(trx);
  return (await recent(trx, counted, window.windowMs)).count < window.limit;
}

/** Refuses with 429 (and `Retry-After` until the oldest counted row leaves the window) when at the limit. */
export async function enforceLimit(
  trx: Transaction<Database>,
  counted: Counted,
  window: Window & { message: string },
): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${lockKey(counted)}, 0))`.execute(trx);
  const { count, oldest } = await recent(trx, counted, window.windowMs);
  if (count < window.limit) return;
  const from = oldest ? oldest.getTime() : Date.now();
  throw tooManyRequests(window.message, (from + window.windowMs - Date.now()) / 1000);
}
