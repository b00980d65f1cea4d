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
