import { createLocalJWKSet, jwtVerify } from 'jose';
import { CONTOSO_TENANT_ID, GLOBAL_ADMINISTRATOR_ROLE } from '../../src/sandbox';
import {
  ADMIN,
  BRUNO,
  CRM_AUDIENCE,
  GraphClient,
  startSandbox,
  type Harness,
} from './support/sandbox-harness';

let h: Harness;
beforeAll(async () => {
  h = await startSandbox();
});
afterAll(() => h.close());

async function tokenOverHttp(user: string, audience: string) {
  return h.inject({
    method: 'POST',
    url: '/sandbox/token',
    headers: { host: 'crm.test:4123', 'content-type': 'application/json' },
    payload: JSON.stringify({ user, audience }),
  });
}

test('the token endpoint issues RS256 tokens the published JWKS verifies, with the issuer of the request host', async () => {
  const res = await tokenOverHttp(ADMIN, 'crm');
  expect(res.statusCode).toBe(200);
  const { access_token, token_type, expires_in } = res.json();
  expect(token_type).toBe('Bearer');
  expect(expires_in).toBeGreaterThan(0);

  const config = (
    await h.inject({
      url: `/sandbox/${CONTOSO_TENANT_ID}/v2.0/.well-known/openid-configuration`,
      headers: { host: 'crm.test:4123' },
    })
  ).json();
  expect(config.issuer).toBe(`http://crm.test:4123/sandbox/${CONTOSO_TENANT_ID}/v2.0`);
  expect(config.jwks_uri).toBe('http://crm.test:4123/sandbox/discovery/v2.0/keys');

  const jwks = (await h.inject({ url: '/sandbox/discovery/v2.0/keys' })).json();
  const { payload, protectedHeader } = await jwtVerify(access_token, createLocalJWKSet(jwks), {
    issuer: config.issuer,
    audience: CRM_AUDIENCE,
  });
  expect(protectedHeader.alg).toBe('RS256');
  expect(payload).toMatchObject({
    tid: CONTOSO_TENANT_ID,
    preferred_username: ADMIN,
    email: ADMIN,
    name: 'Ana Admin',
    scp: 'access_as_user',
    ver: '2.0',
  });
  expect(payload.wids).toContain(GLOBAL_ADMINISTRATOR_ROLE);
  expect(typeof payload.oid).toBe('string');
  expect(payload.exp! - payload.iat!).toBe(expires_in);
});

test('graph tokens carry the Graph audience and scopes; ordinary users are not global administrators', () => {
  const token = h.sandbox.issueToken(BRUNO, 'graph');
  const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
  expect(payload.aud).toBe('https://graph.microsoft.com');
  expect(payload.scp.split(' ').sort()).toEqual(
    ['Calendars.ReadWrite', 'Contacts.ReadWrite', 'Mail.Send', 'User.ReadBasic.All'].sort(),
  );
  expect(payload.wids).not.toContain(GLOBAL_ADMINISTRATOR_ROLE);
});

test('an unknown user gets 400 from the token endpoint', async () => {
  const res = await tokenOverHttp('nobody@contoso.example', 'graph');
  expect(res.statusCode).toBe(400);
  expect(res.json().error).toBe('invalid_grant');
});

test('Graph refuses a missing, foreign-audience, expired or tampered token with InvalidAuthenticationToken', async () => {
  const missing = await h.inject({ url: '/graph/v1.0/me' });
  expect(missing.statusCode).toBe(401);
  expect(missing.json().error.code).toBe('InvalidAuthenticationToken');
  expect(missing.json().error.innerError['request-id']).toBeTruthy();

  const crmToken = h.sandbox.issueToken(ADMIN, 'crm');
  expect((await new GraphClient(h.app, crmToken).get('/me')).status).toBe(401);

  const expired = h.sandbox.issueToken(ADMIN, 'graph', { expiresInSeconds: -10 });
  const expiredAnswer = await new GraphClient(h.app, expired).get('/me');
  expect(expiredAnswer.status).toBe(401);
  expect(expiredAnswer.body.error.code).toBe('InvalidAuthenticationToken');

  const good = h.sandbox.issueToken(ADMIN, 'graph');
  const [head, body, signature] = good.split('.');
  const forged = JSON.parse(Buffer.from(body!, 'base64url').toString());
  forged.oid = '9f1c2a30-0002-4b7e-8a11-c0a7e1d0a002';
  const tampered = `${head}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${signature}`;
  expect((await new GraphClient(h.app, tampered).get('/me')).status).toBe(401);
});

test('a token without the scope a route needs is refused with 403', async () => {
  const res = await h.as(ADMIN, { scp: 'User.ReadBasic.All' }).get('/me/calendars');
  expect(res.status).toBe(403);
  expect(res.body.error.code).toBe('ErrorAccessDenied');
});
