import type { ClientConfig } from '../domain/client-config';
import type { AccountManager } from './account-manager';
import { MsalAccountManager } from './msal-account-manager';
import { signInWithOfficeDialog, type DialogOffice } from './office-dialog';
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
        // Inside Office, an Office dialog stands in when the host can show neither NAA nor a popup.
        dialog: inOutlook
          ? (scopes) =>
              signInWithOfficeDialog(
                (globalThis as unknown as { Office: DialogOffice }).Office,
                `${origin}/dialog.html`,
                scopes,
              )
          : undefined,
      });
}
