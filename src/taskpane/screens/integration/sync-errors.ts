import { describeError, type Translate } from '../../i18n';
import type { IntegrationTranslate } from '../../integration-i18n';
import type { SyncResource } from '../../../sync/model';
import { isSyncRunError } from '../../sync-views';

/** Another runner holds the lease: a clear sentence, not a crash. Matched by name across bundles. */
export function isSyncBusy(error: unknown): boolean {
  return error instanceof Error && error.name === 'SyncBusyError';
}

/** A failure as the page shows it: a sentence for people and, when there is one, the raw error. */
export interface SyncErrorView {
  message: string;
  details?: string;
}

/** A failed sync action in the user's words; a failed run's raw error goes behind "Details". */
export function describeSyncError(
  t: Translate,
  ti: IntegrationTranslate,
  resource: SyncResource,
  error: unknown,
): SyncErrorView {
  if (isSyncBusy(error))
    return { message: ti('integration.busy', { resource: resourceName(ti, resource).toLowerCase() }) };
  if (isSyncRunError(error)) {
    return {
      message: `${resourceName(ti, resource)}: ${ti(`integration.trouble.${error.reason}`)}`,
      details: error.details,
    };
  }
  return { message: describeError(t, error) };
}

export function resourceName(ti: IntegrationTranslate, resource: SyncResource): string {
  return ti(resource === 'calendar' ? 'integration.resource.calendar' : 'integration.resource.contacts');
}
