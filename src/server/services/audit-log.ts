import type { Kysely, Transaction } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Database } from '../db/schema';

export type AuditAction =
  | 'org.installed'
  | 'account.linked'
  | 'account.associated'
  | 'invitation.created'
  | 'invitation.replaced'
  | 'invitation.revoked'
  | 'invitation.accepted'
  | 'join_request.created'
  | 'join_request.approved'
  | 'join_request.rejected'
  | 'user.profile_changed'
  | 'user.deactivated'
  | 'user.reactivated';

export interface AuditEntry {
  orgId: string;
  actor: { userId: string | null; email: string };
  action: AuditAction;
  target: { type: 'org' | 'user' | 'invitation' | 'join_request'; id: string };
  details?: Record<string, unknown>;
}

/** Appends to the organisation's audit log, inside the transaction of the change it records. */
export async function recordAudit(
  db: Kysely<Database> | Transaction<Database>,
  entry: AuditEntry,
): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      id: uuidv7(),
      org_id: entry.orgId,
      actor_user_id: entry.actor.userId,
      actor_email: entry.actor.email,
      action: entry.action,
      target_type: entry.target.type,
      target_id: entry.target.id,
      details: JSON.stringify(entry.details ?? {}),
    })
    .execute();
}
