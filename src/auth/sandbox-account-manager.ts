import {
  SignInRequiredError,
  type AccountManager,
  type SignedInAccount,
  type TokenAudience,
} from './account-manager';

interface CachedToken {
  token: string;
  expiresAt: number;
}

const STORAGE_KEY = 'tandem.sandbox.account';
const REFRESH_MARGIN_MS = 60_000;

/**
 * Sign-in against the Graph sandbox's identity provider: the user picks a demo user and tokens come
 * from `POST /sandbox/token`. Used only when the configured authority is the sandbox.
 */
export class SandboxAccountManager implements AccountManager {
  private account: SignedInAccount | null = null;
  private readonly tokens = new Map<TokenAudience, CachedToken>();
  private readonly pending = new Map<TokenAudience, Promise<string>>();

  constructor(
    private readonly origin: string,
    private readonly storage: Pick<
      Storage,
      'getItem' | 'setItem' | 'removeItem'
    > | null = globalThis.localStorage ?? null,
    private readonly fetchImpl: typeof fetch = (...args) => globalThis.fetch(...args),
  ) {}

  async current(): Promise<SignedInAccount | null> {
    if (this.account) return this.account;
    const saved = this.storage?.getItem(STORAGE_KEY);
    if (!saved) return null;
    try {
      this.account = JSON.parse(saved) as SignedInAccount;
      return this.account;
    } catch {
      return null;
    }
  }

  async signIn(username?: string): Promise<SignedInAccount> {
    if (!username) throw new SignInRequiredError();
    this.tokens.clear();
    this.account = { username, name: username };
    await this.getToken('crm');
    this.storage?.setItem(STORAGE_KEY, JSON.stringify(this.account));
    return this.account;
  }

  async signOut(): Promise<void> {
    this.account = null;
    this.tokens.clear();
    this.storage?.removeItem(STORAGE_KEY);
  }

  async getToken(audience: TokenAudience): Promise<string> {
    const account = await this.current();
    if (!account) throw new SignInRequiredError();
    const cached = this.tokens.get(audience);
    if (cached && cached.expiresAt - REFRESH_MARGIN_MS > Date.now()) return cached.token;
    // One request in flight per audience, shared by every caller.
    let pending = this.pending.get(audience);
    if (!pending) {
      pending = this.fetchToken(account.username, audience).finally(() => this.pending.delete(audience));
      this.pending.set(audience, pending);
    }
    return pending;
  }

  private async fetchToken(username: string, audience: TokenAudience): Promise<string> {
    const res = await this.fetchImpl(`${this.origin}/sandbox/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: username, audience }),
    });
    if (!res.ok) {
      await this.signOut();
      throw new Error(
        res.status === 400
          ? `${username} is not a user of the demo tenant.`
          : `Sign-in failed (${res.status}).`,
      );
    }
    const body = (await res.json()) as { access_token: string; expires_in?: number };
    this.tokens.set(audience, {
      token: body.access_token,
      expiresAt: Date.now() + (body.expires_in ?? 3600) * 1000,
    });
    return body.access_token;
  }
}
