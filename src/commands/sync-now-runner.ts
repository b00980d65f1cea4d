import type { SyncNowResult, SyncController } from '../taskpane/sync-controller';
import type { SyncRunner } from './sync-now';

const TEXT = {
  en: {
    nothing: 'Turn on calendar or contact sync in Tandem first.',
    calendar: 'Calendar',
    contacts: 'Contacts',
    changes: '{count} changes',
    upToDate: 'up to date',
    refused: 'stopped by the safety check, open Tandem',
    partial: '{count} failed, retried next time',
    busy: 'another sync is running',
    failed: 'failed',
  },
  es: {
    nothing: 'Activa primero en Tandem la sincronización del calendario o de los contactos.',
    calendar: 'Calendario',
    contacts: 'Contactos',
    changes: '{count} cambios',
    upToDate: 'al día',
    refused: 'detenida por la comprobación de seguridad, abre Tandem',
    partial: '{count} con errores, se reintentan',
    busy: 'ya hay otra sincronización en curso',
    failed: 'error',
  },
};

/** "Sync now" from the ribbon: every enabled resource, summed up in one short notification. */
export function controllerSyncRunner(
  controller: Pick<SyncController, 'syncNow'>,
  language = 'en',
): SyncRunner {
  const text = TEXT[language.toLowerCase().startsWith('es') ? 'es' : 'en'];
  return async () => {
    const results = await controller.syncNow();
    if (results.length === 0) return { summary: text.nothing };
    const failed = results.filter((r) => 'error' in r);
    // Nothing ran at all: report the failure as one, with its own words.
    if (failed.length === results.length && failed[0] && 'error' in failed[0]) {
      const error = failed[0].error;
      throw error instanceof Error ? error : new Error(String(error));
    }
    return { summary: results.map((r) => describe(r, text)).join(' · ') };
  };
}

function describe(result: SyncNowResult, text: (typeof TEXT)['en']): string {
  const name = result.resource === 'calendar' ? text.calendar : text.contacts;
  if ('error' in result) {
    const busy = result.error instanceof Error && result.error.name === 'SyncBusyError';
    return `${name}: ${busy ? text.busy : text.failed}`;
  }
  const { run } = result;
  if (run.outcome === 'refused') return `${name}: ${text.refused}`;
  const changes = Object.values(run.applied).reduce((sum, n) => sum + (n ?? 0), 0);
  const parts = [changes > 0 ? text.changes.replace('{count}', String(changes)) : text.upToDate];
  if (run.failureCount > 0) parts.push(text.partial.replace('{count}', String(run.failureCount)));
  return `${name}: ${parts.join(', ')}`;
}
