import { Button, Subtitle2, Text } from '@fluentui/react-components';
import { useCallback, useEffect, useState } from 'react';
import type { Api } from '../api-client';
import { describeError, useLocale, useT, type Locale } from '../i18n';
import type { UserSyncHealth } from '../sync-views';
import { ErrorBar } from './error-bar';
import { SyncHealthBadge } from './integration/sync-health-view';

const WORDS: Record<Locale, Record<'title' | 'calendar' | 'contacts' | 'none' | 'refresh', string>> = {
  en: {
    title: 'Sync health',
    calendar: 'Calendar',
    contacts: 'Contacts',
    none: 'No one syncs in the background yet.',
    refresh: 'Refresh',
  },
  es: {
    title: 'Estado de la sincronización',
    calendar: 'Calendario',
    contacts: 'Contactos',
    none: 'Nadie sincroniza en segundo plano todavía.',
    refresh: 'Actualizar',
  },
};

/**
 * For those who manage users: every user's background sync, per resource, as the server last ran it
 * (who needs to sign in again shows here too).
 */
export function UsersSyncHealth({ api }: { api: Pick<Api, 'get'> }) {
  const t = useT();
  const words = WORDS[useLocale()];
  const [items, setItems] = useState<UserSyncHealth[]>();
  const [error, setError] = useState<string>();

  const load = useCallback(async () => {
    try {
      setItems((await api.get<{ items: UserSyncHealth[] }>('/api/sync/health')).items);
      setError(undefined);
    } catch (e) {
      setError(describeError(t, e));
    }
  }, [api, t]);

  useEffect(() => {
    void load();
  }, [load]);

  const syncing = items?.filter((u) => u.health.calendar || u.health.contacts) ?? [];
  return (
    <section className="tandem-group" aria-label={words.title}>
      <Subtitle2 as="h2">{words.title}</Subtitle2>
      <ErrorBar message={error} />
      {items && syncing.length === 0 && <Text size={200}>{words.none}</Text>}
      {syncing.length > 0 && (
        <ul className="tandem-list">
          {syncing.map((user) => (
            <li key={user.userId} aria-label={user.displayName || user.email}>
              <Text weight="semibold" block>
                {user.displayName || user.email}
              </Text>
              {(['calendar', 'contacts'] as const).map((resource) =>
                user.health[resource] ? (
                  <Text size={200} block key={resource}>
                    {words[resource]}: <SyncHealthBadge health={user.health[resource]} />
                  </Text>
                ) : null,
              )}
            </li>
          ))}
        </ul>
      )}
      <div>
        <Button size="small" onClick={() => void load()}>
          {words.refresh}
        </Button>
      </div>
    </section>
  );
}
