/* eslint-disable @typescript-eslint/no-explicit-any -- Graph answers are arbitrary JSON read field by field. */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { createGraphSandbox, graphSandboxPlugin } from '../../src/sandbox';
import { SandboxFiles } from '../../src/sandbox/sandbox-files';
import { ADMIN, BRUNO, CRM_AUDIENCE } from './support/sandbox-harness';

const ROOT = path.resolve(__dirname, '../..');
const children: ChildProcess[] = [];
let dataDir: string;

beforeEach(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'tandem-sandbox-durable-'));
});

afterEach(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await fs.rm(dataDir, { recursive: true, force: true });
});

interface Running {
  child: ChildProcess;
  base: string;
  exited: Promise<number | null>;
}

/** The standalone sandbox (`npm run sandbox`) over a data directory, in a child process. */
async function startSandbox(): Promise<Running> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/sandbox/main.ts', '--port', '0', '--data-dir', dataDir],
    { cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let output = '';
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sandbox did not start:\n${output}`)), 60_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('exit', (code) => reject(new Error(`sandbox exited with ${code}:\n${output}`)));
  });
  return { child, base, exited };
}

async function token(base: string, user: string, audience = 'graph'): Promise<string> {
  const res = await fetch(`${base}/sandbox/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user, audience }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

function graph(base: string, bearer: string) {
  return async (method: string, url: string, body?: unknown): Promise<{ status: number; body: any }> => {
    const res = await fetch(url.startsWith('http') ? url : `${base}/graph/v1.0${url}`, {
      method,
      headers: {
        authorization: `Bearer ${bearer}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
}

const slot = (hour: number) => ({
  start: { dateTime: `2027-03-01T${String(hour).padStart(2, '0')}:00:00`, timeZone: 'UTC' },
  end: { dateTime: `2027-03-01T${String(hour).padStart(2, '0')}:30:00`, timeZone: 'UTC' },
});

test('a sandbox killed with SIGKILL keeps every Graph write it acknowledged', async () => {
  const first = await startSandbox();
  const adminToken = await token(first.base, ADMIN);
  const call = graph(first.base, adminToken);

  // A new directory user, so users are durable too.
  const newUser = await fetch(`${first.base}/sandbox/admin/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tenant: 'contoso.example', userPrincipalName: 'dora.durable' }),
  });
  expect(newUser.status).toBe(201);

  const calendar = await call('POST', '/me/calendars', { name: 'Tandem' });
  expect(calendar.status).toBe(201);
  const kept = await call('POST', `/me/calendars/${calendar.body.id}/events`, {
    subject: 'Kept',
    ...slot(9),
    attendees: [{ emailAddress: { address: BRUNO }, type: 'required' }],
  });
  expect(kept.status).toBe(201);
  const renamed = await call('POST', '/me/events', { subject: 'Draft', ...slot(10) });
  expect((await call('PATCH', `/me/events/${renamed.body.id}`, { subject: 'Renamed' })).status).toBe(200);
  const removed = await call('POST', '/me/events', { subject: 'Removed', ...slot(11) });
  expect((await call('DELETE', `/me/events/${removed.body.id}`)).status).toBe(204);

  const folder = await call('POST', '/me/contactFolders', { displayName: 'Tandem' });
  expect(folder.status).toBe(201);
  const contact = await call('POST', `/me/contactFolders/${folder.body.id}/contacts`, {
    givenName: 'Ada',
    surname: 'Lovelace',
  });
  expect(contact.status).toBe(201);
  expect((await call('PATCH', `/me/contacts/${contact.body.id}`, { jobTitle: 'Mathematician' })).status).toBe(
    200,
  );

  // Through $batch too.
  const batch = await call('POST', '/$batch', {
    requests: [1, 2, 3].map((i) => ({
      id: String(i),
      method: 'POST',
      url: '/me/contacts',
      headers: { 'content-type': 'application/json' },
      body: { givenName: `Batch ${i}` },
    })),
  });
  expect(batch.body.responses.map((r: any) => r.status)).toEqual([201, 201, 201]);

  // A delta round the client holds the link of.
  const delta = await call('GET', `/me/contactFolders/${folder.body.id}/contacts/delta`);
  expect(delta.status).toBe(200);
  const deltaLink: string = delta.body['@odata.deltaLink'];
  expect(deltaLink).toBeDefined();

  expect(
    (
      await call('POST', '/me/sendMail', {
        message: {
          subject: 'Hello',
          body: { contentType: 'text', content: 'Hi' },
          toRecipients: [{ emailAddress: { address: 'customer@example.com' } }],
        },
      })
    ).status,
  ).toBe(202);

  first.child.kill('SIGKILL');
  await first.exited;

  const second = await startSandbox();
  // The signing key survived too: the token from before the crash still works.
  const again = graph(second.base, adminToken);
  const events = await again('GET', '/me/events?$top=100');
  expect(events.status).toBe(200);
  expect(events.body.value.map((e: any) => e.subject)).toEqual(['Renamed']);
  expect((await again('GET', `/me/calendars/${calendar.body.id}`)).body.name).toBe('Tandem');
  const inTandem = await again('GET', `/me/calendars/${calendar.body.id}/events`);
  expect(inTandem.body.value.map((e: any) => e.subject)).toEqual(['Kept']);
  expect((await again('GET', `/me/contacts/${contact.body.id}`)).body.jobTitle).toBe('Mathematician');
  const contacts = await again('GET', '/me/contacts?$top=100');
  expect(contacts.body.value.map((c: any) => c.givenName).sort()).toEqual(['Batch 1', 'Batch 2', 'Batch 3']);
  // The delta link from before the crash continues the round instead of answering 410.
  const next = await again('GET', deltaLink.replace(/^http:\/\/[^/]+/, second.base));
  expect(next.status).toBe(200);
  expect(next.body.value).toEqual([]);
  // Mail: the invitation in Bruno's inbox, the sent mail at the outside address.
  const bruno = await fetch(`${second.base}/sandbox/mailboxes/${BRUNO}/messages`);
  expect(((await bruno.json()) as any).value.map((m: any) => m.subject)).toEqual(['Kept']);
  const customer = await fetch(`${second.base}/sandbox/mailboxes/customer@example.com/messages`);
  expect(((await customer.json()) as any).value.map((m: any) => m.subject)).toEqual(['Hello']);
  expect((await token(second.base, 'dora.durable@contoso.example')).length).toBeGreaterThan(0);

  second.child.kill('SIGTERM');
  expect(await second.exited).toBe(0);
}, 120_000);

