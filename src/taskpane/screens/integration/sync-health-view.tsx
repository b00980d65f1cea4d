import { Badge, Text } from '@fluentui/react-components';
import { formatDate, useLocale, type Locale } from '../../i18n';
import type { SyncHealthState, SyncHealthView, SyncRunView } from '../../sync-views';

/** Background sync's health in people's words, English and Spanish (the page and the admins' list). */
type Word = SyncHealthState | 'never' | 'lastSuccess' | 'lag' | 'title' | `server.${SyncRunView['state']}`;

const WORDS: Record<Locale, Record<Word, string>> = {
  en: {
    title: 'Background sync',
    ok: 'Up to date',
    retrying: 'Retrying',
    needs_sign_in: 'Needs you to sign in: open Tandem once to reconnect',
    off: 'Off',
    never: 'Not run on the server yet',
    lastSuccess: 'Last synced {when}',
    lag: 'changes arrived within {seconds} s',
    'server.queued': '{resource}: the server runs it next…',
    'server.running': '{resource}: the server is syncing…',
    'server.done': '{resource}: synced by the server',
    'server.failed': '{resource}: the server could not finish; it tries again by itself',
  },
  es: {
    title: 'Sincronización en segundo plano',
    ok: 'Al día',
    retrying: 'Reintentando',
    needs_sign_in: 'Necesita que inicies sesión: abre Tandem una vez para volver a conectar',
    off: 'Desactivada',
    never: 'Aún no se ha ejecutado en el servidor',
    lastSuccess: 'Última sincronización: {when}',
    lag: 'los cambios llegaron en {seconds} s',
    'server.queued': '{resource}: el servidor lo ejecuta a continuación…',
    'server.running': '{resource}: el servidor está sincronizando…',
    'server.done': '{resource}: sincronizado por el servidor',
    'server.failed': '{resource}: el servidor no pudo terminar; lo reintenta solo',
  },
};

const COLOR: Record<SyncHealthState, 'success' | 'warning' | 'danger' | 'informative'> = {
  ok: 'success',
  retrying: 'warning',
  needs_sign_in: 'danger',
  off: 'informative',
};

export function healthWords(locale: Locale) {
  return WORDS[locale];
}

/** The state as a badge (its words for the admins' compact list too). */
export function SyncHealthBadge({ health }: { health: SyncHealthView | null }) {
  const words = WORDS[useLocale()];
  if (!health) return <Text size={200}>{words.never}</Text>;
  return (
    <Badge appearance="tint" color={COLOR[health.state]}>
      {words[health.state]}
    </Badge>
  );
}

/** One resource's background sync: state, last success and lag, and why the last run failed. */
export function SyncHealthSummary({ health }: { health: SyncHealthView | null }) {
  const locale = useLocale();
  const words = WORDS[locale];
  if (!health) return null;
  const success = health.lastSuccessAt
    ? words.lastSuccess.replace('{when}', formatDate(locale, health.lastSuccessAt, true))
    : null;
  const lag =
    health.lagMs !== null && health.state === 'ok'
      ? words.lag.replace('{seconds}', String(Math.max(1, Math.round(health.lagMs / 1000))))
      : null;
  return (
    <div className="tandem-sync-health" aria-label={words.title}>
      <Text size={200} weight="semibold">
        {words.title}:{' '}
      </Text>
      <SyncHealthBadge health={health} />
      {success && (
        <Text size={200} block>
          {lag ? `${success} · ${lag}` : success}
        </Text>
      )}
      {health.lastError && (
        <Text size={200} block className="tandem-sync-health-error">
          {health.lastError}
        </Text>
      )}
    </div>
  );
}

/** A "Sync now" run the server makes: where it is. */
export function ServerRunLine({ run, resourceName }: { run: SyncRunView; resourceName: string }) {
  const words = WORDS[useLocale()];
  return (
    <Text size={200} block role="status">
      {words[`server.${run.state}`].replace('{resource}', resourceName)}
    </Text>
  );
}
