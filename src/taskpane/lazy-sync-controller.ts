import type { SyncController, SyncControllerOptions } from './sync-controller';

/**
 * The sync engine, mappers and time-zone tables are most of the add-in's code: they load when the
 * sync is first used, not with the page, so the taskpane opens fast.
 */
export function lazySyncController(options: SyncControllerOptions): SyncController {
  let loaded: Promise<SyncController> | undefined;
  const controller = () =>
    (loaded ??= import('./sync-controller').then((m) => m.createSyncController(options)));
  return {
    overview: () => controller().then((c) => c.overview()),
    activate: (resource, onProgress) => controller().then((c) => c.activate(resource, onProgress)),
    sync: (resource, onProgress, options) => controller().then((c) => c.sync(resource, onProgress, options)),
    syncNow: (onProgress, onServerRun) => controller().then((c) => c.syncNow(onProgress, onServerRun)),
    reconnect: () => controller().then((c) => c.reconnect()),
    deactivate: (resource) => controller().then((c) => c.deactivate(resource)),
    contactMapping: () => controller().then((c) => c.contactMapping()),
    saveContactMapping: (mapping) => controller().then((c) => c.saveContactMapping(mapping)),
    resetContactMapping: () => controller().then((c) => c.resetContactMapping()),
    conflicts: (resource, before) => controller().then((c) => c.conflicts(resource, before)),
    dismissConflict: (resource, id) => controller().then((c) => c.dismissConflict(resource, id)),
    resolveConflict: (resource, id, use) => controller().then((c) => c.resolveConflict(resource, id, use)),
    includeImported: (resource) => controller().then((c) => c.includeImported(resource)),
  };
}
