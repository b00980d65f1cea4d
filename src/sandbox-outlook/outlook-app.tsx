import {
  Button,
  Field,
  FluentProvider,
  MessageBar,
  MessageBarBody,
  Select,
  Tab,
  TabList,
  Text,
  webLightTheme,
} from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import { CalendarView } from './calendar-view';
import { ContactsView } from './contacts-view';
import type { DemoUser, SandboxGraph } from './graph-client';
import { InboxView } from './inbox-view';
import { POLL_MS } from './use-poll';

type View = 'calendar' | 'contacts' | 'inbox';

/**
 * A developer's Outlook on the Graph sandbox: one demo user's calendars, contacts and inbox as Graph
 * holds them, reloaded every few seconds so the sync's changes show up by themselves.
 */
export function OutlookApp({ graph, initialUser }: { graph: SandboxGraph; initialUser?: string }) {
  const [users, setUsers] = useState<DemoUser[]>([]);
  const [user, setUser] = useState<string | undefined>(undefined);
  const [view, setView] = useState<View>('calendar');
  const [tick, setTick] = useState(0);
  const [error, setError] = useState<string | undefined>(undefined);

  useEffect(() => {
    graph.users().then(
      (list) => {
        setUsers(list);
        const wanted = initialUser?.toLowerCase();
        const chosen = list.find((u) => u.userPrincipalName.toLowerCase() === wanted) ?? list[0];
        setUser(chosen?.userPrincipalName);
      },
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
  }, [graph, initialUser]);

  useEffect(() => {
    // A hidden tab does not spend the mailbox's request budget.
    const timer = window.setInterval(() => {
      if (!document.hidden) setTick((t) => t + 1);
    }, POLL_MS);
    return () => window.clearInterval(timer);
  }, []);

  const chooseUser = (upn: string) => {
    setUser(upn);
    const url = new URL(window.location.href);
    url.searchParams.set('user', upn);
    window.history.replaceState(null, '', url);
  };

  return (
    <FluentProvider theme={webLightTheme} className="ov-root">
      <main className="ov-shell">
        <div className="ov-bar">
          <h1>
            <Text as="span" size={600} weight="semibold">
              Outlook (Graph sandbox)
            </Text>
          </h1>
          <Field label="Demo user">
            <Select value={user ?? ''} onChange={(_e, d) => chooseUser(d.value)}>
              {users.map((u) => (
                <option key={u.userPrincipalName} value={u.userPrincipalName}>
                  {u.displayName} ({u.userPrincipalName})
                </option>
              ))}
            </Select>
          </Field>
          <Button onClick={() => setTick((t) => t + 1)}>Refresh</Button>
        </div>
        <Text size={200}>
          What Microsoft Graph holds for this user, read and written through the sandbox&apos;s Graph API and
          refreshed every {POLL_MS / 1000} seconds. Times are shown in {graph.viewZone}.
        </Text>
        {error && (
          <MessageBar intent="error">
            <MessageBarBody>{error}</MessageBarBody>
          </MessageBar>
        )}
        <TabList selectedValue={view} onTabSelect={(_e, d) => setView(d.value as View)}>
          <Tab value="calendar">Calendar</Tab>
          <Tab value="contacts">Contacts</Tab>
          <Tab value="inbox">Inbox</Tab>
        </TabList>
        {user && view === 'calendar' && <CalendarView graph={graph} user={user} tick={tick} />}
        {user && view === 'contacts' && <ContactsView graph={graph} user={user} tick={tick} />}
        {user && view === 'inbox' && <InboxView graph={graph} user={user} tick={tick} />}
      </main>
    </FluentProvider>
  );
}
