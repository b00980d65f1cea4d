/** The mails Tandem sends, in plain text, in every language the product ships. */
export type Language = 'en' | 'es';

export interface TemplateParams {
  invitation: { orgName: string; inviterName: string; link: string; expiresAt: Date };
  join_request: {
    orgName: string;
    requesterName: string;
    requesterEmail: string;
    /** What the requester wrote to the administrators, if anything. */
    message?: string | null | undefined;
    link: string;
  };
  join_approved: { orgName: string; link: string };
  join_rejected: { orgName: string };
  association_code: { code: string; minutes: number };
  address_code: { code: string; minutes: number };
  /** The server can no longer get Microsoft access for the user's background sync. */
  sync_reconnect: { orgName: string };
}

export type TemplateName = keyof TemplateParams;

export interface RenderedMail {
  subject: string;
  text: string;
}

type Templates = { [K in TemplateName]: (p: TemplateParams[K]) => RenderedMail };

const day = (date: Date, language: Language) =>
  date.toLocaleDateString(language === 'es' ? 'es-ES' : 'en-GB', {
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    timeZone: 'UTC',
  });

/** The requester's own words, set apart as a quote line by line. */
const quote = (text: string) =>
  text
    .split(/\r?\n/)
    .map((line) => `> ${line}`)
    .join('\n');

const en: Templates = {
  invitation: (p) => ({
    subject: `${p.inviterName} invited you to ${p.orgName} on Tandem`,
    text: [
      `${p.inviterName} invited you to join ${p.orgName} on Tandem, the CRM inside Outlook.`,
      '',
      `Accept the invitation: ${p.link}`,
      '',
      `The link works once and until ${day(p.expiresAt, 'en')}. You can also simply open Tandem in Outlook with this email address.`,
      'If you were not expecting this, ignore this message.',
    ].join('\n'),
  }),
  join_request: (p) => ({
    subject: `${p.requesterName} asks to join ${p.orgName} on Tandem`,
    text: [
      `${p.requesterName} (${p.requesterEmail}) asks to join ${p.orgName} on Tandem.`,
      ...(p.message ? ['', 'Their message:', quote(p.message)] : []),
      '',
      `Approve and add: ${p.link}`,
      '',
      'You get this mail because you can manage users in Tandem.',
    ].join('\n'),
  }),
  join_approved: (p) => ({
    subject: `You have joined ${p.orgName} on Tandem`,
    text: [`Your request to join ${p.orgName} was approved.`, '', `Open Tandem: ${p.link}`].join('\n'),
  }),
  join_rejected: (p) => ({
    subject: `Your request to join ${p.orgName} on Tandem`,
    text: [
      `Your request to join ${p.orgName} on Tandem was not approved.`,
      'Ask an administrator of your organisation if you think this is a mistake.',
    ].join('\n'),
  }),
  association_code: (p) => ({
    subject: `Your Tandem code: ${p.code}`,
    text: [
      `Enter this code in Tandem to associate your Microsoft 365 account with this one: ${p.code}`,
      '',
      `It expires in ${p.minutes} minutes. If you did not ask for it, ignore this message.`,
    ].join('\n'),
  }),
  address_code: (p) => ({
    subject: `Your Tandem code: ${p.code}`,
    text: [
      `Enter this code in Tandem to confirm that this email address is yours and accept your invitation: ${p.code}`,
      '',
      `It expires in ${p.minutes} minutes. If you did not ask for it, ignore this message.`,
    ].join('\n'),
  }),
  sync_reconnect: (p) => ({
    subject: `Reconnect your Outlook sync with Tandem (${p.orgName})`,
    text: [
      `Tandem (${p.orgName}) can no longer keep your Outlook calendar and contacts in step while you are away: Microsoft stopped accepting the sign-in the server holds for you (it expired, was revoked, or consent was withdrawn).`,
      '',
      'To reconnect, open Tandem once in Outlook or in the web app and sign in if asked. Nothing else is needed: the sync resumes by itself and catches up on every change.',
      '',
      'Until then, changes wait on both sides; nothing is lost. You get this mail at most once a day.',
    ].join('\n'),
  }),
};

