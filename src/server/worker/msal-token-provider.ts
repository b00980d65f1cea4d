import {
  AuthError,
  ConfidentialClientApplication,
  LogLevel,
  type ICachePlugin,
  type INetworkModule,
  type TokenCacheContext,
} from '@azure/msal-node';
import type { SyncCredentialVault } from '../services/sync-credentials';
import { SignInRequiredError, type GraphTokenProvider, type SyncUser } from './token-provider';

/** The delegated Graph permissions the sync works with (Microsoft Graph's resource). */
export const GRAPH_SCOPES = ['Calendars.ReadWrite', 'Contacts.ReadWrite', 'User.ReadBasic.All'].map(
  (scope) => `https://graph.microsoft.com/${scope}`,
);

export interface MsalTokenProviderOptions {
  vault: SyncCredentialVault;
  /** The Entra app the server acts as, and its secret. */
  clientId: string;
  clientSecret: string;
  /** Token authority, `{tenantid}` replaced by the user's tenant (https only: MSAL refuses http). */
  authority: string;
  scopes?: string[];
  /** MSAL's HTTP client, when the default one will not do (a certificate of our own to trust). */
  networkClient?: INetworkModule;
  now?: () => number;
}

interface Stored {
  v: 1;
  refreshToken: string;
}

/** An access token is used while it has at least this long left. */
const EARLY_MS = 5 * 60_000;

/**
 * Server-held Graph access through MSAL (`@azure/msal-node`), the same code against Entra ID and the
 * sandbox: on-behalf-of from the user's Tandem API token with `offline_access` once, then the refresh
 * token grant. MSAL's token cache is the way the refresh token comes out of each answer: its cache
 * plugin seals the newest one into the vault (rotation included), and nothing else of the cache is
 * kept. Access tokens live in this process's memory only.
 */
export class MsalTokenProvider implements GraphTokenProvider {
  private readonly scopes: string[];
  private readonly now: () => number;
  private readonly access = new Map<string, { token: string; until: number }>();
  private readonly inFlight = new Map<string, Promise<string>>();

  constructor(private readonly options: MsalTokenProviderOptions) {
    this.scopes = options.scopes ?? GRAPH_SCOPES;
    this.now = options.now ?? Date.now;
  }

  async connect(user: SyncUser, apiToken: string): Promise<void> {
    const { client, saved } = this.client(user);
    const result = await client
      .acquireTokenOnBehalfOf({ oboAssertion: apiToken, scopes: [...this.scopes, 'offline_access'] })
      .catch((error: unknown) => {
        throw signInError(error);
      });
    if (!result) throw new SignInRequiredError('Microsoft gave the server no access for this user.');
    if (!saved())
      throw new SignInRequiredError(
        'Microsoft gave the server no refresh token: the app needs consent to offline access (offline_access).',
      );
    this.remember(user, result.accessToken, result.expiresOn);
  }

  holds(user: SyncUser): Promise<boolean> {
    return this.options.vault.has(user);
  }

  async graphToken(user: SyncUser): Promise<string> {
    const held = this.access.get(user.userId);
    if (held && held.until - EARLY_MS > this.now()) return held.token;
    // One refresh per user at a time: a rotated refresh token must not be spent twice.
    let pending = this.inFlight.get(user.userId);
    if (!pending) {
      pending = this.refresh(user).finally(() => this.inFlight.delete(user.userId));
      this.inFlight.set(user.userId, pending);
    }
    return pending;
  }

  async disconnect(user: SyncUser): Promise<void> {
    this.access.delete(user.userId);
    await this.options.vault.remove(user);
  }

  private async refresh(user: SyncUser): Promise<string> {
    const stored = parseStored(await this.options.vault.load(user));
    if (!stored) throw new SignInRequiredError('The server holds no Microsoft sign-in for this user.');
    const result = await this.client(user)
      .client.acquireTokenByRefreshToken({
        refreshToken: stored.refreshToken,
        scopes: this.scopes,
        forceCache: true,
      })
      .catch((error: unknown) => {
        throw signInError(error);
      });
    if (!result) throw new SignInRequiredError('Microsoft gave the server no access for this user.');
    this.remember(user, result.accessToken, result.expiresOn);
    return result.accessToken;
  }

