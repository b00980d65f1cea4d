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
