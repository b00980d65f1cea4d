import { randomBytes } from 'node:crypto';
import type { INetworkModule, NetworkResponse } from '@azure/msal-node';
import type { Store } from '../../src/server/db/store';
import { SyncCredentialVault } from '../../src/server/services/sync-credentials';
import { MsalTokenProvider } from '../../src/server/worker/msal-token-provider';
import { SignInRequiredError, type SyncUser } from '../../src/server/worker/token-provider';
import { createTestIssuer } from '../support/auth';
import { createTenant } from '../support/fixtures';
import { createTestStore } from '../support/store';

/**
 * The MSAL wiring of server-held tokens (on-behalf-of, then refresh with rotation), against a token
 * endpoint played through MSAL's own network-client hook: what MSAL sends is checked as Entra ID
 * would check it.
 */

const AUTHORITY_HOST = 'login.tandem.test';

class FakeEntra implements INetworkModule {
  readonly posts: URLSearchParams[] = [];
  refreshToken = 'rt-1';
  failNextRefresh: { error: string; description: string } | undefined;
  private issued = 0;

  constructor(private readonly user: SyncUser) {}

  async sendGetRequestAsync<T>(url: string): Promise<NetworkResponse<T>> {
    const { pathname } = new URL(url);
    const tenant = pathname.split('/')[1];
    if (pathname.endsWith('/.well-known/openid-configuration'))
      return this.answer<T>(200, {
        issuer: `https://${AUTHORITY_HOST}/${tenant}/v2.0`,
        authorization_endpoint: `https://${AUTHORITY_HOST}/${tenant}/oauth2/v2.0/authorize`,
        token_endpoint: `https://${AUTHORITY_HOST}/${tenant}/oauth2/v2.0/token`,
        end_session_endpoint: `https://${AUTHORITY_HOST}/${tenant}/oauth2/v2.0/logout`,
        jwks_uri: `https://${AUTHORITY_HOST}/${tenant}/discovery/v2.0/keys`,
      });
    return this.answer<T>(404, { error: 'not_found' });
  }

  async sendPostRequestAsync<T>(url: string, options?: { body?: string }): Promise<NetworkResponse<T>> {
    const form = new URLSearchParams(options?.body ?? '');
    this.posts.push(form);
    if (!new URL(url).pathname.endsWith('/oauth2/v2.0/token')) return this.answer<T>(404, {});
    if (form.get('client_id') !== 'tandem-app' || form.get('client_secret') !== 's3cret')
      return this.answer<T>(401, {
        error: 'invalid_client',
        error_description: 'AADSTS7000215: Invalid client secret.',
      });
    const grant = form.get('grant_type');
    if (grant === 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
      if (form.get('assertion') !== 'api-token' || form.get('requested_token_use') !== 'on_behalf_of')
        return this.answer<T>(400, {
          error: 'invalid_grant',
          error_description: 'AADSTS50013: Assertion failed.',
        });
      return this.tokens<T>(form.get('scope') ?? '');
    }
    if (grant === 'refresh_token') {
      if (this.failNextRefresh) {
        const { error, description } = this.failNextRefresh;
        return this.answer<T>(400, { error, error_description: description, suberror: '' });
      }
      if (form.get('refresh_token') !== this.refreshToken)
        return this.answer<T>(400, {
          error: 'invalid_grant',
          error_description: 'AADSTS70000: Refresh token already used.',
        });
      return this.tokens<T>(form.get('scope') ?? '');
    }
    return this.answer<T>(400, { error: 'unsupported_grant_type' });
  }

  private tokens<T>(scope: string): NetworkResponse<T> {
    this.issued++;
    const offline = scope.split(' ').includes('offline_access');
    if (offline) this.refreshToken = `rt-${this.issued + 1}`;
    const clientInfo = Buffer.from(
      JSON.stringify({ uid: this.user.objectId, utid: this.user.tenantId }),
    ).toString('base64url');
    return this.answer<T>(200, {
      token_type: 'Bearer',
      scope: scope.replace(/\s*offline_access/, '').trim(),
      expires_in: 3600,
      ext_expires_in: 3600,
      access_token: `graph-access-${this.issued}`,
      client_info: clientInfo,
      ...(offline ? { refresh_token: this.refreshToken } : {}),
    });
  }

