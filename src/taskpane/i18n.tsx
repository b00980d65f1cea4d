import { createContext, useContext, useMemo, type ReactNode } from 'react';

const en = {
  'app.title': 'Tandem CRM',
  'app.loading': 'Loading…',
  'signIn.title': 'Sign in to Tandem',
  'signIn.sandboxHint': 'This server runs on the demo tenant (Contoso). Choose who you are.',
  'signIn.user': 'Demo user',
  'signIn.button': 'Sign in',
  'signIn.failed': 'Sign-in failed: {message}',
  'nav.integration': 'Microsoft integration',
  'nav.users': 'Users',
  'nav.account': 'Account',
  'nav.events': 'Events',
  'account.signedInAs': 'Signed in as {name}',
  'account.organisation': 'Organisation',
  'account.edition': 'Edition',
  'account.profile': 'Profile',
  'account.signOut': 'Sign out',
  'edition.free': 'Free',
  'edition.paid': 'Paid',
  'error.generic': 'Something went wrong: {message}',
  'error.notMember': 'You are not a member of a Tandem organisation yet.',
  'error.code.paid_edition_required':
    'Inviting users needs a paid edition of Tandem; your organisation uses the free edition.',
  'error.code.admin_required':
    'A Microsoft 365 administrator of your organisation must install Tandem first.',
  'error.code.already_installed': 'Tandem is already installed for your organisation.',
  'error.code.no_code': 'Ask for a code first.',
  'error.code.code_invalid': 'That code is not right.',
  'error.code.code_expired': 'This code has expired. Ask for a new one.',
  'error.code.too_many_requests': 'Too many attempts. Wait a little and try again.',
  'error.code.invitation_used': 'This invitation has already been used.',
  'error.code.invitation_revoked': 'This invitation was withdrawn.',
  'error.code.invitation_expired': 'This invitation has expired: ask for a new one.',
  'error.code.request_pending': 'Your request to join is already pending.',
  'error.code.invitation_pending': 'You have an invitation: accept it to join.',
  retry: 'Try again',
  cancel: 'Cancel',
  close: 'Close',
  back: 'Back',
  'terms.summary':
    'Tandem stores your organisation’s CRM data and, when you turn it on, syncs your Outlook calendar and contacts with it. Administrators of your organisation can manage its users.',
  'terms.accept': 'I accept the Tandem terms of use (version {version})',
  'onboarding.signedInAs': 'Signed in as {name}',
  'onboarding.install.title': 'Install Tandem for your organisation',
  'onboarding.install.body':
    'You are a Microsoft 365 administrator and your organisation has no Tandem yet. Accepting the terms creates it, and you become its super admin.',
  'onboarding.install.orgName': 'Organisation name (optional)',
  'onboarding.install.button': 'Accept and install',
  'onboarding.adminRequired.title': 'An administrator must install Tandem first',
  'onboarding.adminRequired.body':
    'Your organisation does not use Tandem yet. Ask a Microsoft 365 administrator to open Tandem and install it; then come back.',
  'onboarding.invited.title': 'You are invited to join {org}',
  'onboarding.invitedByLink.title': 'Accept your invitation',
  'onboarding.invited.expires': 'The invitation is valid until {date}.',
  'onboarding.invited.button': 'Accept and join',
  'onboarding.join.title': '{org} already uses Tandem',
  'onboarding.join.body':
    'You have no invitation yet. Ask to join: the administrators get an email and you are told when they answer.',
  'onboarding.join.message': 'Message to the administrators (optional)',
  'onboarding.join.button': 'Request to join',
  'onboarding.pending.title': 'Your request to join {org} is pending',
  'onboarding.pending.body': 'You asked on {date}. You will get an email when an administrator answers.',
  'onboarding.pending.check': 'Check again',
  'onboarding.deactivated':
    'Your Tandem account has been deactivated. Ask an administrator of your organisation.',
  'onboarding.entering': 'Opening your Tandem account…',
  'associate.open': 'Associate my account',
  'associate.title': 'Associate my existing Tandem account',
  'associate.body':
    'Already using Tandem under another email address? We send a one-time code there to prove it is yours.',
  'associate.email': 'Email of your Tandem account',
  'associate.send': 'Send code',
  'associate.sent':
    'If {email} has a Tandem account, a 6-digit code is on its way. It is valid until {time}.',
  'associate.code': 'One-time code',
  'associate.verify': 'Verify and join',
  'associate.resend': 'Send a new code',
  'users.title': 'Users',
  'users.members': 'Members',
  'users.invitations': 'Pending invitations',
  'users.requests': 'Requests to join',
  'users.none': 'None.',
  'users.inviteM365': 'Microsoft 365 user',
  'users.newUser': 'New user',
  'users.freeEdition':
    'Your organisation uses the free edition: inviting users needs a paid edition of Tandem.',
  'users.status.active': 'Active',
  'users.status.deactivated': 'Deactivated',
  'users.superAdmin': 'Super admin',
  'users.you': 'You',
  'users.profileOf': 'Profile of {name}',
  'users.profileChanged': 'The profile of {name} is now {profile}.',
  'users.deactivate': 'Deactivate',
  'users.reactivate': 'Reactivate',
  'users.deactivate.title': 'Deactivate {name}?',
  'users.deactivate.body':
    '{name} will no longer be able to use Tandem. Their data stays in the CRM, and you can reactivate them later.',
  'users.deactivated': '{name} was deactivated.',
  'users.reactivated': '{name} was reactivated.',
  'users.invitation.sent': 'Sent {date}',
  'users.invitation.expired': 'Expired',
  'users.invitation.expires': 'Valid until {date}',
  'users.resend': 'Resend',
  'users.revoke': 'Revoke',
  'users.resent': 'A new invitation was sent to {email}.',
  'users.revoked': 'The invitation to {email} was revoked.',
  'users.approve': 'Approve and add',
  'users.reject': 'Reject',
  'users.approved': '{name} was added to the organisation.',
  'users.rejected': 'The request of {name} was rejected.',
  'users.approve.title': 'Approve and add {name}',
  'users.approve.body': '{name} ({email}) asked on {date} to join your organisation.',
  'users.approve.message': 'Their message: “{message}”',
  'users.approve.profile': 'Profile',
  'users.approve.missing': 'This request to join was already answered or no longer exists.',
  'users.invited': 'Invitations sent: {count}.',
  'users.skipped': 'Not invited: {list}.',
  'users.skip.already_member': '{email} (already a member)',
  'users.skip.has_account': '{email} (already has a Tandem account)',
  'users.skip.duplicate': '{email} (listed twice)',
  'newUser.title': 'Invite a new user',
  'newUser.email': 'Email',
  'newUser.name': 'Name (optional)',
  'newUser.invalidEmail': 'Enter a valid email address.',
  'newUser.send': 'Send invitation',
  'picker.title': 'Invite Microsoft 365 users',
  'picker.search': 'Search by name or email',
  'picker.results': 'Directory users',
  'picker.empty': 'No one matches.',
  'picker.more': 'Show more',
  'picker.selected': '{count} selected',
  'picker.invite': 'Invite selected',
  'picker.graphFailed': 'Could not read your organisation’s directory: {message}',
} as const;

