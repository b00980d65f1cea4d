import type { ClientConfig } from '../domain/client-config';
import type { AccountManager } from './account-manager';
import { MsalAccountManager } from './msal-account-manager';
import { SandboxAccountManager } from './sandbox-account-manager';

/** The account manager the server's `/config.json` asks for: the sandbox's, or MSAL (nested inside Outlook). */
export function accountsForConfig(config: ClientConfig, origin: string, inOutlook: boolean): AccountManager {
  return config.auth.mode === 'sandbox'
    ? new SandboxAccountManager(origin)
    : new MsalAccountManager({
        clientId: config.auth.clientId,
        authority: config.auth.authority,
        apiScope: config.auth.apiScope,
        redirectUri: `${origin}/redirect.html`,
        nested: inOutlook,
      });
}
