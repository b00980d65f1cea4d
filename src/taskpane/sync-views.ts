import type { ContactFieldMapping } from '../domain/contact-field-mapping';
import type { SyncProgress } from '../sync/engine';
import type { SyncResource } from '../sync/model';
import type { PlanRefusal } from '../sync/planner';
import type { PortErrorKind } from '../sync/ports';
import type {
  ConflictPage,
  ContactMappingView,
  LastRun,
  SyncOverview,
  SyncRunView,
  SyncTrouble,
} from '../sync/sync-views';

/** What the "Microsoft integration" page works with: the server's answers and the page's controller. */

export type { SyncProgress };
export * from '../sync/sync-views';

/**
 * One resource's part of "Sync now": its recorded run here, the run the server made for it (when the
 * server holds the user's access), or why it did not run.
 */
export type SyncNowResult =
  | { resource: SyncResource; run: LastRun }
  | { resource: SyncResource; serverRun: SyncRunView }
  | { resource: SyncResource; error: unknown };

export type ServerRunListener = (run: SyncRunView) => void;

/**
 * Outlook failed an attempt and the Graph client waits before trying again: why, and when the next
 * attempt goes (ISO time), counting attempts since the last answer that succeeded.
 */
export interface RetryNotice {
  reason: Extract<SyncTrouble, 'throttled' | 'unavailable' | 'timeout' | 'network'>;
  /** The HTTP status that failed, when Outlook answered at all. */
  status: number | null;
  attempt: number;
  at: string;
}

/** The engine's progress, and while Outlook is being retried, the retry. */
export type SyncProgressView = SyncProgress & { retry?: RetryNotice };

export type ProgressListener = (progress: SyncProgressView) => void;

/**
 * A run that stopped on an error: the trouble in the closed set the page words for people, and the
 * raw error behind "Details". Its outcome is recorded as the last run. Matched by name across bundles.
 */
export class SyncRunError extends Error {
  constructor(
    readonly reason: SyncTrouble,
    readonly details: string,
  ) {
    super(details);
    this.name = 'SyncRunError';
  }
}

export function isSyncRunError(error: unknown): error is SyncRunError {
  return error instanceof Error && error.name === 'SyncRunError' && 'reason' in error;
}

/** Port failures other than `temporary` (whose wording depends on what failed) in the page's set. */
const KIND_TROUBLE: Record<Exclude<PortErrorKind, 'temporary'>, SyncTrouble> = {
  cursorExpired: 'cursorExpired',
  auth: 'auth',
  notFound: 'notFound',
  conflict: 'conflict',
  invalid: 'invalid',
  permanent: 'permanent',
};

/** The trouble of an HTTP status, for failures seen as answers (Graph's or the server's). */
export function troubleOfStatus(status: number): SyncTrouble {
  if (status === 429) return 'throttled';
  if (status === 408 || status === 504) return 'timeout';
  if (status >= 500) return 'unavailable';
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'notFound';
  if (status === 409 || status === 412) return 'conflict';
  if (status === 410) return 'cursorExpired';
  return status >= 400 ? 'invalid' : 'permanent';
}

/**
 * Why a run failed, from what it threw: a port error's kind (a temporary one worded by the Outlook
 * failure last seen, or as the server's when the companion API failed), a server answer's status, or
 * a network failure.
 */
export function troubleOf(error: unknown, lastOutlookFailure?: RetryNotice['reason']): SyncTrouble {
  const { name, kind, status, message } = (error ?? {}) as {
    name?: unknown;
    kind?: unknown;
    status?: unknown;
    message?: unknown;
  };
  const text = typeof message === 'string' ? message : '';
  if (name === 'ApiError' && typeof status === 'number') {
    return status >= 500 ? 'server' : troubleOfStatus(status);
  }
  if (name === 'PortError' || name === 'GraphError') {
    if (kind === 'temporary') {
      if (/^\w+ \/api\//.test(text)) return 'server';
      if (typeof status === 'number') return troubleOfStatus(status);
      if (lastOutlookFailure) return lastOutlookFailure;
      const answered = /: (\d{3}) /.exec(text);
      return answered ? troubleOfStatus(Number(answered[1])) : 'network';
    }
    if (typeof kind === 'string' && kind in KIND_TROUBLE) {
      return KIND_TROUBLE[kind as keyof typeof KIND_TROUBLE];
    }
  }
  if (error instanceof TypeError) return 'network';
  return 'permanent';
}

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
  /**
   * Turns the sync on and runs the initial sync here, with the user's own tokens; records the run.
   * A run that stops on an error is recorded as failed and throws `SyncRunError`.
   */
  activate(resource: SyncResource, onProgress?: ProgressListener): Promise<LastRun>;
  /** Runs an active sync; records the run. */
  sync(resource: SyncResource, onProgress?: ProgressListener, options?: SyncRunOptions): Promise<LastRun>;
  /**
   * Every enabled resource, one after the other, guarded; one failing does not stop the next. Where
   * the server holds the user's access it runs there (followed through `onServerRun`), else here.
   */
  syncNow(onProgress?: ProgressListener, onServerRun?: ServerRunListener): Promise<SyncNowResult[]>;
  /**
   * Tells the server the user is here: a background sync waiting for them to sign in again resumes
   * with this session's token. Answers whether anything was reconnected.
   */
  reconnect(): Promise<boolean>;
  /** Removes the Tandem calendar or folder from Outlook; the CRM keeps everything. */
  deactivate(resource: SyncResource): Promise<void>;
  contactMapping(): Promise<ContactMappingView>;
  saveContactMapping(mapping: ContactFieldMapping): Promise<ContactMappingView>;
  resetContactMapping(): Promise<ContactMappingView>;
  conflicts(resource: SyncResource, before?: string): Promise<ConflictPage>;
  dismissConflict(resource: SyncResource, id: string): Promise<void>;
  /**
   * Keeps one side's value of a conflict: written into the Tandem record as an edit (the next run
   * carries it to Outlook) and the conflict closes.
   */
  resolveConflict(resource: SyncResource, id: string, use: 'crm' | 'graph'): Promise<void>;
  /** Mass-updates the user's imported records that do not sync, so they sync from the next run; how many. */
  includeImported(resource: SyncResource): Promise<number>;
}
