import { describeError, type Translate } from '../../i18n';
import type { IntegrationTranslate } from '../../integration-i18n';
import type { SyncResource } from '../../../sync/model';

/** Another runner holds the lease: a clear sentence, not a crash. Matched by name across bundles. */
export function isSyncBusy(error: unknown): boolean {
  return error instanceof Error && error.name === 'SyncBusyError';
}

/** A failed sync action in the user's words. */
export function describeSyncError(
  t: Translate,
  ti: IntegrationTranslate,
  resource: SyncResource,
  error: unknown,
): string {
  if (isSyncBusy(error))
    return ti('integration.busy', { resource: resourceName(ti, resource).toLowerCase() });
  return describeError(t, error);
}

export function resourceName(ti: IntegrationTranslate, resource: SyncResource): string {
  return ti(resource === 'calendar' ? 'integration.resource.calendar' : 'integration.resource.contacts');
}
