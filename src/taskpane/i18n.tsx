import { createContext, useContext, type ReactNode } from 'react';

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
  'account.signedInAs': 'Signed in as {name}',
  'account.organisation': 'Organisation',
  'account.edition': 'Edition',
  'account.profile': 'Profile',
  'account.signOut': 'Sign out',
  'edition.free': 'Free',
  'edition.paid': 'Paid',
  'error.generic': 'Something went wrong: {message}',
  'error.notMember': 'You are not a member of a Tandem organisation yet.',
  retry: 'Try again',
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
  'account.signedInAs': 'Sesión iniciada como {name}',
  'account.organisation': 'Organización',
  'account.edition': 'Edición',
  'account.profile': 'Perfil',
  'account.signOut': 'Cerrar sesión',
  'edition.free': 'Gratuita',
  'edition.paid': 'De pago',
  'error.generic': 'Algo salió mal: {message}',
  'error.notMember': 'Todavía no perteneces a ninguna organización de Tandem.',
  retry: 'Reintentar',
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

const I18nContext = createContext<Translate>(translator('en'));

export function I18nProvider({ locale, children }: { locale: Locale; children: ReactNode }) {
  return <I18nContext.Provider value={translator(locale)}>{children}</I18nContext.Provider>;
}

export function useT(): Translate {
  return useContext(I18nContext);
}
