import type { ContactFieldMapping } from '../domain/contact-field-mapping';
import type { SyncProgress } from '../sync/engine';
import type { SyncResource } from '../sync/model';
import type { PlanRefusal } from '../sync/planner';
import type { ConflictPage, ContactMappingView, LastRun, SyncOverview } from '../sync/sync-views';

/** What the "Microsoft integration" page works with: the server's answers and the page's controller. */

export type { SyncProgress };
export * from '../sync/sync-views';

/** One resource's part of "Sync now": its recorded run, or why it did not run. */
export type SyncNowResult =
  { resource: SyncResource; run: LastRun } | { resource: SyncResource; error: unknown };

export type ProgressListener = (progress: SyncProgress) => void;

/** What the mass-delete guard stopped: the deletions per side, of how many synced items. */
export type MassDeleteRefusal = PlanRefusal;

export interface SyncRunOptions {
  /**
   * The refusal the user has read and confirmed: this one run may delete that many synced items past
   * the mass-delete guard, and no more (should more have been deleted since, it stops again with the
   * new numbers). Later runs are guarded as always.
   */
  confirmedDeletions?: MassDeleteRefusal;
}

/**
 * Everything the "Microsoft integration" page and the "Sync now" command do, behind one interface:
 * components receive it as a prop and tests hand in a fake.
 */
export interface SyncController {
  overview(): Promise<SyncOverview>;
  /** Turns the sync on and runs the initial sync here, with the user's own tokens; records the run. */
  activate(resource: SyncResource, onProgress?: ProgressListener): Promise<LastRun>;
  /** Runs an active sync; records the run. */
  sync(resource: SyncResource, onProgress?: ProgressListener, options?: SyncRunOptions): Promise<LastRun>;
  /** Every enabled resource, one after the other, guarded; one failing does not stop the next. */
  syncNow(onProgress?: ProgressListener): Promise<SyncNowResult[]>;
  /** Removes the Tandem calendar or folder from Outlook; the CRM keeps everything. */
  deactivate(resource: SyncResource): Promise<void>;
  contactMapping(): Promise<ContactMappingView>;
  saveContactMapping(mapping: ContactFieldMapping): Promise<ContactMappingView>;
  resetContactMapping(): Promise<ContactMappingView>;
  conflicts(resource: SyncResource, before?: string): Promise<ConflictPage>;
  dismissConflict(resource: SyncResource, id: string): Promise<void>;
}
