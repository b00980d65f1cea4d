/** What a profile can grant. Super admins hold every permission. */
export const PERMISSIONS = [
  'manage_users',
  'manage_fields',
  'view_all_records',
  'modify_all_records',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** The authenticated member of an organisation on whose behalf a request runs. */
export interface Actor {
  userId: string;
  orgId: string;
  email: string;
  isSuperAdmin: boolean;
  permissions: ReadonlySet<Permission>;
}

export function hasPermission(actor: Actor, permission: Permission): boolean {
  return actor.isSuperAdmin || actor.permissions.has(permission);
}

export function toPermissions(values: readonly string[]): Set<Permission> {
  return new Set(values.filter((v): v is Permission => (PERMISSIONS as readonly string[]).includes(v)));
}
