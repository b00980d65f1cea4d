import type { CrmFieldDescriptor } from '../domain/contact';
import type { ContactFieldMapping, CustomFieldDefinition } from '../domain/contact-field-mapping';
import type { GraphContactFieldDescriptor } from '../domain/graph-contact-fields';
import type { SyncFailure, SyncProgress, SyncReport } from '../sync/engine';
import type { SyncResource } from '../sync/model';

/** What the "Microsoft integration" page reads from the server, as plain types (no code of the engine). */

export type { SyncProgress };

export const SYNC_RESOURCES: readonly SyncResource[] = ['calendar', 'contacts'];

/** A run as the server keeps it (`GET /api/sync`, `POST /api/sync/{resource}/runs`). */
export interface LastRun {
  at: string;
  startedAt: string | null;
  mode: SyncReport['mode'];
  outcome: SyncReport['outcome'];
  applied: SyncReport['applied'];
  conflicts: number;
  failureCount: number;
  failures: SyncFailure[];
  refused: SyncReport['refused'];
}

export interface ResourceStatus {
  enabled: boolean;
  initialDone: boolean;
  /** Some runner holds the lease now. */
  running: boolean;
  lastRun: LastRun | null;
  openConflicts: number;
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

/** One resource's part of "Sync now": its recorded run, or why it did not run. */
export type SyncNowResult =
  { resource: SyncResource; run: LastRun } | { resource: SyncResource; error: unknown };

export type ProgressListener = (progress: SyncProgress) => void;

/**
 * Everything the "Microsoft integration" page and the "Sync now" command do, behind one interface:
 * components receive it as a prop and tests hand in a fake.
 */
export interface SyncController {
  overview(): Promise<SyncOverview>;
  /** Turns the sync on and runs the initial sync here, with the user's own tokens; records the run. */
  activate(resource: SyncResource, onProgress?: ProgressListener): Promise<LastRun>;
  /** Runs an active sync; records the run. */
  sync(resource: SyncResource, onProgress?: ProgressListener): Promise<LastRun>;
  /** Every enabled resource, one after the other; one failing does not stop the next. */
  syncNow(onProgress?: ProgressListener): Promise<SyncNowResult[]>;
  /** Removes the Tandem calendar or folder from Outlook; the CRM keeps everything. */
  deactivate(resource: SyncResource): Promise<void>;
  contactMapping(): Promise<ContactMappingView>;
  saveContactMapping(mapping: ContactFieldMapping): Promise<ContactMappingView>;
  resetContactMapping(): Promise<ContactMappingView>;
  conflicts(resource: SyncResource, before?: string): Promise<ConflictPage>;
  dismissConflict(resource: SyncResource, id: string): Promise<void>;
}
