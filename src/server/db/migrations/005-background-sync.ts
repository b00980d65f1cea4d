import { sql, type Kysely } from 'kysely';

/**
 * Background sync on the server: the delegated credentials the server holds for a user (sealed with
 * the server's secret key, never readable without it) and the health of each user's sync per
 * resource. The database itself drops the credentials when they must go, whichever path got there:
 * the user's last sync turned off, or the user deactivated.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sync_credentials')
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    // AES-256-GCM: `v1.<iv>.<tag>.<ciphertext>`, base64url, bound to the user's row (additional data).
    .addColumn('sealed', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('sync_health')
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('resource', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) =>
      c.notNull().check(sql`state in ('ok', 'retrying', 'needs_sign_in', 'off')`),
    )
    .addColumn('last_success_at', 'timestamptz')
    .addColumn('last_attempt_at', 'timestamptz')
    // How long the last successful run's oldest trigger waited for it, in milliseconds.
    .addColumn('lag_ms', 'integer')
    .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('sync_health_pk', ['user_id', 'resource'])
    .execute();
  await db.schema.createIndex('sync_health_org').on('sync_health').columns(['org_id', 'state']).execute();

  await sql`
    create function tandem_sync_turned_off() returns trigger language plpgsql as $$
    begin
      update sync_health set state = 'off', updated_at = now()
        where user_id = new.user_id and resource = new.resource;
      if not exists (select 1 from sync_state where user_id = new.user_id and enabled) then
        delete from sync_credentials where user_id = new.user_id;
      end if;
      return null;
    end $$`.execute(db);
  await sql`
    create trigger sync_state_turned_off after update of enabled on sync_state
      for each row when (old.enabled and not new.enabled)
      execute function tandem_sync_turned_off()`.execute(db);

  await sql`
    create function tandem_user_deactivated() returns trigger language plpgsql as $$
    begin
      delete from sync_credentials where user_id = new.id;
      update sync_health set state = 'off', updated_at = now() where user_id = new.id;
      return null;
    end $$`.execute(db);
  await sql`
    create trigger users_deactivated after update of status on users
      for each row when (new.status <> 'active')
      execute function tandem_user_deactivated()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger if exists users_deactivated on users`.execute(db);
  await sql`drop function if exists tandem_user_deactivated()`.execute(db);
  await sql`drop trigger if exists sync_state_turned_off on sync_state`.execute(db);
  await sql`drop function if exists tandem_sync_turned_off()`.execute(db);
  await db.schema.dropTable('sync_health').ifExists().execute();
  await db.schema.dropTable('sync_credentials').ifExists().execute();
}
