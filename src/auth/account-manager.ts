/** What the add-in needs tokens for: the companion CRM API, or Microsoft Graph. */
export type TokenAudience = 'crm' | 'graph';

export interface SignedInAccount {
  username: string;
  name: string;
}

/**
 * One account manager for the add-in and the web app. Components never talk to MSAL or the sandbox
 * directly; they get tokens from here. Tokens are never logged.
 */
export interface AccountManager {
  /** The account signed in, if any (without prompting). */
  current(): Promise<SignedInAccount | null>;
  /** Signs in, prompting if needed. `username` picks a sandbox demo user. */
  signIn(username?: string): Promise<SignedInAccount>;
  signOut(): Promise<void>;
  getToken(audience: TokenAudience): Promise<string>;
}

export class SignInRequiredError extends Error {
  constructor() {
    super('Sign in to continue.');
    this.name = 'SignInRequiredError';
  }
}
