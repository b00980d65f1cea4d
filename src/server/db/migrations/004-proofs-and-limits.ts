import { sql, type Kysely } from 'kysely';

/**
 * One-time codes also prove the address of an invitation accepted from another tenant, and limits
 * are kept where every server replica sees them: per target address and per organisation (counted
 * from the rows themselves), and per route (`rate_limits`, the shared store of the route limiter).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('association_codes')
    .addColumn('invitation_id', 'uuid', (c) => c.references('invitations.id').onDelete('cascade'))
    .execute();
  await sql`create index association_codes_address on association_codes (lower(email), created_at)`.execute(
    db,
  );
  await db.schema
    .createIndex('outbox_org_template')
    .on('outbox')
    .columns(['org_id', 'template', 'created_at'])
    .execute();

  await db.schema
    .createTable('rate_limits')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('hits', 'integer', (c) => c.notNull())
    .addColumn('reset_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('rate_limits_reset').on('rate_limits').column('reset_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('rate_limits').ifExists().execute();
  await db.schema.dropIndex('outbox_org_template').ifExists().execute();
  await db.schema.dropIndex('association_codes_address').ifExists().execute();
  await db.schema.alterTable('association_codes').dropColumn('invitation_id').execute();
}
