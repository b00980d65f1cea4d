import { sql, type Kysely } from 'kysely';

/**
 * The contacts list searches by the start of a name, email or company and sorts by name, company,
 * email or last change. Each searched field gets a lower-cased expression index per organisation
 * (`text_pattern_ops`, so `like 'abc%'` uses it whatever the database's collation); the same plain
 * SQL runs on PGlite and PostgreSQL (no extension such as pg_trgm is needed).
 */
/** What "sort by name" orders by: the last name, else whatever else names the contact. */
export const CONTACT_NAME_KEY = `lower(coalesce(data->>'lastName', '') || ' ' || coalesce(data->>'firstName', data->>'accountName', data->>'email', ''))`;

const FIELDS = { first_name: 'firstName', last_name: 'lastName', email: 'email', company: 'accountName' };

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [name, key] of Object.entries(FIELDS)) {
    await sql`create index ${sql.raw(`contacts_search_${name}`)} on contacts (org_id, (lower(data->>${sql.lit(key)})) text_pattern_ops)`.execute(
      db,
    );
  }
  // Sorted listings (by name, then id) and the "updated" order, for one owner or the whole organisation.
  await sql`create index contacts_sort_name on contacts (org_id, (${sql.raw(CONTACT_NAME_KEY)}), id)`.execute(
    db,
  );
  await sql`create index contacts_sort_updated on contacts (org_id, updated_at, id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const name of [
    ...Object.keys(FIELDS).map((n) => `contacts_search_${n}`),
    'contacts_sort_name',
    'contacts_sort_updated',
  ]) {
    await db.schema.dropIndex(name).ifExists().execute();
  }
}
