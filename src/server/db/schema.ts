import type { ColumnType, Generated } from 'kysely';

/** jsonb columns are written as JSON text (node-postgres would turn arrays into PostgreSQL arrays). */
type Json<T> = ColumnType<T, string, string>;

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
/** int8 columns: PostgreSQL drivers answer with strings, written as numbers or strings. */
type Int8 = ColumnType<string | number, number | string | bigint, number | string | bigint>;

export interface OrgsTable {
  id: string;
  tenant_id: string | null;
  name: string;
  edition: 'free' | 'paid';
  change_seq: ColumnType<string | number, number | undefined, number | string | bigint>;
  created_at: Timestamp;
}

export interface ProfilesTable {
  id: string;
  org_id: string;
  name: string;
  permissions: Json<string[]>;
  is_default: Generated<boolean>;
  created_at: Timestamp;
}

export interface UsersTable {
  id: string;
  org_id: string;
  email: string;
  display_name: string;
  ms_tenant_id: string | null;
  ms_object_id: string | null;
  profile_id: string;
  is_super_admin: Generated<boolean>;
  status: Generated<'active' | 'deactivated'>;
  language: Generated<string>;
  created_at: Timestamp;
}

export interface CustomFieldsTable {
  id: string;
  org_id: string;
  resource: 'contacts' | 'events';
  key: string;
  label: string;
  type: 'string' | 'number' | 'boolean' | 'date';
  created_at: Timestamp;
}

interface RecordColumns {
  id: string;
  org_id: string;
  owner_id: string;
  origin: string;
  version: Generated<number>;
  seq: Int8;
  data: Json<Record<string, unknown>>;
  created_by: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  mass_updated_at: NullableTimestamp;
  deleted_at: NullableTimestamp;
  deleted_by_sync: Generated<boolean>;
}

export type ContactsTable = RecordColumns;

export interface EventsTable extends RecordColumns {
  /** First instant of the event (or series), for "soonest first" ordering. */
  start_at: Timestamp;
  /** Last instant of the event (or of the series' last occurrence; null when it never ends). */
  end_at: NullableTimestamp;
}

export interface FieldMappingsTable {
  org_id: string;
  user_id: string;
  resource: 'contacts' | 'events';
  mapping: Json<unknown>;
  updated_at: Timestamp;
}

export interface SyncStateTable {
  org_id: string;
  user_id: string;
  resource: 'contacts' | 'events';
  enabled: Generated<boolean>;
  container_id: string | null;
  delta_link: string | null;
  crm_cursor: string | null;
  lease_owner: string | null;
  lease_expires_at: NullableTimestamp;
  status: Json<Record<string, unknown>>;
  updated_at: Timestamp;
  /** 003: the initial sync finished; later runs are incremental. */
  initial_done: Generated<boolean>;
}

/** 003: creates sent to Outlook whose links are not stored yet. */
export interface SyncPendingTable {
  org_id: string;
  user_id: string;
  resource: 'contacts' | 'events';
  crm_id: string;
  transaction_id: string;
  created_at: Timestamp;
}

export interface SyncLinksTable {
  org_id: string;
  user_id: string;
  resource: 'contacts' | 'events';
  crm_id: string;
  graph_id: string;
  change_key: string | null;
  snapshot: Json<Record<string, unknown>>;
  snapshot_hash: string;
  updated_at: Timestamp;
}

export interface ConflictsTable {
  id: string;
  org_id: string;
  user_id: string;
  resource: 'contacts' | 'events';
  crm_id: string;
  field: string;
  crm_value: Json<unknown>;
  graph_value: Json<unknown>;
  winner: 'crm' | 'graph';
  created_at: Timestamp;
  resolved_at: NullableTimestamp;
}

export interface TermsAcceptancesTable {
  id: string;
  org_id: string;
  user_id: string;
  version: string;
  ms_tenant_id: string;
  ms_object_id: string;
  email: string;
  accepted_at: Timestamp;
}

