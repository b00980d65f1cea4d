import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { GRAPH_SCOPES, type GraphSandbox } from './graph-sandbox';
import type { UserRecord } from './sandbox-state';
import { TokenError, type TokenClaims } from './token-issuer';

/**
 * Entra ID's v2.0 token endpoint as a confidential client meets it: the on-behalf-of grant
 * (`urn:ietf:params:oauth:grant-type:jwt-bearer`) and the `refresh_token` grant, with the errors a
 * real tenant answers when a grant can no longer be honoured.
 */

export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const GRAPH_RESOURCE = 'https://graph.microsoft.com';
const OIDC_SCOPES = new Set(['openid', 'profile', 'email', 'offline_access']);

/** A refresh token the sandbox issued, kept by the SHA-256 of its value (never the value itself). */
export interface RefreshTokenRecord {
  userId: string;
  tenantId: string;
  clientId: string;
  /** Delegated Graph scopes the grant covers, space-separated. */
  scopes: string;
  issuedAt: number;
  expiresAt: number;
  /** Set when the grant was revoked (AADSTS50173) or aged out early (AADSTS700082). */
  ended?: 'revoked' | 'expired';
}

/** Per-user directory switches that decide whether a grant is honoured. */
export interface IdentityUserFlags {
  /** false: the account is disabled (AADSTS50057). */
  accountEnabled?: boolean;
  /** false: the user's consent to the app was withdrawn (AADSTS65001). */
  consentGranted?: boolean;
}

/** The identity part of the sandbox's persistent state. */
export interface IdentityStateRecord {
  refreshTokens: Record<string, RefreshTokenRecord>;
  users: Record<string, IdentityUserFlags>;
}

export interface IdentitySettings {
  accessTokenLifetimeSeconds: number;
  refreshTokenLifetimeSeconds: number;
  /** Whether a refresh token stops working once it has been exchanged (Entra keeps it valid). */
  invalidateRotatedRefreshTokens: boolean;
}

export interface ConfidentialClient {
  clientId: string;
  clientSecret: string;
}

export const DEFAULT_IDENTITY_SETTINGS: IdentitySettings = {
  accessTokenLifetimeSeconds: 3600,
  refreshTokenLifetimeSeconds: 90 * 24 * 3600,
  invalidateRotatedRefreshTokens: false,
};

export interface TokenEndpointAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** An OAuth error in Entra's shape: `error`, `error_description` starting with the AADSTS code, `error_codes`... */
export class EntraError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly code: number,
    readonly description: string,
    readonly suberror?: string,
  ) {
    super(description);
  }

  body(now: number): Record<string, unknown> {
    const traceId = randomUUID();
    const correlationId = randomUUID();
    const timestamp = new Date(now)
      .toISOString()
      .replace('T', ' ')
      .replace(/\.\d{3}Z$/, 'Z');
    return {
      error: this.error,
      error_description: `AADSTS${this.code}: ${this.description}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
      error_codes: [this.code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${this.code}`,
      ...(this.suberror ? { suberror: this.suberror } : {}),
    };
  }
}

