import { PassThrough } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import { serverLogging } from '../../src/server/logging';

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.secret-payload.signature';

function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { stream, text: () => text };
}

async function exercise(app: FastifyInstance) {
  app.get('/api/contacts', async (request) => {
    // Whatever logs a request's headers, the token and cookie stay out.
    request.log.info({ headers: request.headers }, 'listing contacts');
    request.log.info({ upstream: { headers: request.headers } }, 'calling upstream');
    return [];
  });
  app.get('/taskpane.0123abcd.js', async () => 'console.log(1)');
  await app.inject({
    url: '/api/contacts',
    headers: { authorization: `Bearer ${TOKEN}`, cookie: `session=${TOKEN}` },
  });
  await app.inject('/taskpane.0123abcd.js');
  await app.close();
}

test('the demo logs one readable line per API request, none for assets at info, and no token', async () => {
  const out = capture();
  const logging = serverLogging({ sandbox: true, logLevel: 'info' }, {}, out.stream);
  const app = Fastify(logging);
  await exercise(app);

  const lines = out.text().trim().split('\n');
  expect(lines.some((line) => line.startsWith('{'))).toBe(false);
  expect(lines.filter((line) => /GET \/api\/contacts 200 \d+ ms/.test(line))).toHaveLength(1);
  expect(out.text()).not.toContain('taskpane.0123abcd.js');
  expect(out.text()).not.toContain('secret-payload');
  expect(out.text()).toContain('[Redacted]');
});

test('the demo shows asset requests at debug', async () => {
  const out = capture();
  const logging = serverLogging({ sandbox: true, logLevel: 'debug' }, {}, out.stream);
  const app = Fastify(logging);
  await exercise(app);
  expect(out.text()).toMatch(/GET \/taskpane\.0123abcd\.js 200 \d+ ms/);
});

test('a real tenant or NODE_ENV=production logs JSON lines, with the token redacted', async () => {
  expect(
    serverLogging({ sandbox: true, logLevel: 'info' }, { NODE_ENV: 'production' }).logController,
  ).toBeUndefined();
  const logging = serverLogging({ sandbox: false, logLevel: 'info' }, {});
  expect(logging.logController).toBeUndefined();
  const out = capture();
  const app = Fastify({ logger: { ...(logging.logger as object), stream: out.stream } });
  await exercise(app);
  const entries = out
    .text()
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { msg: string; req?: { url?: string } });
  expect(entries.map((e) => e.msg)).toContain('request completed');
  expect(out.text()).not.toContain('secret-payload');
  expect(out.text()).toContain('[Redacted]');
});