  private remember(user: SyncUser, token: string, expiresOn: Date | null): void {
    this.access.set(user.userId, { token, until: expiresOn?.getTime() ?? this.now() + 10 * 60_000 });
  }

  /** A client per call: its cache starts empty and holds this user's answer alone. */
  private client(user: SyncUser): { client: ConfidentialClientApplication; saved: () => boolean } {
    const authority = this.options.authority.replace('{tenantid}', encodeURIComponent(user.tenantId));
    const host = new URL(authority).host;
    const vault = this.options.vault;
    let saved = false;
    const cachePlugin: ICachePlugin = {
      beforeCacheAccess: async () => {},
      afterCacheAccess: async (context: TokenCacheContext) => {
        if (!context.cacheHasChanged) return;
        const refreshToken = newestRefreshToken(context.tokenCache.serialize());
        if (!refreshToken) return;
        await vault.save(user, JSON.stringify({ v: 1, refreshToken } satisfies Stored));
        saved = true;
      },
    };
    const client = new ConfidentialClientApplication({
      auth: {
        clientId: this.options.clientId,
        clientSecret: this.options.clientSecret,
        authority,
        // Entra ID's own host is known to MSAL; any other (the sandbox, a national cloud) is named.
        ...(host === 'login.microsoftonline.com' ? {} : { knownAuthorities: [host] }),
      },
      cache: { cachePlugin },
      system: {
        ...(this.options.networkClient ? { networkClient: this.options.networkClient } : {}),
        // Tokens never reach a log.
        loggerOptions: { piiLoggingEnabled: false, logLevel: LogLevel.Error, loggerCallback: () => {} },
      },
    });
    return { client, saved: () => saved };
  }
}

function parseStored(text: string | undefined): Stored | undefined {
  if (!text) return undefined;
  try {
    const value = JSON.parse(text) as Partial<Stored>;
    return value.v === 1 && typeof value.refreshToken === 'string' ? (value as Stored) : undefined;
  } catch {
    return undefined;
  }
}

/** The refresh token of a serialized MSAL cache (the client's cache holds one answer's). */
function newestRefreshToken(serialized: string): string | undefined {
  const cache = JSON.parse(serialized) as { RefreshToken?: Record<string, { secret?: string }> };
  const secrets = Object.values(cache.RefreshToken ?? {})
    .map((entry) => entry.secret)
    .filter((secret): secret is string => Boolean(secret));
  return secrets.at(-1);
}

/**
 * What the identity provider's refusal means for the user, in plain words; errors that may pass
 * (the network, a 5xx) are given back unchanged, to be retried.
 */
export function signInError(error: unknown): unknown {
  if (!(error instanceof AuthError)) return error;
  const text = `${error.errorCode} ${error.subError ?? ''} ${error.errorMessage}`;
  const reconnect = ' Open Tandem once to reconnect.';
  if (/AADSTS700082/.test(text))
    return new SignInRequiredError(`The Microsoft sign-in the server holds has expired.${reconnect}`);
  if (/AADSTS50173/.test(text))
    return new SignInRequiredError(
      `The Microsoft sign-in the server holds was revoked (the password changed).${reconnect}`,
    );
  if (/AADSTS65001|consent_required/.test(text))
    return new SignInRequiredError(`Consent to Tandem's access to Outlook was withdrawn.${reconnect}`);
  if (/AADSTS50057|user_disabled|AADSTS50053/.test(text))
    return new SignInRequiredError(
      'The Microsoft account is disabled or locked; an administrator must restore it.',
    );
  if (/invalid_grant|interaction_required|login_required|bad_token/.test(text))
    return new SignInRequiredError(`Microsoft no longer accepts the sign-in the server holds.${reconnect}`);
  if (/invalid_client|unauthorized_client/.test(text))
    return new Error(
      'Microsoft refused Tandem’s client credentials (TANDEM_CLIENT_ID, TANDEM_CLIENT_SECRET).',
    );
  return error;
}
