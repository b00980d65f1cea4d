/* eslint-disable @typescript-eslint/no-explicit-any -- token endpoint answers are read field by field. */
import { ConfidentialClientApplication, InteractionRequiredAuthError } from '@azure/msal-node';
import { decodeJwt } from 'jose';
import {
  CONTOSO_TENANT_ID,
  FABRIKAM_TENANT_ID,
  listenSandboxTls,
  SANDBOX_CLIENT_ID,
  SANDBOX_CLIENT_SECRET,
  type SandboxTlsServer,
} from '../../src/sandbox';
import { TrustingNetworkClient } from './support/msal-network';
import { BRUNO, listenSandbox } from './support/sandbox-harness';

type Listening = Awaited<ReturnType<typeof listenSandbox>>;
let h: Listening;
let tls: SandboxTlsServer;
beforeAll(async () => {
  h = await listenSandbox();
  tls = await listenSandboxTls(h.sandbox);
}, 30_000);
beforeEach(() => h.sandbox.reset());
afterAll(async () => {
  await tls.close();
  await h.close();
});

const GRAPH_SCOPES = [
  'https://graph.microsoft.com/Calendars.ReadWrite',
  'https://graph.microsoft.com/Contacts.ReadWrite',
  'offline_access',
];

function msal(secret = SANDBOX_CLIENT_SECRET) {
  const network = new TrustingNetworkClient(tls.ca);
  const authority = `${tls.origin}/sandbox/${CONTOSO_TENANT_ID}`;
  const app = new ConfidentialClientApplication({
    auth: {
      clientId: SANDBOX_CLIENT_ID,
      clientSecret: secret,
      authority,
      knownAuthorities: [new URL(authority).host],
    },
    system: { networkClient: network },
  });
  return { app, network };
}

/** The user's token for the Tandem API, as the add-in sends it to the server. */
const apiToken = (upn = BRUNO) => h.sandbox.issueToken(upn, 'crm');

/** The user's own calendar through the sandbox's Graph, with a token the token endpoint gave. */
async function graphMe(token: string) {
  const res = await fetch(`${h.baseUrl}/graph/v1.0/me/calendar`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: res.status, body: (await res.json()) as any };
}

