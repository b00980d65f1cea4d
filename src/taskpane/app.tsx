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
import { useCallback, useEffect, useState } from 'react';
import type { AccountManager, SignedInAccount } from '../auth/account-manager';
import { ApiError, type ApiClient } from './api-client';
import type { HostInfo } from './host';
import { I18nProvider, localeFor, useT } from './i18n';
import type { Me } from './me';
import { AccountScreen } from './screens/account-screen';
import { SignInScreen } from './screens/sign-in-screen';

export interface AppProps {
  host: HostInfo;
  accounts: AccountManager;
  api: ApiClient;
  sandbox: boolean;
  loadDemoUsers: () => Promise<{ userPrincipalName: string; displayName: string }[]>;
}

/** The add-in and the web app: the same React tree, themed and translated after its host. */
export function App(props: AppProps) {
  return (
    <FluentProvider
      theme={props.host.theme === 'dark' ? webDarkTheme : webLightTheme}
      className="tandem-root"
    >
      <I18nProvider locale={localeFor(props.host.language)}>
        <Shell {...props} />
      </I18nProvider>
    </FluentProvider>
  );
}

type State =
  | { phase: 'loading' }
  | { phase: 'signed-out' }
  | { phase: 'not-member'; account: SignedInAccount }
  | { phase: 'error'; message: string }
  | { phase: 'ready'; account: SignedInAccount; me: Me };

function Shell({ accounts, api, sandbox, loadDemoUsers }: AppProps) {
  const t = useT();
  const [state, setState] = useState<State>({ phase: 'loading' });
  const [tab, setTab] = useState('account');

  const load = useCallback(async () => {
    setState({ phase: 'loading' });
    const account = await accounts.current();
    if (!account) return setState({ phase: 'signed-out' });
    try {
      setState({ phase: 'ready', account, me: await api.get<Me>('/api/me') });
    } catch (error) {
      if (error instanceof ApiError && error.status === 403)
        return setState({ phase: 'not-member', account });
      if (error instanceof ApiError && error.status === 401) return setState({ phase: 'signed-out' });
      setState({ phase: 'error', message: error instanceof Error ? error.message : String(error) });
    }
  }, [accounts, api]);

  useEffect(() => {
    void load();
  }, [load]);

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
            <MessageBarBody>{t('error.generic', { message: state.message })}</MessageBarBody>
          </MessageBar>
          <Button onClick={load}>{t('retry')}</Button>
        </main>
      );
    case 'not-member':
      return (
        <main className="tandem-screen">
          <MessageBar intent="info">
            <MessageBarBody>{t('error.notMember')}</MessageBarBody>
          </MessageBar>
          <Button onClick={signOut}>{t('account.signOut')}</Button>
        </main>
      );
    case 'ready':
      return (
        <div className="tandem-shell">
          <header className="tandem-header">
            <Title3 as="h1">{t('app.title')}</Title3>
          </header>
          <TabList selectedValue={tab} onTabSelect={(_, data) => setTab(String(data.value))}>
            <Tab value="account">{t('nav.account')}</Tab>
          </TabList>
          {tab === 'account' && <AccountScreen me={state.me} onSignOut={signOut} />}
        </div>
      );
  }
}