function hashOf(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The token endpoint's behaviour over the sandbox's directory; its records live in the sandbox state. */
export class EntraTokenEndpoint {
  settings: IdentitySettings;

  constructor(
    private readonly sandbox: GraphSandbox,
    readonly client: ConfidentialClient,
    settings: Partial<IdentitySettings> = {},
  ) {
    this.settings = { ...DEFAULT_IDENTITY_SETTINGS, ...settings };
  }

  private get state(): IdentityStateRecord {
    this.sandbox.state.identity ??= { refreshTokens: {}, users: {} };
    return this.sandbox.state.identity;
  }

  configure(settings: Partial<IdentitySettings>): IdentitySettings {
    this.settings = { ...this.settings, ...settings };
    return { ...this.settings };
  }

  userFlags(user: UserRecord): Required<IdentityUserFlags> {
    const flags = this.state.users[user.id] ?? {};
    return { accountEnabled: flags.accountEnabled ?? true, consentGranted: flags.consentGranted ?? true };
  }

  setUserFlags(user: UserRecord, flags: IdentityUserFlags): Required<IdentityUserFlags> {
    this.state.users[user.id] = { ...this.state.users[user.id], ...flags };
    return this.userFlags(user);
  }

  /** Ends every live refresh token of a user, as a revocation or an early expiry; returns how many. */
  endRefreshTokens(user: UserRecord, how: 'revoked' | 'expired'): number {
    let ended = 0;
    for (const record of Object.values(this.state.refreshTokens)) {
      if (record.userId === user.id && !record.ended) {
        record.ended = how;
        ended++;
      }
    }
    return ended;
  }

  /** Live refresh tokens of a user (for the admin tool; the values themselves are never kept). */
  liveRefreshTokens(user: UserRecord): number {
    const now = this.sandbox.now();
    return Object.values(this.state.refreshTokens).filter(
      (r) => r.userId === user.id && !r.ended && r.expiresAt > now,
    ).length;
  }

  /** Answers one form-encoded request to `/{tenant}/oauth2/v2.0/token`. */
  handle(tenantKey: string, form: URLSearchParams, authorization: string | undefined, origin: string) {
    try {
      return { status: 200, body: this.grant(tenantKey, form, authorization, origin) };
    } catch (error) {
      if (error instanceof EntraError) return { status: error.status, body: error.body(this.sandbox.now()) };
      throw error;
    }
  }

  private grant(
    tenantKey: string,
    form: URLSearchParams,
    authorization: string | undefined,
    origin: string,
  ): Record<string, unknown> {
    const anyTenant = ['common', 'organizations'].includes(tenantKey.toLowerCase());
    const tenant = anyTenant ? undefined : this.sandbox.findTenant(tenantKey);
    if (!anyTenant && !tenant) {
      throw new EntraError(400, 'invalid_request', 90002, `Tenant '${tenantKey}' not found.`);
    }
    this.authenticateClient(form, authorization);
    const grantType = required(form, 'grant_type');
    if (grantType === JWT_BEARER_GRANT) return this.onBehalfOf(form, tenant?.id, origin);
    if (grantType === 'refresh_token') return this.refresh(form, tenant?.id, origin);
    throw new EntraError(
      400,
      'unsupported_grant_type',
      70003,
      `The app requested an unsupported grant type '${grantType}'.`,
    );
  }

  private authenticateClient(form: URLSearchParams, authorization: string | undefined): void {
    let clientId = form.get('client_id');
    let secret = form.get('client_secret');
    const basic = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
    if (basic) {
      const [id, ...rest] = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':');
      clientId = decodeURIComponent(id ?? '');
      secret = decodeURIComponent(rest.join(':'));
    }
    if (!clientId) {
      throw new EntraError(
        400,
        'invalid_request',
        900144,
        "The request body must contain the following parameter: 'client_id'.",
      );
    }
    if (clientId !== this.client.clientId) {
      throw new EntraError(
        400,
        'unauthorized_client',
        700016,
        `Application with identifier '${clientId}' was not found in the directory.`,
      );
    }
    if (form.has('client_assertion')) {
      throw new EntraError(401, 'invalid_client', 700027, 'Client assertion failed signature validation.');
    }
    if (!secret) {
      throw new EntraError(
        401,
        'invalid_client',
        7000218,
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
      );
    }
    if (!sameSecret(secret, this.client.clientSecret)) {
      throw new EntraError(
        401,
        'invalid_client',
        7000215,
        'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.',
      );
    }
  }

  private onBehalfOf(form: URLSearchParams, tenantId: string | undefined, origin: string) {
    const assertion = required(form, 'assertion');
    const use = form.get('requested_token_use');
    if (use !== 'on_behalf_of') {
      throw new EntraError(
        400,
        'invalid_request',
        900144,
        "The request body must contain the following parameter: 'requested_token_use'.",
      );
    }
    const claims = this.verifyAssertion(assertion);
    const user = this.sandbox.state.users[claims.oid];
    if (!user || user.tenantId !== claims.tid) {
      throw new EntraError(400, 'invalid_grant', 50034, 'The user account does not exist in this directory.');
    }
    if (tenantId && tenantId !== user.tenantId) {
      throw new EntraError(
        400,
        'invalid_grant',
        50020,
        `User account '${user.userPrincipalName}' from identity provider does not exist in tenant '${tenantId}'.`,
      );
    }
    this.assertUsable(user);
    const scopes = this.graphScopes(required(form, 'scope'));
    return this.answer(user, scopes, form, origin);
  }

  private verifyAssertion(assertion: string): TokenClaims {
    const audiences = [this.sandbox.crmAudience, this.client.clientId, `api://${this.client.clientId}`];
    let lastError: TokenError | undefined;
    for (const audience of audiences) {
      try {
        return this.sandbox.issuer.verify(assertion, audience, this.sandbox.now());
      } catch (error) {
        if (!(error instanceof TokenError)) throw error;
        lastError = error;
        if (!/audience/i.test(error.message)) break;
      }
    }
    const message = lastError?.message ?? '';
    if (/audience/i.test(message)) {
      throw new EntraError(
        400,
        'invalid_grant',
        50013,
        'Assertion audience does not match the Client app presenting the assertion.',
      );
    }
    if (/lifetime|expired/i.test(message)) {
      throw new EntraError(400, 'invalid_grant', 500133, 'Assertion is not within its valid time range.');
    }
    throw new EntraError(400, 'invalid_grant', 50013, 'Assertion failed signature validation.');
  }

  private refresh(form: URLSearchParams, tenantId: string | undefined, origin: string) {
    const token = required(form, 'refresh_token');
    const key = hashOf(token);
    const record = this.state.refreshTokens[key];
    if (!record || record.clientId !== this.client.clientId) {
      throw new EntraError(
        400,
        'invalid_grant',
        9002313,
        'Invalid request. Request is malformed or invalid.',
      );
    }
    const user = this.sandbox.state.users[record.userId];
    if (!user) {
      throw new EntraError(400, 'invalid_grant', 50034, 'The user account does not exist in this directory.');
    }
    if (tenantId && tenantId !== record.tenantId) {
      throw new EntraError(
        400,
        'invalid_grant',
        50020,
        `User account '${user.userPrincipalName}' from identity provider does not exist in tenant '${tenantId}'.`,
      );
    }
    if (record.ended === 'revoked') {
      throw new EntraError(
        400,
        'invalid_grant',
        50173,
        'The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.',
      );
    }
    if (record.ended === 'expired' || record.expiresAt <= this.sandbox.now()) {
      throw new EntraError(
        400,
        'invalid_grant',
        700082,
        'The refresh token has expired due to inactivity. The token was issued on ' +
          `${new Date(record.issuedAt).toISOString()} and was inactive for ` +
          `${Math.round(this.settings.refreshTokenLifetimeSeconds / 86400)}.00:00:00.`,
      );
    }
    this.assertUsable(user);
    const requested = form.get('scope');
    const scopes = requested ? this.graphScopes(requested) : record.scopes.split(' ');
    if (this.settings.invalidateRotatedRefreshTokens) record.ended = 'revoked';
    return this.answer(user, scopes, form, origin);
  }

  private assertUsable(user: UserRecord): void {
    const flags = this.userFlags(user);
    if (!flags.accountEnabled) {
      throw new EntraError(400, 'invalid_grant', 50057, 'The user account is disabled.');
    }
    if (!flags.consentGranted) {
      throw new EntraError(
        400,
        'invalid_grant',
        65001,
        `The user or administrator has not consented to use the application with ID '${this.client.clientId}' named 'Tandem'. Send an interactive authorization request for this user and resource.`,
        'consent_required',
      );
    }
  }

  /** The Graph scopes asked for (`https://graph.microsoft.com/X` or `.default`), refused unless consented. */
  private graphScopes(scope: string): string[] {
    const consented = GRAPH_SCOPES.split(' ');
    const wanted: string[] = [];
    for (const raw of scope.split(/\s+/).filter(Boolean)) {
      if (OIDC_SCOPES.has(raw.toLowerCase())) continue;
      const bare = raw.toLowerCase().startsWith(`${GRAPH_RESOURCE}/`)
        ? raw.slice(GRAPH_RESOURCE.length + 1)
        : raw;
      if (raw.includes('://') && !raw.toLowerCase().startsWith(`${GRAPH_RESOURCE}/`)) {
        throw new EntraError(
          400,
          'invalid_scope',
          70011,
          `The provided value for the input parameter 'scope' is not valid. The scope ${raw} is not valid.`,
        );
      }
      if (bare === '.default') {
        wanted.push(...consented);
        continue;
      }
      const match = consented.find((s) => s.toLowerCase() === bare.toLowerCase());
      if (!match) {
        throw new EntraError(
          400,
          'invalid_grant',
          65001,
          `The user or administrator has not consented to use the application with ID '${this.client.clientId}' named 'Tandem'. Send an interactive authorization request for this user and resource.`,
          'consent_required',
        );
      }
      wanted.push(match);
    }
    if (wanted.length === 0) {
      throw new EntraError(
        400,
        'invalid_scope',
        70011,
        "The provided value for the input parameter 'scope' is not valid. It must name at least one Microsoft Graph permission.",
      );
    }
    return [...new Set(wanted)];
  }

  private answer(user: UserRecord, scopes: string[], form: URLSearchParams, origin: string) {
    const asked = new Set(
      form
        .get('scope')
        ?.split(/\s+/)
        .map((s) => s.toLowerCase()) ?? [],
    );
    const now = this.sandbox.now();
    const lifetime = this.settings.accessTokenLifetimeSeconds;
    const body: Record<string, unknown> = {
      token_type: 'Bearer',
      scope: scopes.map((s) => `${GRAPH_RESOURCE}/${s}`).join(' '),
      expires_in: lifetime,
      ext_expires_in: lifetime,
      access_token: this.sandbox.issueToken(user.userPrincipalName, 'graph', {
        scp: scopes.join(' '),
        expiresInSeconds: lifetime,
        origin,
      }),
    };
    if (asked.has('offline_access') || form.get('grant_type') === 'refresh_token') {
      const token = `1.A${randomBytes(96).toString('base64url')}`;
      this.state.refreshTokens[hashOf(token)] = {
        userId: user.id,
        tenantId: user.tenantId,
        clientId: this.client.clientId,
        scopes: scopes.join(' '),
        issuedAt: now,
        expiresAt: now + this.settings.refreshTokenLifetimeSeconds * 1000,
      };
      body.refresh_token = token;
    }
    if (asked.has('openid')) body.id_token = this.idToken(user, origin);
    if (form.get('client_info') === '1') {
      body.client_info = Buffer.from(JSON.stringify({ uid: user.id, utid: user.tenantId })).toString(
        'base64url',
      );
    }
    return body;
  }

  private idToken(user: UserRecord, origin: string): string {
    const iat = Math.floor(this.sandbox.now() / 1000);
    return this.sandbox.issuer.signPayload({
      aud: this.client.clientId,
      iss: `${origin}/sandbox/${user.tenantId}/v2.0`,
      iat,
      nbf: iat,
      exp: iat + 3600,
      name: user.displayName,
      oid: user.id,
      preferred_username: user.userPrincipalName,
      sub: user.id.replace(/-/g, '').slice(0, 22),
      tid: user.tenantId,
      ver: '2.0',
    });
  }
}

function required(form: URLSearchParams, name: string): string {
  const value = form.get(name);
  if (!value) {
    throw new EntraError(
      400,
      'invalid_request',
      900144,
      `The request body must contain the following parameter: '${name}'.`,
    );
  }
  return value;
}