test('the journal replays to the same state the sandbox held, and compacts on open', async () => {
  const sandbox = createGraphSandbox({ crmAudience: CRM_AUDIENCE });
  const files = await SandboxFiles.open(sandbox, dataDir);
  const app = Fastify({ logger: false });
  await app.register(graphSandboxPlugin, { sandbox });
  const bearer = sandbox.issueToken(ADMIN, 'graph');
  const call = async (method: string, url: string, body?: unknown) => {
    const res = await app.inject({
      method: method as 'GET',
      url: `/graph/v1.0${url}`,
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
    return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined };
  };
  const series = await call('POST', '/me/events', {
    subject: 'Weekly',
    ...slot(8),
    recurrence: {
      pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday'] },
      range: { type: 'numbered', startDate: '2027-03-01', numberOfOccurrences: 4 },
    },
  });
  expect(series.status).toBe(201);
  const instances = await call(
    'GET',
    `/me/events/${series.body.id}/instances?startDateTime=2027-03-01T00:00:00Z&endDateTime=2027-04-01T00:00:00Z`,
  );
  expect(instances.status).toBe(200);
  const [firstOccurrence, secondOccurrence] = instances.body.value;
  expect((await call('PATCH', `/me/events/${firstOccurrence.id}`, { subject: 'Moved' })).status).toBe(200);
  expect((await call('DELETE', `/me/events/${secondOccurrence.id}`)).status).toBe(204);
  const doomed = await call('POST', '/me/calendars', { name: 'Doomed' });
  await call('POST', `/me/calendars/${doomed.body.id}/events`, { subject: 'Gone with it', ...slot(12) });
  await call(
    'GET',
    `/me/calendars/${doomed.body.id}/calendarView/delta?startDateTime=2027-01-01T00:00:00Z&endDateTime=2028-01-01T00:00:00Z`,
  );
  expect((await call('DELETE', `/me/calendars/${doomed.body.id}`)).status).toBe(204);
  await call('PATCH', `/me/calendar`, { color: 'lightBlue' });
  sandbox.expireDeltaTokens();
  await sandbox.flush();

  // No close: the process "dies" here; a second sandbox opens the same directory.
  const live = sandbox.snapshot();
  const reopened = createGraphSandbox({ crmAudience: CRM_AUDIENCE });
  const second = await SandboxFiles.open(reopened, dataDir);
  expect(JSON.parse(reopened.snapshot())).toEqual(JSON.parse(live));
  expect(reopened.jwks()).toEqual(sandbox.jwks());
  // Opening compacted: the journal holds its header only.
  const journal = await fs.readFile(SandboxFiles.files(dataDir).journal, 'utf8');
  expect(journal.trim().split('\n')).toHaveLength(1);
  await second.close();
  await app.close();
  await files.abandon();
});

test('the saved state and the snapshot route hold no private key; the key file is private', async () => {
  const sandbox = createGraphSandbox({ crmAudience: CRM_AUDIENCE });
  const files = await SandboxFiles.open(sandbox, dataDir);
  await files.close();
  const paths = SandboxFiles.files(dataDir);
  expect(await fs.readFile(paths.state, 'utf8')).not.toMatch(/PRIVATE KEY|privateKeyPem/);
  expect((await fs.stat(paths.key)).mode & 0o077).toBe(0);

  const app = Fastify({ logger: false });
  await app.register(graphSandboxPlugin, { sandbox });
  const snapshot = await app.inject({ method: 'GET', url: '/sandbox/admin/snapshot' });
  expect(snapshot.statusCode).toBe(200);
  expect(snapshot.body).not.toMatch(/PRIVATE KEY|privateKeyPem|signingKey/);
  // The sandbox restores from it and keeps signing with its own key.
  const before = sandbox.issueToken(ADMIN, 'graph');
  const restored = await app.inject({
    method: 'PUT',
    url: '/sandbox/admin/snapshot',
    payload: snapshot.body,
  });
  expect(restored.statusCode).toBe(204);
  const me = await app.inject({
    method: 'GET',
    url: '/graph/v1.0/me',
    headers: { authorization: `Bearer ${before}` },
  });
  expect(me.statusCode).toBe(200);
  await app.close();
});