/** A raw form POST to the token endpoint over HTTP (same routes as HTTPS). */
async function tokenRequest(form: Record<string, string>, tenant: string = CONTOSO_TENANT_ID) {
  const res = await fetch(`${h.baseUrl}/sandbox/${tenant}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
}

const obo = (extra: Record<string, string> = {}) => ({
  grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
  client_id: SANDBOX_CLIENT_ID,
  client_secret: SANDBOX_CLIENT_SECRET,
  assertion: apiToken(),
  requested_token_use: 'on_behalf_of',
  scope: GRAPH_SCOPES.join(' '),
  ...extra,
});

describe('MSAL ConfidentialClientApplication against the sandbox over HTTPS', () => {
  test('on-behalf-of gives a Graph token for the user that the sandbox Graph accepts, then a silent refresh rotates the refresh token', async () => {
    const { app, network } = msal();
    const result = await app.acquireTokenOnBehalfOf({ oboAssertion: apiToken(), scopes: GRAPH_SCOPES });
    expect(result).not.toBeNull();
    const claims = decodeJwt(result!.accessToken);
    expect(claims).toMatchObject({
      aud: 'https://graph.microsoft.com',
      tid: CONTOSO_TENANT_ID,
      preferred_username: BRUNO,
    });
    expect(String(claims.scp).split(' ').sort()).toEqual(['Calendars.ReadWrite', 'Contacts.ReadWrite']);
    expect(result!.account?.tenantId).toBe(CONTOSO_TENANT_ID);
    const calendar = await graphMe(result!.accessToken);
    expect(calendar.status).toBe(200);
    expect(calendar.body.owner.address).toBe(BRUNO);
    // MSAL found the authority's metadata and the token endpoint over HTTPS, nothing elsewhere.
    expect(network.calls.every((c) => c.includes(tls.origin))).toBe(true);
    expect(network.calls).toContain(
      `GET ${tls.origin}/sandbox/${CONTOSO_TENANT_ID}/v2.0/.well-known/openid-configuration`,
    );
    expect(network.calls.map((c) => c.split('?')[0])).toContain(
      `POST ${tls.origin}/sandbox/${CONTOSO_TENANT_ID}/oauth2/v2.0/token`,
    );

    const cache = JSON.parse(app.getTokenCache().serialize());
    const refreshTokens = Object.values(cache.RefreshToken ?? {}) as { secret: string }[];
    expect(refreshTokens).toHaveLength(1);
    const firstRefresh = refreshTokens[0]!.secret;

    const silent = await app.acquireTokenSilent({
      account: result!.account!,
      scopes: GRAPH_SCOPES,
      forceRefresh: true,
    });
    expect(silent!.accessToken).not.toBe(result!.accessToken);
    expect(network.calls.filter((c) => c.startsWith('POST')).length).toBe(2);
    expect((await graphMe(silent!.accessToken)).status).toBe(200);
    const rotated = (Object.values(JSON.parse(app.getTokenCache().serialize()).RefreshToken) as any[])[0]
      .secret;
    expect(rotated).not.toBe(firstRefresh);

    // A server that kept only the refresh token (e.g. after a restart) refreshes with it directly.
    const fresh = msal().app;
    const byRefresh = await fresh.acquireTokenByRefreshToken({ refreshToken: rotated, scopes: GRAPH_SCOPES });
    expect((await graphMe(byRefresh!.accessToken)).status).toBe(200);
  });

  test('the "organizations" authority with instance discovery metadata from the sandbox works as well', async () => {
    const network = new TrustingNetworkClient(tls.ca);
    const discovery = await network.sendGetRequestAsync<unknown>(
      `${tls.origin}/sandbox/common/discovery/instance?api-version=1.1`,
    );
    const app = new ConfidentialClientApplication({
      auth: {
        clientId: SANDBOX_CLIENT_ID,
        clientSecret: SANDBOX_CLIENT_SECRET,
        authority: `${tls.origin}/sandbox/organizations`,
        cloudDiscoveryMetadata: JSON.stringify(discovery.body),
      },
      system: { networkClient: network },
    });
    const result = await app.acquireTokenOnBehalfOf({ oboAssertion: apiToken(), scopes: GRAPH_SCOPES });
    expect(result!.tenantId).toBe(CONTOSO_TENANT_ID);
    expect((await graphMe(result!.accessToken)).status).toBe(200);
  });

  test('a wrong client secret is refused with invalid_client (AADSTS7000215)', async () => {
    const { app } = msal('not-the-secret');
    await expect(
      app.acquireTokenOnBehalfOf({ oboAssertion: apiToken(), scopes: GRAPH_SCOPES }),
    ).rejects.toMatchObject({
      errorCode: 'invalid_client',
      errorMessage: expect.stringContaining('AADSTS7000215'),
    });
  });

  test('revoked refresh tokens fail the refresh with invalid_grant AADSTS50173; a new on-behalf-of works again', async () => {
    const { app } = msal();
    const result = await app.acquireTokenOnBehalfOf({ oboAssertion: apiToken(), scopes: GRAPH_SCOPES });
    const revoke = await fetch(`${h.baseUrl}/sandbox/admin/identity/refresh-tokens/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: BRUNO }),
    });
    expect(await revoke.json()).toEqual({ user: BRUNO, revoked: 1 });
    const error = await app
      .acquireTokenSilent({ account: result!.account!, scopes: GRAPH_SCOPES, forceRefresh: true })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      errorCode: 'invalid_grant',
      errorMessage: expect.stringContaining('AADSTS50173'),
    });

    const again = await msal().app.acquireTokenOnBehalfOf({ oboAssertion: apiToken(), scopes: GRAPH_SCOPES });
    expect((await graphMe(again!.accessToken)).status).toBe(200);
  });

  test('withdrawn consent surfaces as an interaction-required error (AADSTS65001, consent_required)', async () => {
    await fetch(`${h.baseUrl}/sandbox/admin/identity/users`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: BRUNO, consentGranted: false }),
    });
    const error = await msal()
      .app.acquireTokenOnBehalfOf({ oboAssertion: apiToken(), scopes: GRAPH_SCOPES })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InteractionRequiredAuthError);
    expect(error).toMatchObject({
      subError: 'consent_required',
      errorMessage: expect.stringContaining('AADSTS65001'),
    });
  });
});