const es: Templates = {
  invitation: (p) => ({
    subject: `${p.inviterName} te ha invitado a ${p.orgName} en Tandem`,
    text: [
      `${p.inviterName} te ha invitado a unirte a ${p.orgName} en Tandem, el CRM dentro de Outlook.`,
      '',
      `Acepta la invitación: ${p.link}`,
      '',
      `El enlace sirve una sola vez y hasta el ${day(p.expiresAt, 'es')}. También puedes abrir Tandem en Outlook con esta dirección de correo.`,
      'Si no esperabas este mensaje, ignóralo.',
    ].join('\n'),
  }),
  join_request: (p) => ({
    subject: `${p.requesterName} solicita unirse a ${p.orgName} en Tandem`,
    text: [
      `${p.requesterName} (${p.requesterEmail}) solicita unirse a ${p.orgName} en Tandem.`,
      ...(p.message ? ['', 'Su mensaje:', quote(p.message)] : []),
      '',
      `Aprobar y añadir: ${p.link}`,
      '',
      'Recibes este correo porque puedes gestionar usuarios en Tandem.',
    ].join('\n'),
  }),
  join_approved: (p) => ({
    subject: `Ya formas parte de ${p.orgName} en Tandem`,
    text: [`Tu solicitud para unirte a ${p.orgName} ha sido aprobada.`, '', `Abre Tandem: ${p.link}`].join(
      '\n',
    ),
  }),
  join_rejected: (p) => ({
    subject: `Tu solicitud para unirte a ${p.orgName} en Tandem`,
    text: [
      `Tu solicitud para unirte a ${p.orgName} en Tandem no ha sido aprobada.`,
      'Si crees que es un error, consulta con un administrador de tu organización.',
    ].join('\n'),
  }),
  association_code: (p) => ({
    subject: `Tu código de Tandem: ${p.code}`,
    text: [
      `Introduce este código en Tandem para asociar tu cuenta de Microsoft 365 con esta: ${p.code}`,
      '',
      `Caduca en ${p.minutes} minutos. Si no lo has pedido, ignora este mensaje.`,
    ].join('\n'),
  }),
  address_code: (p) => ({
    subject: `Tu código de Tandem: ${p.code}`,
    text: [
      `Introduce este código en Tandem para confirmar que esta dirección de correo es tuya y aceptar tu invitación: ${p.code}`,
      '',
      `Caduca en ${p.minutes} minutos. Si no lo has pedido, ignora este mensaje.`,
    ].join('\n'),
  }),
  sync_reconnect: (p) => ({
    subject: `Vuelve a conectar tu sincronización de Outlook con Tandem (${p.orgName})`,
    text: [
      `Tandem (${p.orgName}) ya no puede mantener al día tu calendario y tus contactos de Outlook mientras no estás: Microsoft ha dejado de aceptar el inicio de sesión que el servidor guarda para ti (caducó, se revocó o se retiró el consentimiento).`,
      '',
      'Para volver a conectar, abre Tandem una vez en Outlook o en la aplicación web e inicia sesión si te lo pide. No hace falta nada más: la sincronización se reanuda sola y recupera todos los cambios.',
      '',
      'Mientras tanto, los cambios esperan en ambos lados; no se pierde nada. Recibes este correo como mucho una vez al día.',
    ].join('\n'),
  }),
};

const TEMPLATES: Record<Language, Templates> = { en, es };

/** `es`, `es-ES`, `es-MX` → Spanish; anything else → English. */
export function toLanguage(value: string | null | undefined): Language {
  return value?.toLowerCase().startsWith('es') ? 'es' : 'en';
}

export function renderMail<K extends TemplateName>(
  template: K,
  language: Language,
  params: TemplateParams[K],
): RenderedMail {
  const safe = Object.fromEntries(
    Object.entries(params).map(([key, value]) => [key, typeof value === 'string' ? plainLine(value) : value]),
  ) as TemplateParams[K];
  return TEMPLATES[language][template](safe);
}

/**
 * A value as one line of plain text: names come from users and tenants, so line breaks (which could
 * forge headers in a subject or paragraphs in a body) and other control characters fold into one
 * space, and angle brackets become look-alikes so no markup reaches a mail verbatim.
 */
export function plainLine(value: string): string {
  return value
    .replace(/[\p{Cc}\p{Zl}\p{Zp}]+/gu, ' ')
    .replace(/</g, '\u2039')
    .replace(/>/g, '\u203A')
    .replace(/ {2,}/g, ' ')
    .trim();
}
