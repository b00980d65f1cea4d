import { useMemo } from 'react';
import { useLocale, type Locale } from './i18n';

/** The "Microsoft integration" page's strings, English and Spanish, beside the app's shared ones. */
const en = {
  'integration.intro':
    'Keep your Tandem calendar and contacts in step with Outlook. Only your own events and contacts sync.',
  'integration.calendar': 'Calendar sync',
  'integration.calendar.hint': 'Your Tandem events appear in a “Tandem” calendar in Outlook, and back.',
  'integration.contacts': 'Contact sync',
  'integration.contacts.hint':
    'Your Tandem contacts appear in a “Tandem” contacts folder in Outlook, and back.',
  'integration.on': 'On',
  'integration.off': 'Off',
  'integration.turnedOn': '{resource} sync is on.',
  'integration.turnedOff': '{resource} sync is off. Tandem kept all your data.',
  'integration.resource.calendar': 'Calendar',
  'integration.resource.contacts': 'Contact',
  'integration.confirm.calendar.title': 'Turn off calendar sync?',
  'integration.confirm.contacts.title': 'Turn off contact sync?',
  'integration.confirm.calendar.body':
    'The Tandem calendar and its events leave Outlook. Tandem keeps every event in the CRM, and turning sync on again brings them back.',
  'integration.confirm.contacts.body':
    'The Tandem contacts folder and its contacts leave Outlook. Tandem keeps every contact in the CRM, and turning sync on again brings them back.',
  'integration.confirm.turnOff': 'Turn off',
  'integration.confirm.keep': 'Keep syncing',
  'integration.syncNow': 'Sync now',
  'integration.syncing': 'Syncing…',
  'integration.syncNowNothing': 'Turn on calendar or contact sync first.',
  'integration.busy':
    'Another {resource} sync is running for you (on another device or on the server). Try again in a few minutes.',
  'integration.running': 'A sync is running…',
  'integration.phase.lease': 'Starting',
  'integration.phase.container': 'Preparing the Tandem calendar or folder in Outlook',
  'integration.phase.collect': 'Reading changes on both sides',
  'integration.phase.plan': 'Working out what to change',
  'integration.phase.apply': 'Applying changes',
  'integration.phase.done': 'Finishing',
  'integration.progress': '{resource}: {phase}',
  'integration.progressCount': '{done} of {total}',
  'integration.last.never': 'Not synced yet.',
  'integration.last.when': 'Last sync {when}',
  'integration.outcome.failed': 'Failed',
  'integration.details': 'Details',
  'integration.trouble.throttled':
    'Outlook asked Tandem to slow down and kept refusing. Nothing was lost: try again in a few minutes.',
  'integration.trouble.unavailable':
    'Outlook (Microsoft 365) is not available right now. Nothing was lost: try again in a few minutes.',
  'integration.trouble.timeout':
    'Outlook took too long to answer. Nothing was lost: try again in a few minutes.',
  'integration.trouble.network':
    'Tandem could not reach Outlook or the Tandem server. Check your connection and try again.',
  'integration.trouble.auth':
    'Microsoft 365 did not accept your sign-in for Outlook. Sign out and in again; if it keeps happening, ask your administrator to grant Tandem access.',
  'integration.trouble.notFound':
    'Something Tandem syncs with was not found in Outlook. Sync again; if it keeps happening, turn the sync off and on.',
  'integration.trouble.conflict':
    'An item changed in Outlook while Tandem was writing it. Sync again to take the change in.',
  'integration.trouble.cursorExpired':
    'Outlook asked Tandem to read everything again. Sync again: it takes a little longer this once.',
  'integration.trouble.invalid':
    'Outlook refused a request from Tandem. Nothing was changed; the details help your administrator.',
  'integration.trouble.server':
    'The Tandem server could not complete the sync. Nothing was lost: try again in a few minutes.',
  'integration.trouble.permanent':
    'The sync stopped on an error that trying again will not fix. The details help your administrator.',
  'integration.retry.throttled': 'Outlook asked Tandem to slow down.',
  'integration.retry.unavailable': 'Outlook is not answering right now.',
  'integration.retry.timeout': 'Outlook is taking too long to answer.',
  'integration.retry.network': 'The connection to Outlook failed.',
  'integration.retry.in': 'Trying again in {seconds} s (attempt {attempt}).',
  'integration.retry.now': 'Trying again now (attempt {attempt}).',
  'integration.failedKinds': '{count} × {what}',
  'integration.imported.calendar.one':
    '1 of your events was imported and does not sync: imported records sync once a mass update has touched them.',
  'integration.imported.calendar.other':
    '{count} of your events were imported and do not sync: imported records sync once a mass update has touched them.',
  'integration.imported.contacts.one':
    '1 of your contacts was imported and does not sync: imported records sync once a mass update has touched them.',
  'integration.imported.contacts.other':
    '{count} of your contacts were imported and do not sync: imported records sync once a mass update has touched them.',
  'integration.imported.include': 'Sync them too',
  'integration.imported.included': '{count} imported records will sync from the next sync on.',
  'integration.mapping.unsaved': 'Unsaved changes',
  'integration.mapping.emptyTitle': 'Save a mapping that syncs no name, email or company?',
  'integration.mapping.emptyBody':
    'First name, last name, email and company are all set to “Not synced”. Contacts in Outlook would then carry none of them, and people could not tell them apart.',
  'integration.mapping.emptySave': 'Save anyway',
  'integration.mapping.emptyCancel': 'Go back',
  'integration.conflicts.useGraph': 'Use the Outlook value',
  'integration.conflicts.useCrm': 'Use the Tandem value',
  'integration.conflicts.useGraphOne': 'Use the Outlook value of {field}',
  'integration.conflicts.useCrmOne': 'Use the Tandem value of {field}',
  'integration.conflicts.chosen': 'Your choice is saved in Tandem; the next sync takes it to Outlook.',
  'integration.yes': 'Yes',
  'integration.no': 'No',
  'integration.outcome.done': 'Completed',
  'integration.outcome.partial': 'Partly done: what failed is retried on the next sync',
  'integration.outcome.refused': 'Stopped by the safety check: nothing was deleted',
  'integration.outcome.deactivated':
    'The Tandem calendar or folder was deleted in Outlook, so sync was turned off. Tandem kept all your data.',
  'integration.refused':
    'This sync would have deleted {crm} items in Tandem and {graph} in Outlook: more than half of your {linked} synced items at once. To be safe, nothing was changed. If they were deleted by mistake, restore them and sync again; if you meant it, delete them.',
  'integration.refused.goAhead': 'Delete them anyway',
  'integration.deletes.title.contacts': 'Delete {total} of your {linked} synced contacts?',
  'integration.deletes.title.calendar': 'Delete {total} of your {linked} synced events?',
  'integration.deletes.crm.contacts.one':
    '1 contact deleted in Outlook moves to the Tandem recycle bin, where you can restore it.',
  'integration.deletes.crm.contacts.other':
    '{count} contacts deleted in Outlook move to the Tandem recycle bin, where you can restore them.',
  'integration.deletes.crm.calendar.one':
    '1 event deleted in Outlook moves to the Tandem recycle bin, where you can restore it.',
  'integration.deletes.crm.calendar.other':
    '{count} events deleted in Outlook move to the Tandem recycle bin, where you can restore them.',
  'integration.deletes.graph.contacts.one':
    '1 contact deleted in Tandem is deleted from the Tandem folder in Outlook.',
  'integration.deletes.graph.contacts.other':
    '{count} contacts deleted in Tandem are deleted from the Tandem folder in Outlook.',
  'integration.deletes.graph.calendar.one':
    '1 event deleted in Tandem is deleted from the Tandem calendar in Outlook.',
  'integration.deletes.graph.calendar.other':
    '{count} events deleted in Tandem are deleted from the Tandem calendar in Outlook.',
  'integration.deletes.rest':
    'Everything else syncs as usual. This goes for these deletions only: the safety check still stops any more, now and in later syncs.',
  'integration.deletes.confirm': 'Delete them',
  'integration.deletes.cancel': 'Cancel',
  'integration.deletes.again':
    'More items would be deleted now than you confirmed, so nothing was changed. Check the new numbers.',
  'integration.applied.createGraph': 'Added to Outlook: {count}',
  'integration.applied.createCrm': 'Added to Tandem: {count}',
  'integration.applied.update': 'Updated: {count}',
  'integration.applied.deleteGraph': 'Removed from Outlook: {count}',
  'integration.applied.deleteCrm': 'Removed from Tandem (restorable): {count}',
  'integration.applied.unlink': 'No longer synced: {count}',
  'integration.applied.deleteDuplicate': 'Duplicates removed: {count}',
  'integration.applied.none': 'Nothing needed changing.',
  'integration.conflictCount': 'Conflicts settled: {count}',
  'integration.failures': 'Items that failed ({count}):',
  'integration.mapping.title': 'Contact field mapping',
  'integration.mapping.hint':
    'Choose which Outlook field each Tandem contact field syncs with. Only fields Outlook can hold are offered.',
  'integration.mapping.default': 'Default mapping',
  'integration.mapping.custom': 'Your own mapping',
  'integration.mapping.crmField': 'Tandem field',
  'integration.mapping.graphField': 'Outlook field',
  'integration.mapping.none': 'Not synced',
  'integration.mapping.save': 'Save mapping',
  'integration.mapping.reset': 'Reset to default',
  'integration.mapping.saved': 'Mapping saved. The next sync uses it.',
  'integration.mapping.wasReset': 'Back to the default mapping.',
  'integration.mapping.fieldOf': 'Outlook field for {field}',
  'integration.conflicts.title': 'Conflicts',
  'integration.conflicts.hint':
    'A field changed on both sides since the last sync. One value was kept; the other is shown here so nothing is lost.',
  'integration.conflicts.none': 'No conflicts to review.',
  'integration.conflicts.record': 'Record',
  'integration.conflicts.deleted': '{label} (deleted)',
  'integration.conflicts.field': 'Field',
  'integration.conflicts.crm': 'In Tandem',
  'integration.conflicts.graph': 'In Outlook',
  'integration.conflicts.winner': 'Kept',
  'integration.conflicts.winner.crm': 'Tandem',
  'integration.conflicts.winner.graph': 'Outlook',
  'integration.conflicts.dismiss': 'Dismiss',
  'integration.conflicts.dismissOne': 'Dismiss the conflict on {field}',
  'integration.conflicts.more': 'Show more',
  'integration.empty': '(empty)',
  'integration.eventField.title': 'Title',
  'integration.eventField.description': 'Description',
  'integration.eventField.location': 'Location',
  'integration.eventField.isAllDay': 'All day',
  'integration.eventField.start': 'Start',
  'integration.eventField.end': 'End',
  'integration.eventField.startDate': 'Start date',
  'integration.eventField.endDate': 'End date',
  'integration.eventField.timeZone': 'Time zone',
  'integration.eventField.attendees': 'Participants',
  'integration.eventField.reminderMinutes': 'Reminder',
  'integration.eventField.recurrence': 'Repeats',
  'integration.eventField.exceptions': 'Changed occurrences',
} as const;

