import {
  createNestablePublicClientApplication,
  createStandardPublicClientApplication,
  InteractionRequiredAuthError,
  type AccountInfo,
  type Configuration,
  type IPublicClientApplication,
} from '@azure/msal-browser';
import type { DialogToken } from './office-dialog';
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
  /**
   * Inside Office: sign-in through an Office dialog, for hosts where neither nested app
   * authentication nor a popup works.
   */
  dialog?: (scopes: readonly string[]) => Promise<DialogToken>;
  /** Creates the MSAL client (tests hand in a fake). */
  createClient?: (configuration: Configuration, nested: boolean) => Promise<IPublicClientApplication>;
}

const REFRESH_MARGIN_MS = 60_000;

const GRAPH_SCOPES = ['Calendars.ReadWrite', 'Contacts.ReadWrite', 'User.ReadBasic.All', 'Mail.Send'];

/**
 * Entra ID sign-in: silent first, then a popup, then (inside Office) the Office dialog. One MSAL
 * instance, created on first use.
 */
export class MsalAccountManager implements AccountManager {
  private client: Promise<IPublicClientApplication> | undefined;
  /** Tokens the Office dialog brought, per audience, and who signed in there. */
  private readonly dialogTokens = new Map<TokenAudience, DialogToken>();
  private dialogAccount: SignedInAccount | null = null;

  constructor(private readonly settings: MsalSettings) {}

  async current(): Promise<SignedInAccount | null> {
    const account = await this.account();
    return account ? toSignedIn(account) : this.dialogAccount;
  }

  async signIn(): Promise<SignedInAccount> {
    const pca = await this.pca();
    try {
      const result = await pca.loginPopup({
        scopes: [this.settings.apiScope],
        redirectUri: this.settings.redirectUri,
      });
      pca.setActiveAccount(result.account);
      return toSignedIn(result.account);
    } catch (error) {
      if (!this.canUseDialog(error)) throw error;
      await this.viaDialog('crm');
      return this.dialogAccount as SignedInAccount;
    }
  }

  async signOut(): Promise<void> {
    this.dialogTokens.clear();
    this.dialogAccount = null;
    const pca = await this.pca();
    const account = pca.getActiveAccount();
    if (account) await pca.clearCache({ account });
  }

  async getToken(audience: TokenAudience): Promise<string> {
    const fromDialog = this.dialogTokens.get(audience);
    if (fromDialog && fromDialog.expiresOn - REFRESH_MARGIN_MS > Date.now()) return fromDialog.accessToken;
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
      } catch (popupError) {
        if (!this.canUseDialog(popupError)) throw new SignInRequiredError();
        return (await this.viaDialog(audience)).accessToken;
      }
    }
  }

  /** The dialog is the fallback for a popup the host cannot show, not for a user who cancelled. */
  private canUseDialog(error: unknown): boolean {
    const code = (error as { errorCode?: string } | null)?.errorCode;
    return Boolean(this.settings.dialog) && code !== 'user_cancelled';
  }

  private async viaDialog(audience: TokenAudience): Promise<DialogToken> {
    const dialog = this.settings.dialog as NonNullable<MsalSettings['dialog']>;
    const token = await dialog(audience === 'crm' ? [this.settings.apiScope] : GRAPH_SCOPES);
    this.dialogTokens.set(audience, token);
    this.dialogAccount = { username: token.username, name: token.name };
    return token;
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
    const create =
      this.settings.createClient ??
      ((config: Configuration, nested: boolean) =>
        nested
          ? createNestablePublicClientApplication(config)
          : createStandardPublicClientApplication(config));
    this.client ??= create(configuration, this.settings.nested);
    return this.client;
  }
}

function toSignedIn(account: AccountInfo): SignedInAccount {
  return { username: account.username, name: account.name ?? account.username };
}
