import { sql, type Kysely } from 'kysely';

/**
 * What the sync engine needs beyond the sync tables of 001: whether the initial sync finished (so a
 * crashed activation resumes as an initial sync), and the creates sent to Outlook whose links are
 * not stored yet (looked up by marker after a crash, and re-sent with the same transactionId).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('sync_state')
    .addColumn('initial_done', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();

  await db.schema
    .createTable('sync_pending')
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('resource', 'text', (c) => c.notNull())
    .addColumn('crm_id', 'uuid', (c) => c.notNull())
    .addColumn('transaction_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('sync_pending_pk', ['org_id', 'user_id', 'resource', 'crm_id'])
    .execute();

  // Links and conflicts are always read per organisation, user and resource.
  await db.schema
    .createIndex('sync_links_org_user')
    .on('sync_links')
    .columns(['org_id', 'user_id', 'resource'])
    .execute();
  await db.schema
    .createIndex('conflicts_open')
    .on('conflicts')
    .columns(['org_id', 'user_id', 'resource', 'resolved_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('conflicts_open').ifExists().execute();
  await db.schema.dropIndex('sync_links_org_user').ifExists().execute();
  await db.schema.dropTable('sync_pending').ifExists().execute();
  await db.schema.alterTable('sync_state').dropColumn('initial_done').execute();
}
