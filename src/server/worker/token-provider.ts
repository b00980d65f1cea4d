/**
 * Where the worker gets a user's delegated Microsoft Graph token while the user is away. The server
 * obtains its own access once, from the user's Tandem API token (on-behalf-of, with offline access),
 * keeps the refresh token sealed, and refreshes from it afterwards.
 */

/** A Tandem user as Microsoft knows them: identity is tenant id + object id. */
export interface SyncUser {
  orgId: string;
  userId: string;
  tenantId: string;
  objectId: string;
}

/** The server can no longer get a token for the user; only the user signing in again mends it. */
export class SignInRequiredError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SignInRequiredError';
  }
}

export interface GraphTokenProvider {
  /**
   * Takes the server's own delegated access from the user's token for the Tandem API (on-behalf-of)
   * and keeps it. Throws `SignInRequiredError` when the identity provider refuses (no consent to
   * offline access, a disabled user).
   */
  connect(user: SyncUser, apiToken: string): Promise<void>;
  /** Whether the server holds credentials for the user. */
  holds(user: SyncUser): Promise<boolean>;
  /**
   * A current Graph access token (refreshed when needed). Throws `SignInRequiredError` when the
   * stored access no longer works (expired, revoked, consent withdrawn, none held); other errors are
   * temporary.
   */
  graphToken(user: SyncUser): Promise<string>;
  /** Forgets the user's credentials. */
  disconnect(user: SyncUser): Promise<void>;
}
