import { sql, type Transaction } from 'kysely';
import type { Database } from '../db/schema';

/**
 * Reserves `count` numbers of the organisation's change sequence and returns the last one. The row
 * lock on the organisation is held until the transaction commits, so sequence numbers become visible
 * in order and a change-feed reader never skips a change that commits late.
 */
export async function allocateSeq(trx: Transaction<Database>, orgId: string, count: number): Promise<number> {
  const row = await trx
    .updateTable('orgs')
    .set({ change_seq: sql`change_seq + ${count}` })
    .where('id', '=', orgId)
    .returning('change_seq')
    .executeTakeFirstOrThrow();
  return Number(row.change_seq);
}
