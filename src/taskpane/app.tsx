import {
  Button,
  FluentProvider,
  MessageBar,
  MessageBarBody,
  Spinner,
  Tab,
  TabList,
  Title3,
  webDarkTheme,
  webLightTheme,
} from '@fluentui/react-components';
import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import type { AccountManager, SignedInAccount } from '../auth/account-manager';
import { ApiError, type Api } from './api-client';
import type { Directory } from './directory';
import { watchSystemTheme, type HostInfo } from './host';
import { describeError, I18nProvider, localeFor, useT, type Locale } from './i18n';
import type { Me } from './me';
import type { OnboardingState } from './onboarding';
import { loadPreferences, savePreferences, type Preferences, type ThemeChoice } from './preferences';
import { useHashRoute } from './router';
import { AccountScreen, type DisplaySettings } from './screens/account-screen';
import { SignInScreen } from './screens/sign-in-screen';
import type { SyncController } from './sync-controller';

// Most people open the add-in as members: onboarding, the Users page and the integration page (with
// the sync engine behind it) load only when shown.
const OnboardingScreen = lazy(() =>
  import('./screens/onboarding-screen').then((m) => ({ default: m.OnboardingScreen })),
);
const UsersScreen = lazy(() => import('./screens/users-screen').then((m) => ({ default: m.UsersScreen })));
const ContactsWorkspace = lazy(() => import('./workspace/contacts-workspace'));
const EventsWorkspace = lazy(() => import('./events').then((m) => ({ default: m.EventsWorkspace })));
const IntegrationScreen = lazy(() =>
  import('./screens/integration-screen').then((m) => ({ default: m.IntegrationScreen })),
);

export interface AppProps {
  host: HostInfo;
  accounts: AccountManager;
  api: Api;
  /** The tenant's Microsoft 365 directory, read with the signed-in user's Graph token. */
  directory: Directory;
  sandbox: boolean;
  loadDemoUsers: () => Promise<{ userPrincipalName: string; displayName: string }[]>;
  /** Calendar and contact sync, run here with the user's own tokens ("Microsoft integration"). */
  sync?: SyncController;
}

/** The add-in and the web app: the same React tree, themed and translated after its host. */
export function App(props: AppProps) {
  const { host } = props;
  const web = host.kind === 'browser';
  // The web app remembers the language and theme chosen in Account; `?lang=` / `?theme=` in the address still win.
  const [preferences, setPreferences] = useState<Preferences>(() => (web ? storedUnlessForced() : {}));
  const [hostTheme, setHostTheme] = useState(host.theme);
  useEffect(() => (host.followsSystemTheme ? watchSystemTheme(setHostTheme) : undefined), [host]);
  const theme = preferences.theme && preferences.theme !== 'system' ? preferences.theme : hostTheme;
  const locale: Locale = preferences.language ?? localeFor(host.language);
  useEffect(() => {
    // The page behind the app (margins, overscroll) follows the theme and language too.
    document.documentElement.dataset.theme = theme;
    document.documentElement.lang = locale;
  }, [theme, locale]);
  const display: DisplaySettings | undefined = web
    ? {
        locale,
        theme: preferences.theme ?? 'system',
        onChange: (next: { language?: Locale; theme?: ThemeChoice }) =>
          setPreferences((current) => {
            const merged = { ...current, ...next };
            savePreferences(merged);
            return merged;
          }),
      }
    : undefined;
  return (
    <FluentProvider theme={theme === 'dark' ? webDarkTheme : webLightTheme} className="tandem-root">
      <I18nProvider locale={locale}>
        <Shell {...props} display={display} />
      </I18nProvider>
    </FluentProvider>
  );
}

function storedUnlessForced(): Preferences {
  const { language, theme } = loadPreferences();
  const forced = new URLSearchParams(window.location.search);
  return {
    ...(language && !forced.has('lang') ? { language } : {}),
    ...(theme && !forced.has('theme') ? { theme } : {}),
  };
}

type State =
  | { phase: 'loading' }
  | { phase: 'signed-out' }
  | { phase: 'onboarding'; account: SignedInAccount; onboarding: OnboardingState }
  | { phase: 'error'; message: string }
  | { phase: 'ready'; account: SignedInAccount; me: Me };

