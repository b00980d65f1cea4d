import { sql, type Kysely } from 'kysely';

/**
 * Graph change-notification subscriptions the server keeps for a user's background sync: one per
 * user and resource, with its expiry, and only a hash of the `clientState` secret Graph echoes in
 * every notification (the secret itself lives with Graph alone).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sync_subscriptions')
    // Graph's subscription id.
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('resource', 'text', (c) => c.notNull().check(sql`resource in ('contacts', 'events')`))
    // The Microsoft tenant the subscription was made in; a notification naming another is forged.
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    // SHA-256 of the clientState, hex.
    .addColumn('client_state_hash', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('sync_subscriptions_target')
    .on('sync_subscriptions')
    .columns(['user_id', 'resource'])
    .execute();
  await db.schema
    .createIndex('sync_subscriptions_expiry')
    .on('sync_subscriptions')
    .column('expires_at')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('sync_subscriptions').ifExists().execute();
}
