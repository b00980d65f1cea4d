/* eslint-disable @typescript-eslint/no-explicit-any -- Graph answers are arbitrary JSON read field by field. */
import {
  BatchRequestContent,
  BatchResponseContent,
  Client,
  GraphError,
  PageIterator,
  type Context,
  type Middleware,
} from '@microsoft/microsoft-graph-client';
import Fastify, { type FastifyInstance } from 'fastify';
import { createGraphSandbox, graphSandboxPlugin, type GraphSandbox } from '../../src/sandbox';
import { ADMIN, CRM_AUDIENCE } from './support/sandbox-harness';

/**
 * The sandbox checked against Microsoft's own Graph SDK. The SDK only follows https links, so the
 * sandbox is reached as `https://graph.sandbox.test` (its `/graph` mount included in the links it
 * writes); the last middleware hands each request to the Fastify app.
 */
const HOST = 'graph.sandbox.test';

class SandboxTransport implements Middleware {
  constructor(
    private readonly app: FastifyInstance,
    private readonly token: string,
  ) {}

  async execute(context: Context): Promise<void> {
    const url = new URL(typeof context.request === 'string' ? context.request : context.request.url);
    // The SDK's base URL is Graph's own (`/v1.0/...`); the links the sandbox writes carry its mount.
    const path = url.pathname.startsWith('/graph/') ? url.pathname : `/graph${url.pathname}`;
    const headers: Record<string, string> = {};
    new Headers(context.options?.headers as HeadersInit | undefined).forEach((value, name) => {
      headers[name] = value;
    });
    const body = context.options?.body;
    const res = await this.app.inject({
      method: (context.options?.method ?? 'GET') as 'GET',
      url: `${path}${url.search}`,
      headers: {
        ...headers,
        host: HOST,
        'x-forwarded-proto': 'https',
        authorization: `Bearer ${this.token}`,
      },
      ...(typeof body === 'string' ? { payload: body } : {}),
    });
    const responseHeaders = new Headers();
    for (const [name, value] of Object.entries(res.headers)) {
      if (value !== undefined)
        responseHeaders.set(name, Array.isArray(value) ? value.join(', ') : String(value));
    }
    context.response = new Response(res.statusCode === 204 ? null : res.body, {
      status: res.statusCode,
      headers: responseHeaders,
    });
  }
}

let sandbox: GraphSandbox;
let app: FastifyInstance;
let client: Client;

beforeEach(async () => {
  sandbox = createGraphSandbox({ crmAudience: CRM_AUDIENCE });
  app = Fastify({ logger: false, trustProxy: true });
  await app.register(graphSandboxPlugin, { sandbox });
  await app.ready();
  const token = sandbox.issueToken(ADMIN, 'graph', { origin: `https://${HOST}` });
  client = Client.initWithMiddleware({
    baseUrl: `https://${HOST}`,
    defaultVersion: 'v1.0',
    middleware: new SandboxTransport(app, token),
  });
});

afterEach(async () => {
  await app.close();
});

const slot = (hour: number) => ({
  start: { dateTime: `2027-05-03T${String(hour).padStart(2, '0')}:00:00`, timeZone: 'UTC' },
  end: { dateTime: `2027-05-03T${String(hour).padStart(2, '0')}:30:00`, timeZone: 'UTC' },
});

test("the SDK's BatchRequestContent (inner URLs with /v1.0, or the sandbox's mount) runs in $batch", async () => {
  const json = { 'Content-Type': 'application/json' };
  const content = new BatchRequestContent([
    {
      id: 'create',
      request: new Request(`https://${HOST}/v1.0/me/events`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ subject: 'From the SDK', ...slot(9) }),
      }),
    },
    // The SDK accepts a serial chain (each request after the one before).
    {
      id: 'me',
      request: new Request(`https://${HOST}/v1.0/me?$select=displayName`),
      dependsOn: ['create'],
    },
    {
      id: 'mounted',
      request: new Request(`https://${HOST}/graph/v1.0/me/calendar`),
      dependsOn: ['me'],
    },
    {
      id: 'after',
      request: new Request(`https://${HOST}/v1.0/me/events?$select=subject`),
      dependsOn: ['mounted'],
    },
  ]);
  const body = await content.getContent();
  expect(body.requests.find((r: any) => r.id === 'create')?.url).toBe('/v1.0/me/events');

  const answer = new BatchResponseContent(await client.api('/$batch').post(body));
  const status = (id: string) => answer.getResponseById(id).status;
  expect([status('create'), status('me'), status('mounted'), status('after')]).toEqual([201, 200, 200, 200]);
  expect((await answer.getResponseById('me').json()).displayName).toBeTruthy();
  expect((await answer.getResponseById('after').json()).value.map((e: any) => e.subject)).toEqual([
    'From the SDK',
  ]);
});

test('a $batch inner URL of another Graph version is refused with a 400 naming the request', async () => {
  const error = await client
    .api('/$batch')
    .post({ requests: [{ id: 'b1', method: 'GET', url: '/beta/me' }] })
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(GraphError);
  expect((error as GraphError).statusCode).toBe(400);
  expect((error as GraphError).message).toContain("'b1'");
});

test("the SDK's PageIterator walks a contacts delta to its deltaLink, and the link's next round", async () => {
  for (let i = 0; i < 7; i++) {
    await client.api('/me/contacts').post({ givenName: `Person ${i}` });
  }
  const first = await client.api('/me/contacts/delta').header('Prefer', 'odata.maxpagesize=3').get();
  expect(first['@odata.nextLink']).toMatch(new RegExp(`^https://${HOST}/graph/v1\\.0/`));
  const seen: string[] = [];
  const iterator = new PageIterator(
    client,
    first,
    (item: any) => {
      seen.push(item.givenName);
      return true;
    },
    { headers: { Prefer: 'odata.maxpagesize=3' } },
  );
  await iterator.iterate();
  expect(seen.sort()).toEqual(Array.from({ length: 7 }, (_, i) => `Person ${i}`));
  const deltaLink = iterator.getDeltaLink();
  expect(deltaLink).toMatch(/\$deltatoken=/);

  await client.api('/me/contacts').post({ givenName: 'Newcomer' });
  const round = await client.api(deltaLink!).get();
  expect(round.value.map((c: any) => c.givenName)).toEqual(['Newcomer']);
});

test("a failure reaches the SDK as its GraphError with Graph's status, code and request id", async () => {
  const error = await client
    .api('/me/events/AAMkAGI2THVSAAA=')
    .get()
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(GraphError);
  const graphError = error as GraphError;
  expect(graphError.statusCode).toBe(404);
  expect(graphError.code).toBe('ErrorItemNotFound');
  expect(graphError.requestId).toMatch(/^[0-9a-f-]{36}$/);
  expect(graphError.date).toBeInstanceOf(Date);

  const conflict = await client
    .api('/me/calendars')
    .post({ name: 'Calendar' })
    .catch((e: unknown) => e);
  expect(conflict).toBeInstanceOf(GraphError);
  expect((conflict as GraphError).statusCode).toBe(409);
  expect((conflict as GraphError).code).toBe('ErrorFolderExists');
});
