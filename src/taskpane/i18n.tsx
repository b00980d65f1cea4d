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
  'nav.contacts': 'Contacts',
  'nav.events': 'Events',
  'account.signedInAs': 'Signed in as {name}',
  'account.organisation': 'Organisation',
  'account.edition': 'Edition',
  'account.profile': 'Profile',
  'account.signOut': 'Sign out',
  'account.preferences': 'Display',
  'account.language': 'Language',
  'account.theme': 'Theme',
  'account.theme.system': 'As the system',
  'account.theme.light': 'Light',
  'account.theme.dark': 'Dark',
  'profile.Administrator': 'Administrator',
  'profile.Standard user': 'Standard user',
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
  'error.code.email_unconfirmed':
    'A Tandem account already uses your email address: prove it is yours with a code mailed to it.',
  'error.code.too_many_requests': 'Too many attempts. Wait a little and try again.',
  'error.code.invitation_used': 'This invitation has already been used.',
  'error.code.invitation_revoked': 'This invitation was withdrawn.',
  'error.code.invitation_expired': 'This invitation has expired: ask for a new one.',
  'error.code.request_pending': 'Your request to join is already pending.',
  'error.code.invitation_pending': 'You have an invitation: accept it to join.',
  'error.code.invitation_other_email':
    'This invitation was sent to another person: sign in with the account it was addressed to.',
  'error.code.account_exists':
    'A Tandem account already exists for your email address: open Tandem to enter it.',
  'error.kind.temporary': 'Microsoft 365 is not answering right now. Tandem tries again later.',
  'error.kind.auth': 'Microsoft 365 did not accept your sign-in: sign out and sign in again.',
  'error.kind.notFound': 'The item no longer exists in Outlook.',
  'error.kind.conflict':
    'The item was changed at the same moment in Outlook; the next run takes it up again.',
  'error.kind.cursorExpired': 'Outlook asked to read everything again; the next run does it.',
  'error.kind.invalid': 'Microsoft 365 refused the change as invalid.',
  'error.kind.permanent': 'Microsoft 365 gave an answer Tandem does not understand.',
  'error.network': 'The server cannot be reached. Check your connection and try again.',
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
  'onboarding.proof.why':
    'This invitation was sent to {email}. Your Microsoft 365 sign-in cannot vouch for that address on its own (it belongs to another organisation, or the address is not verified), so we mail a one-time code to it first.',
  'onboarding.proof.send': 'Send the code',
  'onboarding.proof.sent': 'We sent a code to {email}. It is valid until {time}.',
  'onboarding.proof.code': 'Code from the email',
  'onboarding.proof.resend': 'Send a new code',
  'onboarding.proveAddress.title': 'Prove your email address',
  'onboarding.proveAddress.body':
    'A Tandem account already uses your email address. Your sign-in alone cannot vouch for it: enter the address below and we mail a one-time code to it.',
  'onboarding.replaced.title': 'This invitation link was replaced',
  'onboarding.replaced.newer':
    'An administrator sent you a newer invitation to {org}, which replaces this link. You can accept it here; it is valid until {date}.',
  'onboarding.replaced.none':
    'This link no longer works: a newer invitation replaced it, or it was withdrawn. Open the most recent invitation mail from Tandem, or ask an administrator of the organisation to invite you again.',
  'onboarding.invitation.problem': 'This invitation cannot be accepted.',
  'onboarding.join.title': '{org} already uses Tandem',
  'onboarding.join.body':
    'You have no invitation yet. Ask to join: the administrators get an email and you are told when they answer.',
  'onboarding.join.message': 'Message to the administrators (optional)',
  'onboarding.join.button': 'Request to join',
  'onboarding.pending.title': 'Your request to join {org} is pending',
  'onboarding.pending.body': 'You asked on {date}. You will get an email when an administrator answers.',
  'onboarding.pending.check': 'Check again',
  'onboarding.declined.title': 'Your request to join {org} was declined',
  'onboarding.declined.body':
    'An administrator declined the request you sent on {asked}, on {date}. If you think this is a mistake, ask an administrator of your organisation.',
  'onboarding.declined.again': 'Ask again',
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
  'associate.invalidEmail': 'Enter a complete email address, such as name@example.com.',
  'associate.wrongCode': 'That code is not right. Tries left: {left}.',
  'associate.lastTry': 'That code is not right, and no tries are left: send a new code.',
  'associate.noTriesLeft': 'Too many wrong codes for this one: send a new code.',
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
  'users.revoke.title': 'Revoke the invitation to {email}?',
  'users.revoke.body': 'The link in their mail stops working at once. You can invite {email} again later.',
  'users.reject.title': 'Reject the request of {name}?',
  'users.reject.body': '{name} is told by mail that the request was not approved. They can ask again later.',
  'users.approve': 'Approve and add',
  'users.reject': 'Reject',
  'users.approved': '{name} was added to the organisation.',
  'users.rejected': 'The request of {name} was rejected.',
  'users.approve.title': 'Approve and add {name}',
  'users.approve.body': '{name} ({email}) asked on {date} to join your organisation.',
  'users.approve.message': 'Their message: “{message}”',
  'users.approve.profile': 'Profile',
  'users.approve.missing': 'This request to join was already answered or no longer exists.',
  'users.approve.wasApproved': 'The request of {name} was already approved on {date} by {by}.',
  'users.approve.wasRejected': 'The request of {name} was already rejected on {date} by {by}.',
  'users.invited': 'Invitations sent: {count}.',
  'users.skipped': 'Not invited: {list}.',
  'users.skip.already_member': '{email} (already a member)',
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
  'picker.known.you': 'You',
  'picker.known.member': 'Already a member',
  'picker.known.invited': 'Invited: inviting again sends a new link',
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
  'nav.contacts': 'Contactos',
  'nav.events': 'Eventos',
  'account.signedInAs': 'Sesión iniciada como {name}',
  'account.organisation': 'Organización',
  'account.edition': 'Edición',
  'account.profile': 'Perfil',
  'account.signOut': 'Cerrar sesión',
  'account.preferences': 'Presentación',
  'account.language': 'Idioma',
  'account.theme': 'Tema',
  'account.theme.system': 'Como el sistema',
  'account.theme.light': 'Claro',
  'account.theme.dark': 'Oscuro',
  'profile.Administrator': 'Administrador',
  'profile.Standard user': 'Usuario estándar',
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
  'error.code.email_unconfirmed':
    'Ya hay una cuenta de Tandem con tu correo: demuestra que es tuyo con un código que te enviamos a esa dirección.',
  'error.code.too_many_requests': 'Demasiados intentos. Espera un poco y vuelve a intentarlo.',
  'error.code.invitation_used': 'Esta invitación ya se ha usado.',
  'error.code.invitation_revoked': 'Esta invitación se ha retirado.',
  'error.code.invitation_expired': 'Esta invitación ha caducado: pide una nueva.',
  'error.code.request_pending': 'Tu solicitud para unirte ya está pendiente.',
  'error.code.invitation_pending': 'Tienes una invitación: acéptala para unirte.',
  'error.code.invitation_other_email':
    'Esta invitación se envió a otra persona: inicia sesión con la cuenta a la que iba dirigida.',
  'error.code.account_exists':
    'Ya existe una cuenta de Tandem con tu dirección de correo: abre Tandem para entrar en ella.',
  'error.kind.temporary':
    'Microsoft 365 no responde en este momento. Tandem lo volverá a intentar más tarde.',
  'error.kind.auth':
    'Microsoft 365 no ha aceptado tu inicio de sesión: cierra la sesión y vuelve a iniciarla.',
  'error.kind.notFound': 'El elemento ya no existe en Outlook.',
  'error.kind.conflict':
    'El elemento se cambió a la vez en Outlook; la próxima ejecución lo vuelve a tratar.',
  'error.kind.cursorExpired': 'Outlook ha pedido leerlo todo de nuevo; la próxima ejecución lo hace.',
  'error.kind.invalid': 'Microsoft 365 ha rechazado el cambio por no ser válido.',
  'error.kind.permanent': 'Microsoft 365 ha dado una respuesta que Tandem no entiende.',
  'error.network': 'No se puede conectar con el servidor. Comprueba tu conexión y vuelve a intentarlo.',
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
  'onboarding.proof.why':
    'Esta invitación se envió a {email}. Tu inicio de sesión de Microsoft 365 no basta para garantizar esa dirección (es de otra organización o no está verificada), así que primero te enviamos un código de un solo uso a ella.',
  'onboarding.proof.send': 'Enviar el código',
  'onboarding.proof.sent': 'Te enviamos un código a {email}. Es válido hasta las {time}.',
  'onboarding.proof.code': 'Código del correo',
  'onboarding.proof.resend': 'Enviar un código nuevo',
  'onboarding.proveAddress.title': 'Demuestra tu dirección de correo',
  'onboarding.proveAddress.body':
    'Ya hay una cuenta de Tandem con tu correo. Tu inicio de sesión no basta para garantizarlo: escribe la dirección abajo y te enviaremos un código de un solo uso.',
  'onboarding.replaced.title': 'Este enlace de invitación se ha sustituido',
  'onboarding.replaced.newer':
    'Un administrador te ha enviado una invitación más reciente a {org}, que sustituye a este enlace. Puedes aceptarla aquí; es válida hasta el {date}.',
  'onboarding.replaced.none':
    'Este enlace ya no funciona: lo ha sustituido una invitación más reciente o se ha retirado. Abre el correo de invitación más reciente de Tandem o pide a un administrador de la organización que te vuelva a invitar.',
  'onboarding.invitation.problem': 'Esta invitación no se puede aceptar.',
  'onboarding.join.title': '{org} ya usa Tandem',
  'onboarding.join.body':
    'Todavía no tienes invitación. Solicita unirte: los administradores reciben un correo y se te avisa cuando respondan.',
  'onboarding.join.message': 'Mensaje para los administradores (opcional)',
  'onboarding.join.button': 'Solicitar unirme',
  'onboarding.pending.title': 'Tu solicitud para unirte a {org} está pendiente',
  'onboarding.pending.body': 'La enviaste el {date}. Recibirás un correo cuando un administrador responda.',
  'onboarding.pending.check': 'Comprobar de nuevo',
  'onboarding.declined.title': 'Se ha rechazado tu solicitud para unirte a {org}',
  'onboarding.declined.body':
    'Un administrador rechazó el {date} la solicitud que enviaste el {asked}. Si crees que es un error, consulta con un administrador de tu organización.',
  'onboarding.declined.again': 'Volver a solicitarlo',
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
  'associate.invalidEmail': 'Escribe una dirección de correo completa, como nombre@ejemplo.com.',
  'associate.wrongCode': 'El código no es correcto. Intentos restantes: {left}.',
  'associate.lastTry': 'El código no es correcto y no quedan intentos: envía un código nuevo.',
  'associate.noTriesLeft': 'Demasiados códigos erróneos para este: envía un código nuevo.',
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
  'users.revoke.title': '¿Revocar la invitación a {email}?',
  'users.revoke.body':
    'El enlace de su correo deja de funcionar en el acto. Puedes volver a invitar a {email} más adelante.',
  'users.reject.title': '¿Rechazar la solicitud de {name}?',
  'users.reject.body':
    '{name} recibe un correo que le dice que la solicitud no se ha aprobado. Puede volver a pedirlo más adelante.',
  'users.approve': 'Aprobar y añadir',
  'users.reject': 'Rechazar',
  'users.approved': '{name} se ha añadido a la organización.',
  'users.rejected': 'Se ha rechazado la solicitud de {name}.',
  'users.approve.title': 'Aprobar y añadir a {name}',
  'users.approve.body': '{name} ({email}) pidió el {date} unirse a tu organización.',
  'users.approve.message': 'Su mensaje: «{message}»',
  'users.approve.profile': 'Perfil',
  'users.approve.missing': 'Esta solicitud para unirse ya se respondió o ya no existe.',
  'users.approve.wasApproved': 'La solicitud de {name} ya la aprobó {by} el {date}.',
  'users.approve.wasRejected': 'La solicitud de {name} ya la rechazó {by} el {date}.',
  'users.invited': 'Invitaciones enviadas: {count}.',
  'users.skipped': 'Sin invitar: {list}.',
  'users.skip.already_member': '{email} (ya es miembro)',
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
  'picker.known.you': 'Tú',
  'picker.known.member': 'Ya es miembro',
  'picker.known.invited': 'Invitado: volver a invitar envía un enlace nuevo',
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

export function isMessageKey(key: string): key is MessageKey {
  return key in en;
}

/** The name of a profile: the two every organisation starts with are translated, others are the admins' words. */
export function profileName(t: Translate, name: string): string {
  const key = `profile.${name}`;
  return isMessageKey(key) ? t(key) : name;
}

/**
 * A translated message for a failed call: known API error codes, then the kind of a failed Microsoft
 * Graph call (sync and directory errors carry one), then a network failure; else the raw words.
 */
export function describeError(t: Translate, error: unknown): string {
  const { code, kind } = (error ?? {}) as { code?: unknown; kind?: unknown };
  const message = error instanceof Error ? error.message : String(error);
  const known = [
    typeof code === 'string' ? `error.code.${code}` : '',
    typeof kind === 'string' ? `error.kind.${kind}` : '',
  ].find(isMessageKey);
  if (known) return t(known);
  // fetch's TypeError when the server is down or the network is gone.
  if (error instanceof TypeError && /fetch|network/i.test(message)) return t('error.network');
  return t('error.generic', { message });
}
