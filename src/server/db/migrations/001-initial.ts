import { sql, type Kysely } from 'kysely';

// Migrations are frozen once released: they take Kysely<unknown> so later schema types cannot change them.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('orgs')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('edition', 'text', (c) => c.notNull().check(sql`edition in ('free', 'paid')`))
    .addColumn('change_seq', 'int8', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('profiles')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('permissions', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('is_default', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('profiles_org_name', ['org_id', 'name'])
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('ms_tenant_id', 'text')
    .addColumn('ms_object_id', 'text')
    .addColumn('profile_id', 'uuid', (c) => c.notNull().references('profiles.id'))
    .addColumn('is_super_admin', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('active')
        .check(sql`status in ('active', 'deactivated')`),
    )
    .addColumn('language', 'text', (c) => c.notNull().defaultTo('en'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // One CRM account per email address, and one per Microsoft 365 identity.
  await sql`create unique index users_email on users (lower(email))`.execute(db);
  await sql`create unique index users_ms_identity on users (ms_tenant_id, ms_object_id) where ms_object_id is not null`.execute(
    db,
  );
  await db.schema.createIndex('users_org').on('users').column('org_id').execute();

  await db.schema
    .createTable('custom_fields')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('resource', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('custom_fields_key', ['org_id', 'resource', 'key'])
    .execute();

  for (const table of ['contacts', 'events'] as const) {
    let builder = db.schema
      .createTable(table)
      .addColumn('id', 'uuid', (c) => c.primaryKey())
      .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
      .addColumn('owner_id', 'uuid', (c) => c.notNull().references('users.id'))
      .addColumn('origin', 'text', (c) =>
        c.notNull().check(sql`origin in ('ui', 'api', 'import', 'migration', 'sync')`),
      )
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('seq', 'int8', (c) => c.notNull())
      .addColumn('data', 'jsonb', (c) => c.notNull())
      .addColumn('created_by', 'uuid', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('mass_updated_at', 'timestamptz')
      .addColumn('deleted_at', 'timestamptz')
      .addColumn('deleted_by_sync', 'boolean', (c) => c.notNull().defaultTo(false));
    if (table === 'events') {
      builder = builder
        .addColumn('start_at', 'timestamptz', (c) => c.notNull())
        .addColumn('end_at', 'timestamptz');
    }
    await builder.execute();
    // The change feed reads "seq > cursor" per organisation: cost follows the number of changes.
    await db.schema.createIndex(`${table}_feed`).on(table).columns(['org_id', 'seq']).execute();
    await db.schema.createIndex(`${table}_owner`).on(table).columns(['org_id', 'owner_id', 'id']).execute();
  }
  await db.schema
    .createIndex('events_owner_start')
    .on('events')
    .columns(['org_id', 'owner_id', 'start_at'])
    .execute();

  await db.schema
    .createTable('field_mappings')
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('resource', 'text', (c) => c.notNull())
    .addColumn('mapping', 'jsonb', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('field_mappings_pk', ['user_id', 'resource'])
    .execute();

  await db.schema
    .createTable('sync_state')
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('resource', 'text', (c) => c.notNull())
    .addColumn('enabled', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('container_id', 'text')
    .addColumn('delta_link', 'text')
    .addColumn('crm_cursor', 'text')
    .addColumn('lease_owner', 'text')
    .addColumn('lease_expires_at', 'timestamptz')
    .addColumn('status', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('sync_state_pk', ['user_id', 'resource'])
    .execute();

  await db.schema
    .createTable('sync_links')
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('resource', 'text', (c) => c.notNull())
    .addColumn('crm_id', 'uuid', (c) => c.notNull())
    .addColumn('graph_id', 'text', (c) => c.notNull())
    .addColumn('change_key', 'text')
    .addColumn('snapshot', 'jsonb', (c) => c.notNull())
    .addColumn('snapshot_hash', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('sync_links_pk', ['user_id', 'resource', 'crm_id'])
    .addUniqueConstraint('sync_links_graph', ['user_id', 'resource', 'graph_id'])
    .execute();

  await db.schema
    .createTable('conflicts')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('resource', 'text', (c) => c.notNull())
    .addColumn('crm_id', 'uuid', (c) => c.notNull())
    .addColumn('field', 'text', (c) => c.notNull())
    .addColumn('crm_value', 'jsonb')
    .addColumn('graph_value', 'jsonb')
    .addColumn('winner', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('resolved_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('conflicts_user')
    .on('conflicts')
    .columns(['org_id', 'user_id', 'created_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'conflicts',
    'sync_links',
    'sync_state',
    'field_mappings',
    'events',
    'contacts',
    'custom_fields',
    'users',
    'profiles',
    'orgs',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