describe('the token endpoint over plain HTTP (same routes)', () => {
  test('on-behalf-of answers in Entra shape, with a refresh token only for offline_access', async () => {
    const res = await tokenRequest(
      obo({ client_info: '1', scope: `${GRAPH_SCOPES.join(' ')} openid profile` }),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('no-store');
    expect(res.body).toMatchObject({
      token_type: 'Bearer',
      scope: 'https://graph.microsoft.com/Calendars.ReadWrite https://graph.microsoft.com/Contacts.ReadWrite',
      expires_in: 3600,
      ext_expires_in: 3600,
    });
    expect(typeof res.body.refresh_token).toBe('string');
    expect(decodeJwt(res.body.id_token)).toMatchObject({ aud: SANDBOX_CLIENT_ID, tid: CONTOSO_TENANT_ID });
    expect(JSON.parse(Buffer.from(res.body.client_info, 'base64url').toString())).toEqual({
      uid: h.sandbox.findUser(BRUNO)!.id,
      utid: CONTOSO_TENANT_ID,
    });
    const online = await tokenRequest(obo({ scope: 'https://graph.microsoft.com/.default' }));
    expect(online.status).toBe(200);
    expect(online.body.refresh_token).toBeUndefined();
    expect(String(decodeJwt(online.body.access_token).scp).split(' ')).toContain('Calendars.ReadWrite');
  });

  test('lifetimes are configurable; an aged refresh token fails with AADSTS700082', async () => {
    const put = await fetch(`${h.baseUrl}/sandbox/admin/identity`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ accessTokenLifetimeSeconds: 120, refreshTokenLifetimeSeconds: 600 }),
    });
    expect(await put.json()).toMatchObject({
      accessTokenLifetimeSeconds: 120,
      refreshTokenLifetimeSeconds: 600,
    });
    const first = await tokenRequest(obo());
    expect(first.body.expires_in).toBe(120);
    const refreshed = await tokenRequest({
      grant_type: 'refresh_token',
      client_id: SANDBOX_CLIENT_ID,
      client_secret: SANDBOX_CLIENT_SECRET,
      refresh_token: first.body.refresh_token,
      scope: GRAPH_SCOPES.join(' '),
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refresh_token).not.toBe(first.body.refresh_token);
    // Entra keeps the exchanged token valid unless told otherwise.
    const reused = await tokenRequest({
      grant_type: 'refresh_token',
      client_id: SANDBOX_CLIENT_ID,
      client_secret: SANDBOX_CLIENT_SECRET,
      refresh_token: first.body.refresh_token,
    });
    expect(reused.status).toBe(200);

    const expire = await fetch(`${h.baseUrl}/sandbox/admin/identity/refresh-tokens/expire`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: BRUNO }),
    });
    expect((await expire.json()).expired).toBe(3);
    const aged = await tokenRequest({
      grant_type: 'refresh_token',
      client_id: SANDBOX_CLIENT_ID,
      client_secret: SANDBOX_CLIENT_SECRET,
      refresh_token: refreshed.body.refresh_token,
    });
    expect(aged.status).toBe(400);
    expect(aged.body).toMatchObject({ error: 'invalid_grant', error_codes: [700082] });
    expect(aged.body.error_description).toMatch(/^AADSTS700082: /);
    h.sandbox.entra.configure({ accessTokenLifetimeSeconds: 3600, refreshTokenLifetimeSeconds: 90 * 86400 });
  });

  test('rotation can invalidate the exchanged refresh token', async () => {
    h.sandbox.entra.configure({ invalidateRotatedRefreshTokens: true });
    try {
      const first = await tokenRequest(obo());
      const form = {
        grant_type: 'refresh_token',
        client_id: SANDBOX_CLIENT_ID,
        client_secret: SANDBOX_CLIENT_SECRET,
        refresh_token: first.body.refresh_token,
      };
      expect((await tokenRequest(form)).status).toBe(200);
      const replay = await tokenRequest(form);
      expect(replay.body).toMatchObject({ error: 'invalid_grant', error_codes: [50173] });
    } finally {
      h.sandbox.entra.configure({ invalidateRotatedRefreshTokens: false });
    }
  });

  test('a disabled user gets AADSTS50057 for both grants; enabling again restores them', async () => {
    const first = await tokenRequest(obo());
    const setEnabled = (accountEnabled: boolean) =>
      fetch(`${h.baseUrl}/sandbox/admin/identity/users`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user: BRUNO, accountEnabled }),
      });
    await setEnabled(false);
    const refresh = {
      grant_type: 'refresh_token',
      client_id: SANDBOX_CLIENT_ID,
      client_secret: SANDBOX_CLIENT_SECRET,
      refresh_token: first.body.refresh_token,
    };
    expect((await tokenRequest(obo())).body).toMatchObject({ error: 'invalid_grant', error_codes: [50057] });
    expect((await tokenRequest(refresh)).body).toMatchObject({
      error: 'invalid_grant',
      error_codes: [50057],
    });
    await setEnabled(true);
    expect((await tokenRequest(refresh)).status).toBe(200);
  });

  test('bad requests name what is wrong', async () => {
    const { assertion: _a, ...noAssertion } = obo();
    expect((await tokenRequest(noAssertion)).body).toMatchObject({
      error: 'invalid_request',
      error_codes: [900144],
    });
    expect((await tokenRequest(obo({ client_id: 'someone-else' }))).body).toMatchObject({
      error: 'unauthorized_client',
    });
    expect((await tokenRequest(obo({ grant_type: 'password' }))).body).toMatchObject({
      error: 'unsupported_grant_type',
    });
    // The assertion must be a token for this API, not a Graph token, and unexpired.
    const graphAssertion = await tokenRequest(obo({ assertion: h.sandbox.issueToken(BRUNO, 'graph') }));
    expect(graphAssertion.body).toMatchObject({ error: 'invalid_grant', error_codes: [50013] });
    const expired = await tokenRequest(
      obo({ assertion: h.sandbox.issueToken(BRUNO, 'crm', { expiresInSeconds: -60 }) }),
    );
    expect(expired.body).toMatchObject({ error: 'invalid_grant', error_codes: [500133] });
    // Another tenant's user cannot use this tenant's endpoint.
    const foreign = await tokenRequest(obo(), FABRIKAM_TENANT_ID);
    expect(foreign.body).toMatchObject({ error: 'invalid_grant', error_codes: [50020] });
    const unknownTenant = await tokenRequest(obo(), 'nowhere.example');
    expect(unknownTenant.body).toMatchObject({ error: 'invalid_request', error_codes: [90002] });
    const unknownRefresh = await tokenRequest({
      grant_type: 'refresh_token',
      client_id: SANDBOX_CLIENT_ID,
      client_secret: SANDBOX_CLIENT_SECRET,
      refresh_token: 'made-up',
    });
    expect(unknownRefresh.body.error).toBe('invalid_grant');
    // Unknown Graph scopes are not consented.
    const scope = await tokenRequest(
      obo({ scope: 'https://graph.microsoft.com/Mail.ReadWrite offline_access' }),
    );
    expect(scope.body).toMatchObject({ error: 'invalid_grant', suberror: 'consent_required' });
  });

  test('the admin switches refuse bad input with 4xx naming the field', async () => {
    const put = (path: string, body: unknown) =>
      fetch(`${h.baseUrl}/sandbox/admin/${path}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const a = await put('identity', { accessTokenLifetimeSeconds: 'long' });
    expect(a.status).toBe(400);
    expect((await a.json()).error.message).toContain('accessTokenLifetimeSeconds');
    const b = await put('identity/users', { user: BRUNO, consentGranted: 'no' });
    expect(b.status).toBe(400);
    expect((await b.json()).error.message).toContain('consentGranted');
    expect(
      (await put('identity/users', { user: 'nobody@contoso.example', consentGranted: false })).status,
    ).toBe(404);
  });
});
