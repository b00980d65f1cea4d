import {
  createNestablePublicClientApplication,
  createStandardPublicClientApplication,
  InteractionRequiredAuthError,
  type AccountInfo,
  type IPublicClientApplication,
} from '@azure/msal-browser';
import {
  SignInRequiredError,
  type AccountManager,
  type SignedInAccount,
  type TokenAudience,
} from './account-manager';

export interface MsalSettings {
  clientId: string;
  /** e.g. https://login.microsoftonline.com/common (another host for national clouds). */
  authority: string;
  /** The companion API's scope, e.g. api://tandem.example.com/<client id>/access_as_user. */
  apiScope: string;
  /** Same-origin page that relays popup and silent responses (msal-browser's redirect bridge). */
  redirectUri: string;
  /** Nested App Authentication inside Outlook; the standard client in a browser tab. */
  nested: boolean;
}

const GRAPH_SCOPES = ['Calendars.ReadWrite', 'Contacts.ReadWrite', 'User.ReadBasic.All', 'Mail.Send'];

/** Entra ID sign-in: silent first, then a popup. One MSAL instance, created on first use. */
export class MsalAccountManager implements AccountManager {
  private client: Promise<IPublicClientApplication> | undefined;

  constructor(private readonly settings: MsalSettings) {}

  async current(): Promise<SignedInAccount | null> {
    const account = await this.account();
    return account ? toSignedIn(account) : null;
  }

  async signIn(): Promise<SignedInAccount> {
    const pca = await this.pca();
    const result = await pca.loginPopup({
      scopes: [this.settings.apiScope],
      redirectUri: this.settings.redirectUri,
    });
    pca.setActiveAccount(result.account);
    return toSignedIn(result.account);
  }

  async signOut(): Promise<void> {
    const pca = await this.pca();
    const account = pca.getActiveAccount();
    if (account) await pca.clearCache({ account });
  }

  async getToken(audience: TokenAudience): Promise<string> {
    const pca = await this.pca();
    const account = await this.account();
    const scopes = audience === 'crm' ? [this.settings.apiScope] : GRAPH_SCOPES;
    try {
      const result = await pca.acquireTokenSilent({ scopes, ...(account ? { account } : {}) });
      return result.accessToken;
    } catch (error) {
      if (!(error instanceof InteractionRequiredAuthError) && account) throw error;
      try {
        const result = await pca.acquireTokenPopup({ scopes, redirectUri: this.settings.redirectUri });
        pca.setActiveAccount(result.account);
        return result.accessToken;
      } catch {
        throw new SignInRequiredError();
      }
    }
  }

  private async account(): Promise<AccountInfo | null> {
    const pca = await this.pca();
    return pca.getActiveAccount() ?? pca.getAllAccounts()[0] ?? null;
  }

  private pca(): Promise<IPublicClientApplication> {
    const configuration = {
      auth: {
        clientId: this.settings.clientId,
        authority: this.settings.authority,
        redirectUri: this.settings.redirectUri,
      },
      cache: { cacheLocation: 'localStorage' as const },
    };
    this.client ??= this.settings.nested
      ? createNestablePublicClientApplication(configuration)
      : createStandardPublicClientApplication(configuration);
    return this.client;
  }
}

function toSignedIn(account: AccountInfo): SignedInAccount {
  return { username: account.username, name: account.name ?? account.username };
}