  private answer<T>(status: number, body: unknown): NetworkResponse<T> {
    return { status, headers: { 'content-type': 'application/json' }, body: body as T };
  }
}

let store: Store;
let user: SyncUser;
let vault: SyncCredentialVault;
let entra: FakeEntra;
let now = Date.now();

beforeAll(async () => {
  store = await createTestStore();
  const tenant = await createTenant(store, await createTestIssuer());
  const m = tenant.members[0]!;
  user = { orgId: tenant.orgId, userId: m.userId, tenantId: m.tenantId, objectId: m.objectId };
  vault = new SyncCredentialVault(store.db, randomBytes(32));
});
afterAll(() => store.close());

const provider = () =>
  new MsalTokenProvider({
    vault,
    clientId: 'tandem-app',
    clientSecret: 's3cret',
    authority: `https://${AUTHORITY_HOST}/{tenantid}`,
    networkClient: entra,
    now: () => now,
  });

beforeEach(() => {
  entra = new FakeEntra(user);
  now = Date.now();
});

test('on-behalf-of with offline access, then refresh with the rotated token the vault keeps', async () => {
  const tokens = provider();
  await tokens.connect(user, 'api-token');
  const obo = entra.posts.at(-1)!;
  expect(obo.get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
  expect(obo.get('scope')?.split(' ')).toEqual(
    expect.arrayContaining(['offline_access', 'https://graph.microsoft.com/Calendars.ReadWrite']),
  );
  expect(await tokens.holds(user)).toBe(true);
  expect(await vault.load(user)).toContain(entra.refreshToken);
  // The access token of the on-behalf-of answer serves until it nears expiry.
  expect(await tokens.graphToken(user)).toBe('graph-access-1');

  // Another process (a worker replica) has no access token in memory: it refreshes.
  const replica = provider();
  const before = entra.refreshToken;
  const [a, b] = await Promise.all([replica.graphToken(user), replica.graphToken(user)]);
  expect(a).toBe('graph-access-2');
  expect(b).toBe(a);
  const refresh = entra.posts.at(-1)!;
  expect(refresh.get('grant_type')).toBe('refresh_token');
  expect(refresh.get('refresh_token')).toBe(before);
  // Rotated: the vault now holds the new refresh token, and the old one is gone.
  const stored = (await vault.load(user))!;
  expect(stored).toContain(entra.refreshToken);
  expect(stored).not.toContain(before);

  now += 60 * 60_000;
  expect(await replica.graphToken(user)).toBe('graph-access-3');
  expect(entra.posts).toHaveLength(3);
});

test.each([
  ['invalid_grant', 'AADSTS700082: The refresh token has expired due to inactivity.', /has expired/],
  ['invalid_grant', 'AADSTS50173: The provided grant has expired due to it being revoked.', /revoked/],
  ['invalid_grant', 'AADSTS65001: The user or administrator has not consented.', /Consent .* withdrawn/],
  ['invalid_grant', 'AADSTS50057: The user account is disabled.', /disabled/],
])(
  'a refused refresh (%s %s) asks the user to sign in again, in plain words',
  async (error, description, words) => {
    await provider().connect(user, 'api-token');
    entra.failNextRefresh = { error, description };
    const err = await provider()
      .graphToken(user)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SignInRequiredError);
    expect((err as Error).message).toMatch(words);
    expect((err as Error).message).not.toContain('rt-');
  },
);

test('a bad API token is refused, and nothing is kept', async () => {
  await vault.remove(user);
  await expect(provider().connect(user, 'forged')).rejects.toBeInstanceOf(SignInRequiredError);
  expect(await vault.has(user)).toBe(false);
  await expect(provider().graphToken(user)).rejects.toThrow(/holds no Microsoft sign-in/);
});
