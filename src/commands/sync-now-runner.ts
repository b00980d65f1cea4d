import type { SyncTrouble } from '../sync/sync-views';
import type { SyncNowResult, SyncController } from '../taskpane/sync-controller';
import { isSyncRunError } from '../taskpane/sync-views';
import type { SyncRunner } from './sync-now';

/** A failed run's trouble, short enough for Outlook's notification (150 characters in all). */
const TROUBLES: Record<'en' | 'es', Record<SyncTrouble, string>> = {
  en: {
    throttled: 'Outlook is busy, try again in a few minutes',
    unavailable: 'Outlook is not available, try again in a few minutes',
    timeout: 'Outlook took too long, try again in a few minutes',
    network: 'no connection to Outlook or Tandem',
    auth: 'sign in to Outlook again',
    notFound: 'an item was not found, sync again',
    conflict: 'an item changed meanwhile, sync again',
    cursorExpired: 'sync again to read everything',
    invalid: 'Outlook refused a request, open Tandem',
    server: 'the Tandem server failed, try again later',
    permanent: 'failed, open Tandem for details',
  },
  es: {
    throttled: 'Outlook está ocupado, vuelve a intentarlo en unos minutos',
    unavailable: 'Outlook no está disponible, vuelve a intentarlo en unos minutos',
    timeout: 'Outlook tardó demasiado, vuelve a intentarlo en unos minutos',
    network: 'sin conexión con Outlook o Tandem',
    auth: 'vuelve a iniciar sesión en Outlook',
    notFound: 'no se encontró un elemento, vuelve a sincronizar',
    conflict: 'un elemento cambió mientras tanto, vuelve a sincronizar',
    cursorExpired: 'vuelve a sincronizar para leerlo todo',
    invalid: 'Outlook rechazó una petición, abre Tandem',
    server: 'el servidor de Tandem falló, inténtalo más tarde',
    permanent: 'error, abre Tandem para ver los detalles',
  },
};

const TEXT = {
  en: {
    nothing: 'Turn on calendar or contact sync in Tandem first.',
    calendar: 'Calendar',
    contacts: 'Contacts',
    changes: '{count} changes',
    upToDate: 'up to date',
    onServer: 'synced by the server',
    serverWaiting: 'the server syncs it shortly',
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
    onServer: 'sincronizado por el servidor',
    serverWaiting: 'el servidor lo sincroniza en breve',
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
  const lang = language.toLowerCase().startsWith('es') ? 'es' : 'en';
  const text = { ...TEXT[lang], troubles: TROUBLES[lang] };
  return async () => {
    const results = await controller.syncNow();
    if (results.length === 0) return { summary: text.nothing };
    const failed = results.filter((r) => 'error' in r);
    // Nothing ran at all: report the failure as one, with its own words.
    if (failed.length === results.length && failed[0] && 'error' in failed[0]) {
      const error = failed[0].error;
      if (isSyncRunError(error)) throw new Error(failed.map((r) => describe(r, text)).join(' · '));
      throw error instanceof Error ? error : new Error(String(error));
    }
    return { summary: results.map((r) => describe(r, text)).join(' · ') };
  };
}

function describe(
  result: SyncNowResult,
  text: (typeof TEXT)['en'] & { troubles: Record<SyncTrouble, string> },
): string {
  const name = result.resource === 'calendar' ? text.calendar : text.contacts;
  if ('error' in result) {
    if (isSyncRunError(result.error)) return `${name}: ${text.troubles[result.error.reason]}`;
    const busy = result.error instanceof Error && result.error.name === 'SyncBusyError';
    return `${name}: ${busy ? text.busy : text.failed}`;
  }
  if ('serverRun' in result)
    return `${name}: ${result.serverRun.state === 'done' ? text.onServer : text.serverWaiting}`;
  const { run } = result;
  if (run.outcome === 'refused') return `${name}: ${text.refused}`;
  const changes = Object.values(run.applied).reduce((sum, n) => sum + (n ?? 0), 0);
  const parts = [changes > 0 ? text.changes.replace('{count}', String(changes)) : text.upToDate];
  if (run.failureCount > 0) parts.push(text.partial.replace('{count}', String(run.failureCount)));
  return `${name}: ${parts.join(', ')}`;
}