export interface InvitationsTable {
  id: string;
  org_id: string;
  email: string;
  display_name: string | null;
  ms_object_id: string | null;
  language: Generated<string>;
  token_hash: string;
  status: 'pending' | 'accepted' | 'revoked';
  invited_by: string;
  created_at: Timestamp;
  sent_at: Timestamp;
  expires_at: Timestamp;
  accepted_at: NullableTimestamp;
  accepted_user_id: string | null;
}

export interface JoinRequestsTable {
  id: string;
  org_id: string;
  ms_tenant_id: string;
  ms_object_id: string;
  email: string;
  display_name: string;
  language: Generated<string>;
  message: string | null;
  terms_version: string;
  status: 'pending' | 'approved' | 'rejected';
  created_at: Timestamp;
  decided_at: NullableTimestamp;
  decided_by: string | null;
  user_id: string | null;
}

export interface AssociationCodesTable {
  id: string;
  ms_tenant_id: string;
  ms_object_id: string;
  org_id: string | null;
  target_user_id: string | null;
  email: string;
  /** Set when the code proves the address of this invitation rather than an account's. */
  invitation_id: string | null;
  code_hash: string;
  attempts: Generated<number>;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: NullableTimestamp;
}

export interface OutboxTable {
  id: string;
  org_id: string | null;
  template: string;
  recipient: string;
  subject: string;
  body: string | null;
  status: 'pending' | 'sending' | 'sent' | 'failed';
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  locked_until: NullableTimestamp;
  last_error: string | null;
  created_at: Timestamp;
  sent_at: NullableTimestamp;
}

export interface AuditLogTable {
  id: string;
  org_id: string;
  actor_user_id: string | null;
  actor_email: string;
  action: string;
  target_type: string;
  target_id: string;
  details: Json<Record<string, unknown>>;
  created_at: Timestamp;
}

/** Hits per key of the route limiter, shared by every server replica. */
export interface RateLimitsTable {
  key: string;
  hits: number;
  reset_at: Timestamp;
}

/** 005: delegated credentials the server holds for a user's background sync, sealed. */
export interface SyncCredentialsTable {
  org_id: string;
  user_id: string;
  sealed: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type SyncHealthState = 'ok' | 'retrying' | 'needs_sign_in' | 'off';

/** 005: how a user's sync of one resource fares on the server. */
export interface SyncHealthTable {
  org_id: string;
  user_id: string;
  resource: 'contacts' | 'events';
  state: SyncHealthState;
  last_success_at: NullableTimestamp;
  last_attempt_at: NullableTimestamp;
  lag_ms: number | null;
  failures: Generated<number>;
  last_error: string | null;
  updated_at: Timestamp;
}

/** 006: a Graph change-notification subscription of a user's background sync. */
export interface SyncSubscriptionsTable {
  id: string;
  org_id: string;
  user_id: string;
  resource: 'contacts' | 'events';
  tenant_id: string;
  client_state_hash: string;
  expires_at: Timestamp;
  created_at: Timestamp;
}

export interface Database {
  orgs: OrgsTable;
  profiles: ProfilesTable;
  users: UsersTable;
  custom_fields: CustomFieldsTable;
  contacts: ContactsTable;
  events: EventsTable;
  field_mappings: FieldMappingsTable;
  sync_state: SyncStateTable;
  sync_links: SyncLinksTable;
  sync_pending: SyncPendingTable;
  conflicts: ConflictsTable;
  terms_acceptances: TermsAcceptancesTable;
  invitations: InvitationsTable;
  join_requests: JoinRequestsTable;
  association_codes: AssociationCodesTable;
  outbox: OutboxTable;
  audit_log: AuditLogTable;
  rate_limits: RateLimitsTable;
  sync_credentials: SyncCredentialsTable;
  sync_health: SyncHealthTable;
  sync_subscriptions: SyncSubscriptionsTable;
}
