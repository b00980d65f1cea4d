import type { Kysely, Transaction } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Database } from '../db/schema';
import { PERMISSIONS, type Permission } from '../auth/permissions';

export type Edition = 'free' | 'paid';

export interface NewMember {
  email: string;
  displayName: string;
  msTenantId?: string | null;
  msObjectId?: string | null;
}

export interface CreatedOrganisation {
  orgId: string;
  adminUserId: string;
  adminProfileId: string;
  defaultProfileId: string;
}

export const ADMIN_PROFILE = 'Administrator';
export const STANDARD_PROFILE = 'Standard user';

/**
 * Creates an organisation with its two built-in profiles and its first member, the super admin.
 * Runs inside the caller's transaction when given one.
 */
export async function createOrganisation(
  db: Kysely<Database> | Transaction<Database>,
  input: { tenantId: string | null; name: string; edition: Edition; admin: NewMember },
): Promise<CreatedOrganisation> {
  const orgId = uuidv7();
  const adminProfileId = uuidv7();
  const defaultProfileId = uuidv7();
  const adminUserId = uuidv7();
  await db
    .insertInto('orgs')
    .values({ id: orgId, tenant_id: input.tenantId, name: input.name, edition: input.edition })
    .execute();
  await db
    .insertInto('profiles')
    .values([
      {
        id: adminProfileId,
        org_id: orgId,
        name: ADMIN_PROFILE,
        permissions: JSON.stringify([...PERMISSIONS]),
      },
      {
        id: defaultProfileId,
        org_id: orgId,
        name: STANDARD_PROFILE,
        permissions: JSON.stringify([]),
        is_default: true,
      },
    ])
    .execute();
  await db
    .insertInto('users')
    .values({
      id: adminUserId,
      org_id: orgId,
      email: input.admin.email.toLowerCase(),
      display_name: input.admin.displayName,
      ms_tenant_id: input.admin.msTenantId ?? null,
      ms_object_id: input.admin.msObjectId ?? null,
      profile_id: adminProfileId,
      is_super_admin: true,
    })
    .execute();
  return { orgId, adminUserId, adminProfileId, defaultProfileId };
}

/** Adds a member with the organisation's default profile, or the named one. */
export async function addMember(
  db: Kysely<Database> | Transaction<Database>,
  orgId: string,
  member: NewMember,
  profileName?: string,
): Promise<string> {
  const profile = await db
    .selectFrom('profiles')
    .select('id')
    .where('org_id', '=', orgId)
    .$if(profileName === undefined, (q) => q.where('is_default', '=', true))
    .$if(profileName !== undefined, (q) => q.where('name', '=', profileName as string))
    .executeTakeFirstOrThrow();
  const id = uuidv7();
  await db
    .insertInto('users')
    .values({
      id,
      org_id: orgId,
      email: member.email.toLowerCase(),
      display_name: member.displayName,
      ms_tenant_id: member.msTenantId ?? null,
      ms_object_id: member.msObjectId ?? null,
      profile_id: profile.id,
    })
    .execute();
  return id;
}

/** Creates or replaces a profile's permissions (used by the users screens and tests). */
export async function setProfilePermissions(
  db: Kysely<Database>,
  orgId: string,
  name: string,
  permissions: Permission[],
): Promise<string> {
  const existing = await db
    .selectFrom('profiles')
    .select('id')
    .where('org_id', '=', orgId)
    .where('name', '=', name)
    .executeTakeFirst();
  if (existing) {
    await db
      .updateTable('profiles')
      .set({ permissions: JSON.stringify(permissions) })
      .where('id', '=', existing.id)
      .execute();
    return existing.id;
  }
  const id = uuidv7();
  await db
    .insertInto('profiles')
    .values({ id, org_id: orgId, name, permissions: JSON.stringify(permissions) })
    .execute();
  return id;
}
