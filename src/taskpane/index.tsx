import { createRoot } from 'react-dom/client';
import type { AccountManager } from '../auth/account-manager';
import { accountsForConfig } from '../auth/accounts-for-config';
import { ApiClient } from './api-client';
import { App } from './app';
import { GraphDirectory } from './directory';
import type { ClientConfig } from '../domain/client-config';
import { detectHost } from './host';
import { lazySyncController } from './lazy-sync-controller';

async function start(): Promise<void> {
  const origin = window.location.origin;
  const [host, config] = await Promise.all([
    detectHost(),
    fetch(`${origin}/config.json`).then((r) => r.json() as Promise<ClientConfig>),
  ]);
  const accounts: AccountManager = accountsForConfig(config, origin, host.kind === 'outlook');
  const loadDemoUsers = async () => {
    const res = await fetch(`${origin}/sandbox/admin/users?tenant=contoso.example`);
    const body = (await res.json()) as { value: { userPrincipalName: string; displayName: string }[] };
    return body.value;
  };
  const root = document.getElementById('root');
  if (!root) throw new Error('The page has no #root element.');
  createRoot(root).render(
    <App
      host={host}
      accounts={accounts}
      api={new ApiClient(origin, accounts)}
      directory={new GraphDirectory(config.graphBaseUrl, () => accounts.getToken('graph'))}
      sandbox={config.auth.mode === 'sandbox'}
      loadDemoUsers={loadDemoUsers}
      sync={lazySyncController({ origin, graphBaseUrl: config.graphBaseUrl, accounts })}
    />,
  );
}

void start();