export type IntegrationKey = keyof typeof en;

const es: Record<IntegrationKey, string> = {
  'integration.intro':
    'Mantén tu calendario y tus contactos de Tandem al día con Outlook. Solo se sincronizan tus propios eventos y contactos.',
  'integration.calendar': 'Sincronización del calendario',
  'integration.calendar.hint':
    'Tus eventos de Tandem aparecen en un calendario «Tandem» de Outlook, y al revés.',
  'integration.contacts': 'Sincronización de contactos',
  'integration.contacts.hint':
    'Tus contactos de Tandem aparecen en una carpeta de contactos «Tandem» de Outlook, y al revés.',
  'integration.on': 'Activada',
  'integration.off': 'Desactivada',
  'integration.turnedOn': 'La sincronización de {resource} está activada.',
  'integration.turnedOff':
    'La sincronización de {resource} está desactivada. Tandem ha conservado todos tus datos.',
  'integration.resource.calendar': 'calendario',
  'integration.resource.contacts': 'contactos',
  'integration.confirm.calendar.title': '¿Desactivar la sincronización del calendario?',
  'integration.confirm.contacts.title': '¿Desactivar la sincronización de contactos?',
  'integration.confirm.calendar.body':
    'El calendario Tandem y sus eventos desaparecen de Outlook. Tandem conserva todos los eventos en el CRM y, si vuelves a activar la sincronización, vuelven.',
  'integration.confirm.contacts.body':
    'La carpeta de contactos Tandem y sus contactos desaparecen de Outlook. Tandem conserva todos los contactos en el CRM y, si vuelves a activar la sincronización, vuelven.',
  'integration.confirm.turnOff': 'Desactivar',
  'integration.confirm.keep': 'Seguir sincronizando',
  'integration.syncNow': 'Sincronizar ahora',
  'integration.syncing': 'Sincronizando…',
  'integration.syncNowNothing': 'Activa primero la sincronización del calendario o de los contactos.',
  'integration.busy':
    'Ya hay una sincronización de {resource} en curso para ti (en otro dispositivo o en el servidor). Vuelve a intentarlo en unos minutos.',
  'integration.running': 'Hay una sincronización en curso…',
  'integration.phase.lease': 'Empezando',
  'integration.phase.container': 'Preparando el calendario o la carpeta Tandem en Outlook',
  'integration.phase.collect': 'Leyendo los cambios de ambos lados',
  'integration.phase.plan': 'Calculando qué cambiar',
  'integration.phase.apply': 'Aplicando los cambios',
  'integration.phase.done': 'Terminando',
  'integration.progress': '{resource}: {phase}',
  'integration.progressCount': '{done} de {total}',
  'integration.last.never': 'Aún no se ha sincronizado.',
  'integration.last.when': 'Última sincronización: {when}',
  'integration.outcome.failed': 'Ha fallado',
  'integration.details': 'Detalles',
  'integration.trouble.throttled':
    'Outlook pidió a Tandem que fuera más despacio y siguió rechazándolo. No se ha perdido nada: vuelve a intentarlo en unos minutos.',
  'integration.trouble.unavailable':
    'Outlook (Microsoft 365) no está disponible ahora. No se ha perdido nada: vuelve a intentarlo en unos minutos.',
  'integration.trouble.timeout':
    'Outlook tardó demasiado en responder. No se ha perdido nada: vuelve a intentarlo en unos minutos.',
  'integration.trouble.network':
    'Tandem no pudo conectar con Outlook ni con el servidor de Tandem. Comprueba tu conexión y vuelve a intentarlo.',
  'integration.trouble.auth':
    'Microsoft 365 no aceptó tu inicio de sesión para Outlook. Cierra la sesión y vuelve a entrar; si sigue ocurriendo, pide a tu administrador que conceda acceso a Tandem.',
  'integration.trouble.notFound':
    'Algo que Tandem sincroniza no se encontró en Outlook. Vuelve a sincronizar; si sigue ocurriendo, desactiva y activa la sincronización.',
  'integration.trouble.conflict':
    'Un elemento cambió en Outlook mientras Tandem lo escribía. Vuelve a sincronizar para recoger el cambio.',
  'integration.trouble.cursorExpired':
    'Outlook pidió a Tandem que lo volviera a leer todo. Vuelve a sincronizar: esta vez tarda un poco más.',
  'integration.trouble.invalid':
    'Outlook rechazó una petición de Tandem. No se cambió nada; los detalles ayudan a tu administrador.',
  'integration.trouble.server':
    'El servidor de Tandem no pudo completar la sincronización. No se ha perdido nada: vuelve a intentarlo en unos minutos.',
  'integration.trouble.permanent':
    'La sincronización se detuvo por un error que no se arregla reintentando. Los detalles ayudan a tu administrador.',
  'integration.retry.throttled': 'Outlook ha pedido a Tandem que vaya más despacio.',
  'integration.retry.unavailable': 'Outlook no responde ahora mismo.',
  'integration.retry.timeout': 'Outlook está tardando demasiado en responder.',
  'integration.retry.network': 'Ha fallado la conexión con Outlook.',
  'integration.retry.in': 'Nuevo intento en {seconds} s (intento {attempt}).',
  'integration.retry.now': 'Reintentando ahora (intento {attempt}).',
  'integration.failedKinds': '{count} × {what}',
  'integration.imported.calendar.one':
    '1 de tus eventos se importó y no se sincroniza: los registros importados se sincronizan cuando una actualización masiva los ha tocado.',
  'integration.imported.calendar.other':
    '{count} de tus eventos se importaron y no se sincronizan: los registros importados se sincronizan cuando una actualización masiva los ha tocado.',
  'integration.imported.contacts.one':
    '1 de tus contactos se importó y no se sincroniza: los registros importados se sincronizan cuando una actualización masiva los ha tocado.',
  'integration.imported.contacts.other':
    '{count} de tus contactos se importaron y no se sincronizan: los registros importados se sincronizan cuando una actualización masiva los ha tocado.',
  'integration.imported.include': 'Sincronizarlos también',
  'integration.imported.included':
    '{count} registros importados se sincronizarán a partir de la próxima sincronización.',
  'integration.mapping.unsaved': 'Cambios sin guardar',
  'integration.mapping.emptyTitle':
    '¿Guardar una correspondencia que no sincroniza nombre, correo ni empresa?',
  'integration.mapping.emptyBody':
    'Nombre, apellidos, correo electrónico y empresa están todos en «No se sincroniza». Los contactos de Outlook no llevarían ninguno de ellos y no se podrían distinguir.',
  'integration.mapping.emptySave': 'Guardar de todos modos',
  'integration.mapping.emptyCancel': 'Volver',
  'integration.conflicts.useGraph': 'Usar el valor de Outlook',
  'integration.conflicts.useCrm': 'Usar el valor de Tandem',
  'integration.conflicts.useGraphOne': 'Usar el valor de Outlook de {field}',
  'integration.conflicts.useCrmOne': 'Usar el valor de Tandem de {field}',
  'integration.conflicts.chosen':
    'Tu elección está guardada en Tandem; la próxima sincronización la lleva a Outlook.',
  'integration.yes': 'Sí',
  'integration.no': 'No',
  'integration.outcome.done': 'Completada',
  'integration.outcome.partial':
    'Completada en parte: lo que falló se reintenta en la próxima sincronización',
  'integration.outcome.refused': 'Detenida por la comprobación de seguridad: no se eliminó nada',
  'integration.outcome.deactivated':
    'El calendario o la carpeta Tandem se eliminó en Outlook, así que la sincronización se desactivó. Tandem ha conservado todos tus datos.',
  'integration.refused':
    'Esta sincronización habría eliminado {crm} elementos en Tandem y {graph} en Outlook: más de la mitad de tus {linked} elementos sincronizados a la vez. Por seguridad, no se cambió nada. Si se eliminaron por error, restáuralos y vuelve a sincronizar; si era intencionado, elimínalos.',
  'integration.refused.goAhead': 'Eliminarlos de todos modos',
  'integration.deletes.title.contacts': '¿Eliminar {total} de tus {linked} contactos sincronizados?',
  'integration.deletes.title.calendar': '¿Eliminar {total} de tus {linked} eventos sincronizados?',
  'integration.deletes.crm.contacts.one':
    '1 contacto eliminado en Outlook pasa a la papelera de reciclaje de Tandem, desde donde puedes restaurarlo.',
  'integration.deletes.crm.contacts.other':
    '{count} contactos eliminados en Outlook pasan a la papelera de reciclaje de Tandem, desde donde puedes restaurarlos.',
  'integration.deletes.crm.calendar.one':
    '1 evento eliminado en Outlook pasa a la papelera de reciclaje de Tandem, desde donde puedes restaurarlo.',
  'integration.deletes.crm.calendar.other':
    '{count} eventos eliminados en Outlook pasan a la papelera de reciclaje de Tandem, desde donde puedes restaurarlos.',
  'integration.deletes.graph.contacts.one':
    '1 contacto eliminado en Tandem se elimina de la carpeta Tandem de Outlook.',
  'integration.deletes.graph.contacts.other':
    '{count} contactos eliminados en Tandem se eliminan de la carpeta Tandem de Outlook.',
  'integration.deletes.graph.calendar.one':
    '1 evento eliminado en Tandem se elimina del calendario Tandem de Outlook.',
  'integration.deletes.graph.calendar.other':
    '{count} eventos eliminados en Tandem se eliminan del calendario Tandem de Outlook.',
  'integration.deletes.rest':
    'Todo lo demás se sincroniza como siempre. Esto vale solo para estas eliminaciones: la comprobación de seguridad sigue deteniendo cualquier otra, ahora y en las próximas sincronizaciones.',
  'integration.deletes.confirm': 'Eliminarlos',
  'integration.deletes.cancel': 'Cancelar',
  'integration.deletes.again':
    'Ahora se eliminarían más elementos de los que confirmaste, así que no se cambió nada. Revisa las nuevas cifras.',
  'integration.applied.createGraph': 'Añadidos a Outlook: {count}',
  'integration.applied.createCrm': 'Añadidos a Tandem: {count}',
  'integration.applied.update': 'Actualizados: {count}',
  'integration.applied.deleteGraph': 'Eliminados de Outlook: {count}',
  'integration.applied.deleteCrm': 'Eliminados de Tandem (recuperables): {count}',
  'integration.applied.unlink': 'Ya no se sincronizan: {count}',
  'integration.applied.deleteDuplicate': 'Duplicados eliminados: {count}',
  'integration.applied.none': 'No había nada que cambiar.',
  'integration.conflictCount': 'Conflictos resueltos: {count}',
  'integration.failures': 'Elementos con errores ({count}):',
  'integration.mapping.title': 'Correspondencia de campos de contacto',
  'integration.mapping.hint':
    'Elige con qué campo de Outlook se sincroniza cada campo de contacto de Tandem. Solo se ofrecen los campos que Outlook admite.',
  'integration.mapping.default': 'Correspondencia predeterminada',
  'integration.mapping.custom': 'Tu propia correspondencia',
  'integration.mapping.crmField': 'Campo de Tandem',
  'integration.mapping.graphField': 'Campo de Outlook',
  'integration.mapping.none': 'No se sincroniza',
  'integration.mapping.save': 'Guardar correspondencia',
  'integration.mapping.reset': 'Restablecer la predeterminada',
  'integration.mapping.saved': 'Correspondencia guardada. La próxima sincronización la usa.',
  'integration.mapping.wasReset': 'Se ha vuelto a la correspondencia predeterminada.',
  'integration.mapping.fieldOf': 'Campo de Outlook para {field}',
  'integration.conflicts.title': 'Conflictos',
  'integration.conflicts.hint':
    'Un campo cambió en ambos lados desde la última sincronización. Se conservó un valor; el otro se muestra aquí para que no se pierda nada.',
  'integration.conflicts.none': 'No hay conflictos que revisar.',
  'integration.conflicts.record': 'Registro',
  'integration.conflicts.deleted': '{label} (eliminado)',
  'integration.conflicts.field': 'Campo',
  'integration.conflicts.crm': 'En Tandem',
  'integration.conflicts.graph': 'En Outlook',
  'integration.conflicts.winner': 'Conservado',
  'integration.conflicts.winner.crm': 'Tandem',
  'integration.conflicts.winner.graph': 'Outlook',
  'integration.conflicts.dismiss': 'Descartar',
  'integration.conflicts.dismissOne': 'Descartar el conflicto de {field}',
  'integration.conflicts.more': 'Mostrar más',
  'integration.empty': '(vacío)',
  'integration.eventField.title': 'Título',
  'integration.eventField.description': 'Descripción',
  'integration.eventField.location': 'Ubicación',
  'integration.eventField.isAllDay': 'Todo el día',
  'integration.eventField.start': 'Inicio',
  'integration.eventField.end': 'Fin',
  'integration.eventField.startDate': 'Fecha de inicio',
  'integration.eventField.endDate': 'Fecha de fin',
  'integration.eventField.timeZone': 'Zona horaria',
  'integration.eventField.attendees': 'Participantes',
  'integration.eventField.reminderMinutes': 'Aviso',
  'integration.eventField.recurrence': 'Repetición',
  'integration.eventField.exceptions': 'Repeticiones modificadas',
};

const MESSAGES: Record<Locale, Record<IntegrationKey, string>> = { en, es };

export type IntegrationTranslate = (key: IntegrationKey, values?: Record<string, string | number>) => string;

export function integrationTranslator(locale: Locale): IntegrationTranslate {
  const messages = MESSAGES[locale];
  return (key, values = {}) =>
    messages[key].replace(/\{(\w+)\}/g, (_, name: string) =>
      values[name] === undefined ? `{${name}}` : String(values[name]),
    );
}

export function useIntegrationT(): IntegrationTranslate {
  const locale = useLocale();
  return useMemo(() => integrationTranslator(locale), [locale]);
}