function Shell({
  accounts,
  api,
  directory,
  sandbox,
  loadDemoUsers,
  sync,
  display,
}: AppProps & { display: DisplaySettings | undefined }) {
  const t = useT();
  const [state, setState] = useState<State>({ phase: 'loading' });
  const [route, navigate] = useHashRoute();
  const [tab, setTab] = useState(() => (route.name === 'users' ? 'users' : 'account'));

  const load = useCallback(async () => {
    setState({ phase: 'loading' });
    const account = await accounts.current();
    if (!account) return setState({ phase: 'signed-out' });
    try {
      setState({ phase: 'ready', account, me: await api.get<Me>('/api/me') });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return setState({ phase: 'signed-out' });
      if (!(error instanceof ApiError && error.status === 403)) {
        return setState({ phase: 'error', message: describeError(t, error) });
      }
      // Not a member (or no longer): what to offer depends on the tenant, invitations and requests.
      try {
        const onboarding = await api.get<OnboardingState>('/api/onboarding');
        setState({ phase: 'onboarding', account, onboarding });
      } catch (inner) {
        setState({ phase: 'error', message: describeError(t, inner) });
      }
    }
  }, [accounts, api, t]);

  useEffect(() => {
    void load();
  }, [load]);

  useEffect(() => {
    if (route.name === 'users') setTab('users');
  }, [route]);

  // A member opening an invitation link has nothing left to accept.
  const alreadyMember = state.phase === 'ready' && route.name === 'invite';
  useEffect(() => {
    if (alreadyMember) navigate({ name: 'home' });
  }, [alreadyMember, navigate]);

  const joined = useCallback(() => {
    if (route.name === 'invite') navigate({ name: 'home' });
    void load();
  }, [route.name, navigate, load]);

  const signOut = async () => {
    await accounts.signOut();
    setState({ phase: 'signed-out' });
  };

  switch (state.phase) {
    case 'loading':
      return <Spinner className="tandem-screen" label={t('app.loading')} />;
    case 'signed-out':
      return (
        <SignInScreen accounts={accounts} sandbox={sandbox} loadDemoUsers={loadDemoUsers} onSignedIn={load} />
      );
    case 'error':
      return (
        <main className="tandem-screen">
          <MessageBar intent="error">
            <MessageBarBody>{state.message}</MessageBarBody>
          </MessageBar>
          <Button onClick={load}>{t('retry')}</Button>
        </main>
      );
    case 'onboarding':
      return (
        <Suspense fallback={<Spinner className="tandem-screen" label={t('app.loading')} />}>
          <OnboardingScreen
            api={api}
            state={state.onboarding}
            inviteToken={route.name === 'invite' ? route.token : undefined}
            userName={state.account.name}
            onJoined={joined}
            onReload={load}
            onSignOut={signOut}
          />
        </Suspense>
      );
    case 'ready': {
      const canManageUsers = state.me.user.permissions.includes('manage_users');
      const current = tab === 'users' && !canManageUsers ? 'account' : tab;
      return (
        <div className="tandem-shell">
          <header className="tandem-header">
            <Title3 as="h1">{t('app.title')}</Title3>
          </header>
          <TabList
            className="tandem-tabs"
            selectedValue={current}
            onTabSelect={(_, data) => {
              setTab(String(data.value));
              if (route.name !== 'home') navigate({ name: 'home' });
            }}
          >
            <Tab value="account">{t('nav.account')}</Tab>
            <Tab value="contacts">{t('nav.contacts')}</Tab>
            <Tab value="events">{t('nav.events')}</Tab>
            {sync && <Tab value="integration">{t('nav.integration')}</Tab>}
            {canManageUsers && <Tab value="users">{t('nav.users')}</Tab>}
          </TabList>
          {current === 'account' && <AccountScreen me={state.me} display={display} onSignOut={signOut} />}
          {current === 'contacts' && (
            <Suspense fallback={<Spinner className="tandem-screen" label={t('app.loading')} />}>
              <ContactsWorkspace api={api} />
            </Suspense>
          )}
          {current === 'events' && (
            <Suspense fallback={<Spinner className="tandem-screen" label={t('app.loading')} />}>
              <EventsWorkspace
                api={api}
                canViewAll={state.me.user.permissions.includes('view_all_records')}
              />
            </Suspense>
          )}
          {current === 'integration' && sync && (
            <Suspense fallback={<Spinner className="tandem-screen" label={t('app.loading')} />}>
              <IntegrationScreen controller={sync} />
            </Suspense>
          )}
          {current === 'users' && (
            <Suspense fallback={<Spinner className="tandem-screen" label={t('app.loading')} />}>
              <UsersScreen
                api={api}
                directory={directory}
                me={state.me}
                approveRequestId={route.name === 'users' ? route.approve : undefined}
                onApproveClosed={() => navigate({ name: 'users' })}
              />
            </Suspense>
          )}
        </div>
      );
    }
  }
}
