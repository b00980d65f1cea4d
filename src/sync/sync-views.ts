import type { CrmFieldDescriptor } from '../domain/contact';
import type { ContactFieldMapping, CustomFieldDefinition } from '../domain/contact-field-mapping';
import type { GraphContactFieldDescriptor } from '../domain/graph-contact-fields';
import type { SyncFailure, SyncReport } from './engine';
import type { SyncResource } from './model';

/**
 * What the sync settings API answers (`GET /api/sync`, runs, field mapping, conflicts): the server
 * builds these and the add-in reads them, from this one definition.
 */

export const SYNC_RESOURCES: readonly SyncResource[] = ['calendar', 'contacts'];

/**
 * Why a run stopped before it finished, as a closed set the page words for people: Outlook throttled
 * Tandem, was unavailable or too slow, the network failed, the sign-in was refused, an item or the
 * delta cursor was gone, a write met a newer version, a request was invalid, the Tandem server failed,
 * or anything else retrying will not cure.
 */
export const SYNC_TROUBLES = [
  'throttled',
  'unavailable',
  'timeout',
  'network',
  'auth',
  'notFound',
  'conflict',
  'cursorExpired',
  'invalid',
  'server',
  'permanent',
] as const;

export type SyncTrouble = (typeof SYNC_TROUBLES)[number];

/** A run that failed: the trouble in people's words on the page, and the raw details behind "Details". */
export interface RunError {
  reason: SyncTrouble;
  message: string;
}

/** A run as the server keeps it (`GET /api/sync`, `POST /api/sync/{resource}/runs`). */
export interface LastRun {
  at: string;
  startedAt: string | null;
  mode: SyncReport['mode'];
  /** `failed`: the run stopped on an error (see `error`); what it had not done is done by the next. */
  outcome: SyncReport['outcome'] | 'failed';
  applied: SyncReport['applied'];
  conflicts: number;
  failureCount: number;
  failures: SyncFailure[];
  refused: SyncReport['refused'];
  /** Present when `outcome` is `failed`. */
  error?: RunError;
}

export interface ResourceStatus {
  enabled: boolean;
  initialDone: boolean;
  /**
   * The user's records of this resource that do not sync because they were imported (or migrated)
   * and no mass update has touched them since.
   */
  importedNotSynced: number;
  /** Some runner holds the lease now. */
  running: boolean;
  lastRun: LastRun | null;
  openConflicts: number;
  /** How the server's background sync of this resource fares; null where the server never ran it. */
  health: SyncHealthView | null;
}

/** Background sync's state: `needs_sign_in` is mended by the user opening Tandem once. */
export type SyncHealthState = 'ok' | 'retrying' | 'needs_sign_in' | 'off';

/** The server's background sync of one user's resource (`GET /api/sync`, `GET /api/sync/health`). */
export interface SyncHealthView {
  state: SyncHealthState;
  lastSuccessAt: string | null;
  lastAttemptAt: string | null;
  /** How long the last successful run's oldest change waited for it, in milliseconds. */
  lagMs: number | null;
  /** Failed runs in a row. */
  failures: number;
  /** Why the last run failed, in the server's words; null while healthy or off. */
  lastError: string | null;
}

/** A user of the organisation with their background sync health (the admins' "Sync health" list). */
export interface UserSyncHealth {
  userId: string;
  email: string;
  displayName: string;
  active: boolean;
  health: Record<SyncResource, SyncHealthView | null>;
}

/** A run asked of the server by "Sync now" (`POST /api/sync/{resource}/server-runs`). */
export interface SyncRunView {
  id: string;
  resource: SyncResource;
  state: 'queued' | 'running' | 'done' | 'failed';
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export type SyncOverview = Record<SyncResource, ResourceStatus>;

export interface ContactMappingView {
  mapping: ContactFieldMapping;
  isDefault: boolean;
  crmFields: CrmFieldDescriptor[];
  graphFields: GraphContactFieldDescriptor[];
  /** Per CRM field, the Graph field ids it may map to. */
  targets: Record<string, string[]>;
  customFields: CustomFieldDefinition[];
}

export interface ConflictView {
  id: string;
  crmId: string;
  /** The record as the page names it; null when it is no longer the user's. */
  record: { label: string; deleted: boolean } | null;
  field: string;
  crmValue: unknown;
  graphValue: unknown;
  winner: 'crm' | 'graph';
  losingValue: unknown;
  createdAt: string;
}

export interface ConflictPage {
  items: ConflictView[];
  next: string | null;
}
