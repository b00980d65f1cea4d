import { sql, type Kysely } from 'kysely';

// Onboarding: terms acceptance, invitations, join requests, account association codes, the mail
// outbox and the audit log. Frozen once released, like every migration.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('terms_acceptances')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('ms_tenant_id', 'text', (c) => c.notNull())
    .addColumn('ms_object_id', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('accepted_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('terms_acceptances_user')
    .on('terms_acceptances')
    .columns(['org_id', 'user_id'])
    .execute();

  await db.schema
    .createTable('invitations')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text')
    // Set when the invitee was picked from the tenant's directory: only that identity may accept.
    .addColumn('ms_object_id', 'text')
    .addColumn('language', 'text', (c) => c.notNull().defaultTo('en'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'accepted', 'revoked')`))
    .addColumn('invited_by', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('sent_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('accepted_at', 'timestamptz')
    .addColumn('accepted_user_id', 'uuid', (c) => c.references('users.id'))
    .execute();
  // One live invitation per person and organisation: re-inviting replaces its link.
  await sql`create unique index invitations_pending on invitations (org_id, lower(email)) where status = 'pending'`.execute(
    db,
  );
  await sql`create index invitations_email on invitations (lower(email)) where status = 'pending'`.execute(
    db,
  );

  await db.schema
    .createTable('join_requests')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('ms_tenant_id', 'text', (c) => c.notNull())
    .addColumn('ms_object_id', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull().defaultTo('en'))
    .addColumn('message', 'text')
    // The terms the requester accepted when asking; recorded as accepted once approved.
    .addColumn('terms_version', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'approved', 'rejected')`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('decided_at', 'timestamptz')
    .addColumn('decided_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('user_id', 'uuid', (c) => c.references('users.id'))
    .execute();
  await sql`create unique index join_requests_pending on join_requests (ms_tenant_id, ms_object_id) where status = 'pending'`.execute(
    db,
  );
  await db.schema
    .createIndex('join_requests_requester')
    .on('join_requests')
    .columns(['ms_tenant_id', 'ms_object_id', 'created_at'])
    .execute();
  await db.schema
    .createIndex('join_requests_org')
    .on('join_requests')
    .columns(['org_id', 'status', 'created_at'])
    .execute();

  await db.schema
    .createTable('association_codes')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('ms_tenant_id', 'text', (c) => c.notNull())
    .addColumn('ms_object_id', 'text', (c) => c.notNull())
    // The account the code proves ownership of; null when no account has that email (the answer
    // does not tell, so the endpoint cannot be used to find out who has an account).
    .addColumn('org_id', 'uuid', (c) => c.references('orgs.id').onDelete('cascade'))
    .addColumn('target_user_id', 'uuid', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('association_codes_identity')
    .on('association_codes')
    .columns(['ms_tenant_id', 'ms_object_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('outbox')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('org_id', 'uuid', (c) => c.references('orgs.id').onDelete('cascade'))
    .addColumn('template', 'text', (c) => c.notNull())
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    // Cleared once sent: bodies carry single-use links and codes.
    .addColumn('body', 'text')
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('pending', 'sending', 'sent', 'failed')`),
    )
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('locked_until', 'timestamptz')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('sent_at', 'timestamptz')
    .execute();
  await sql`create index outbox_due on outbox (next_attempt_at) where status in ('pending', 'sending')`.execute(
    db,
  );

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('actor_user_id', 'uuid')
    .addColumn('actor_email', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target_type', 'text', (c) => c.notNull())
    .addColumn('target_id', 'text', (c) => c.notNull())
    .addColumn('details', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('audit_log_org').on('audit_log').columns(['org_id', 'created_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'audit_log',
    'outbox',
    'association_codes',
    'join_requests',
    'invitations',
    'terms_acceptances',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