export type MessageKey = keyof typeof en;
type Messages = Record<MessageKey, string>;

const es: Messages = {
  'app.title': 'Tandem CRM',
  'app.loading': 'Cargando…',
  'signIn.title': 'Inicia sesión en Tandem',
  'signIn.sandboxHint':
    'Este servidor funciona con el inquilino de demostración (Contoso). Elige quién eres.',
  'signIn.user': 'Usuario de demostración',
  'signIn.button': 'Iniciar sesión',
  'signIn.failed': 'No se pudo iniciar sesión: {message}',
  'nav.integration': 'Integración con Microsoft',
  'nav.users': 'Usuarios',
  'nav.account': 'Cuenta',
  'nav.events': 'Eventos',
  'account.signedInAs': 'Sesión iniciada como {name}',
  'account.organisation': 'Organización',
  'account.edition': 'Edición',
  'account.profile': 'Perfil',
  'account.signOut': 'Cerrar sesión',
  'edition.free': 'Gratuita',
  'edition.paid': 'De pago',
  'error.generic': 'Algo salió mal: {message}',
  'error.notMember': 'Todavía no perteneces a ninguna organización de Tandem.',
  'error.code.paid_edition_required':
    'Para invitar usuarios hace falta una edición de pago de Tandem; tu organización usa la edición gratuita.',
  'error.code.admin_required':
    'Un administrador de Microsoft 365 de tu organización debe instalar Tandem primero.',
  'error.code.already_installed': 'Tandem ya está instalado para tu organización.',
  'error.code.no_code': 'Pide un código primero.',
  'error.code.code_invalid': 'El código no es correcto.',
  'error.code.code_expired': 'El código ha caducado. Pide uno nuevo.',
  'error.code.too_many_requests': 'Demasiados intentos. Espera un poco y vuelve a intentarlo.',
  'error.code.invitation_used': 'Esta invitación ya se ha usado.',
  'error.code.invitation_revoked': 'Esta invitación se ha retirado.',
  'error.code.invitation_expired': 'Esta invitación ha caducado: pide una nueva.',
  'error.code.request_pending': 'Tu solicitud para unirte ya está pendiente.',
  'error.code.invitation_pending': 'Tienes una invitación: acéptala para unirte.',
  retry: 'Reintentar',
  cancel: 'Cancelar',
  close: 'Cerrar',
  back: 'Volver',
  'terms.summary':
    'Tandem guarda los datos del CRM de tu organización y, si lo activas, sincroniza con ellos tu calendario y tus contactos de Outlook. Los administradores de tu organización pueden gestionar sus usuarios.',
  'terms.accept': 'Acepto las condiciones de uso de Tandem (versión {version})',
  'onboarding.signedInAs': 'Sesión iniciada como {name}',
  'onboarding.install.title': 'Instala Tandem para tu organización',
  'onboarding.install.body':
    'Eres administrador de Microsoft 365 y tu organización aún no tiene Tandem. Al aceptar las condiciones se crea y pasas a ser su superadministrador.',
  'onboarding.install.orgName': 'Nombre de la organización (opcional)',
  'onboarding.install.button': 'Aceptar e instalar',
  'onboarding.adminRequired.title': 'Un administrador debe instalar Tandem primero',
  'onboarding.adminRequired.body':
    'Tu organización todavía no usa Tandem. Pide a un administrador de Microsoft 365 que abra Tandem y lo instale; después vuelve.',
  'onboarding.invited.title': 'Te han invitado a unirte a {org}',
  'onboarding.invitedByLink.title': 'Acepta tu invitación',
  'onboarding.invited.expires': 'La invitación es válida hasta el {date}.',
  'onboarding.invited.button': 'Aceptar y unirme',
  'onboarding.join.title': '{org} ya usa Tandem',
  'onboarding.join.body':
    'Todavía no tienes invitación. Solicita unirte: los administradores reciben un correo y se te avisa cuando respondan.',
  'onboarding.join.message': 'Mensaje para los administradores (opcional)',
  'onboarding.join.button': 'Solicitar unirme',
  'onboarding.pending.title': 'Tu solicitud para unirte a {org} está pendiente',
  'onboarding.pending.body': 'La enviaste el {date}. Recibirás un correo cuando un administrador responda.',
  'onboarding.pending.check': 'Comprobar de nuevo',
  'onboarding.deactivated':
    'Tu cuenta de Tandem está desactivada. Consulta a un administrador de tu organización.',
  'onboarding.entering': 'Abriendo tu cuenta de Tandem…',
  'associate.open': 'Asociar mi cuenta',
  'associate.title': 'Asociar mi cuenta de Tandem existente',
  'associate.body':
    '¿Ya usas Tandem con otra dirección de correo? Te enviamos allí un código de un solo uso para comprobar que es tuya.',
  'associate.email': 'Correo de tu cuenta de Tandem',
  'associate.send': 'Enviar código',
  'associate.sent':
    'Si {email} tiene una cuenta de Tandem, le llegará un código de 6 cifras. Es válido hasta las {time}.',
  'associate.code': 'Código de un solo uso',
  'associate.verify': 'Verificar y unirme',
  'associate.resend': 'Enviar un código nuevo',
  'users.title': 'Usuarios',
  'users.members': 'Miembros',
  'users.invitations': 'Invitaciones pendientes',
  'users.requests': 'Solicitudes para unirse',
  'users.none': 'Ninguna.',
  'users.inviteM365': 'Usuario de Microsoft 365',
  'users.newUser': 'Nuevo usuario',
  'users.freeEdition':
    'Tu organización usa la edición gratuita: para invitar usuarios hace falta una edición de pago de Tandem.',
  'users.status.active': 'Activo',
  'users.status.deactivated': 'Desactivado',
  'users.superAdmin': 'Superadministrador',
  'users.you': 'Tú',
  'users.profileOf': 'Perfil de {name}',
  'users.profileChanged': 'El perfil de {name} es ahora {profile}.',
  'users.deactivate': 'Desactivar',
  'users.reactivate': 'Reactivar',
  'users.deactivate.title': '¿Desactivar a {name}?',
  'users.deactivate.body':
    '{name} ya no podrá usar Tandem. Sus datos se quedan en el CRM y puedes reactivarlo más adelante.',
  'users.deactivated': '{name} se ha desactivado.',
  'users.reactivated': '{name} se ha reactivado.',
  'users.invitation.sent': 'Enviada el {date}',
  'users.invitation.expired': 'Caducada',
  'users.invitation.expires': 'Válida hasta el {date}',
  'users.resend': 'Reenviar',
  'users.revoke': 'Revocar',
  'users.resent': 'Se ha enviado una nueva invitación a {email}.',
  'users.revoked': 'Se ha revocado la invitación a {email}.',
  'users.approve': 'Aprobar y añadir',
  'users.reject': 'Rechazar',
  'users.approved': '{name} se ha añadido a la organización.',
  'users.rejected': 'Se ha rechazado la solicitud de {name}.',
  'users.approve.title': 'Aprobar y añadir a {name}',
  'users.approve.body': '{name} ({email}) pidió el {date} unirse a tu organización.',
  'users.approve.message': 'Su mensaje: «{message}»',
  'users.approve.profile': 'Perfil',
  'users.approve.missing': 'Esta solicitud para unirse ya se respondió o ya no existe.',
  'users.invited': 'Invitaciones enviadas: {count}.',
  'users.skipped': 'Sin invitar: {list}.',
  'users.skip.already_member': '{email} (ya es miembro)',
  'users.skip.has_account': '{email} (ya tiene una cuenta de Tandem)',
  'users.skip.duplicate': '{email} (repetido)',
  'newUser.title': 'Invitar a un nuevo usuario',
  'newUser.email': 'Correo electrónico',
  'newUser.name': 'Nombre (opcional)',
  'newUser.invalidEmail': 'Escribe una dirección de correo válida.',
  'newUser.send': 'Enviar invitación',
  'picker.title': 'Invitar a usuarios de Microsoft 365',
  'picker.search': 'Buscar por nombre o correo',
  'picker.results': 'Usuarios del directorio',
  'picker.empty': 'No hay coincidencias.',
  'picker.more': 'Mostrar más',
  'picker.selected': '{count} seleccionados',
  'picker.invite': 'Invitar a los seleccionados',
  'picker.graphFailed': 'No se pudo leer el directorio de tu organización: {message}',
};

export const MESSAGES: Record<'en' | 'es', Messages> = { en, es };
export type Locale = keyof typeof MESSAGES;

/** English or Spanish, from the display language of Office (or of the browser in the web app). */
export function localeFor(language: string): Locale {
  return language.toLowerCase().startsWith('es') ? 'es' : 'en';
}

export type Translate = (key: MessageKey, values?: Record<string, string>) => string;

export function translator(locale: Locale): Translate {
  const messages = MESSAGES[locale];
  return (key, values = {}) =>
    messages[key].replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? `{${name}}`);
}

const I18nContext = createContext<{ locale: Locale; t: Translate }>({ locale: 'en', t: translator('en') });

export function I18nProvider({ locale, children }: { locale: Locale; children: ReactNode }) {
  const value = useMemo(() => ({ locale, t: translator(locale) }), [locale]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useT(): Translate {
  return useContext(I18nContext).t;
}

export function useLocale(): Locale {
  return useContext(I18nContext).locale;
}

export function formatDate(locale: Locale, iso: string, withTime = false): string {
  return new Intl.DateTimeFormat(locale === 'es' ? 'es-ES' : 'en-GB', {
    dateStyle: 'medium',
    ...(withTime ? { timeStyle: 'short' } : {}),
  }).format(new Date(iso));
}

export function formatTime(locale: Locale, iso: string): string {
  return new Intl.DateTimeFormat(locale === 'es' ? 'es-ES' : 'en-GB', { timeStyle: 'short' }).format(
    new Date(iso),
  );
}

/** A translated message for a failed call: known API error codes in the user's language, else the server's words. */
export function describeError(t: Translate, error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const key = `error.code.${typeof code === 'string' ? code : ''}`;
  const message = error instanceof Error ? error.message : String(error);
  if (key in en) return t(key as MessageKey);
  return t('error.generic', { message });
}
