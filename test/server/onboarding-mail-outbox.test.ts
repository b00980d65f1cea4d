import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/server/config';
import type { Store } from '../../src/server/db/store';
import {
  PermanentMailError,
  type MailTransport,
  type OutgoingMail,
} from '../../src/server/mail/mail-transport';
import { renderMail } from '../../src/server/mail/mail-templates';
import { enqueueMail } from '../../src/server/mail/outbox';
import { OutboxSender } from '../../src/server/mail/outbox-sender';
import { startServer } from '../../src/server/server';
import { openIsolatedStore, type IsolatedStore } from './isolated-store';

const FROM = { name: 'Tandem', address: 'no-reply@tandem.test' };
const unique = (label: string) =>
  `${label}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@mail.example`;

function recorder(): MailTransport & { sent: OutgoingMail[] } {
  const sent: OutgoingMail[] = [];
  return { sent, send: async (mail) => void sent.push(mail) };
}

const failing = (error: Error = new Error('connection refused')): MailTransport => ({
  send: async () => {
    throw error;
  },
});

async function row(store: Store, recipient: string) {
  return store.db
    .selectFrom('outbox')
    .selectAll()
    .where('recipient', '=', recipient)
    .executeTakeFirstOrThrow();
}

async function until<T>(check: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const queue = (store: Store, to: string) =>
  enqueueMail(store.db, {
    orgId: null,
    to,
    language: 'en',
    template: 'join_rejected',
    params: { orgName: 'Contoso' },
  });

describe('the sender', () => {
  let isolated: IsolatedStore;
  let store: Store;
  beforeAll(async () => {
    isolated = await openIsolatedStore();
    store = isolated.store;
  });
  afterAll(() => isolated.close());

  test('retries with growing back-off, then succeeds and forgets the body', async () => {
    const to = unique('retry');
    await queue(store, to);
    const down = new OutboxSender({ db: store.db, transport: failing(), from: FROM, baseDelayMs: 60_000 });
    while ((await down.runOnce()) > 0);
    const first = await row(store, to);
    expect(first).toMatchObject({ status: 'pending', attempts: 1, last_error: 'connection refused' });
    const firstDelay = first.next_attempt_at.getTime() - Date.now();
    expect(firstDelay).toBeGreaterThan(40_000);
    expect(firstDelay).toBeLessThan(80_000);
    // Not due yet: the next round leaves it alone.
    expect(await down.runOnce()).toBe(0);

    await store.db
      .updateTable('outbox')
      .set({ next_attempt_at: new Date() })
      .where('recipient', '=', to)
      .execute();
    while ((await down.runOnce()) > 0);
    const second = await row(store, to);
    expect(second.attempts).toBe(2);
    expect(second.next_attempt_at.getTime() - Date.now()).toBeGreaterThan(90_000);

    await store.db
      .updateTable('outbox')
      .set({ next_attempt_at: new Date() })
      .where('recipient', '=', to)
      .execute();
    const up = recorder();
    while ((await new OutboxSender({ db: store.db, transport: up, from: FROM }).runOnce()) > 0);
    expect(up.sent.filter((m) => m.to === to)).toEqual([
      { from: FROM, to, ...renderMail('join_rejected', 'en', { orgName: 'Contoso' }) },
    ]);
    expect(await row(store, to)).toMatchObject({ status: 'sent', attempts: 3, body: null, last_error: null });
  });

  test('gives up after the last attempt, or at once on a permanent refusal', async () => {
    const tired = unique('tired');
    const refused = unique('refused');
    await queue(store, tired);
    const sender = new OutboxSender({ db: store.db, transport: failing(), from: FROM, maxAttempts: 2 });
    for (let i = 0; i < 2; i++) {
      await store.db
        .updateTable('outbox')
        .set({ next_attempt_at: new Date() })
        .where('recipient', '=', tired)
        .execute();
      while ((await sender.runOnce()) > 0);
    }
    expect(await row(store, tired)).toMatchObject({ status: 'failed', attempts: 2, body: null });

    await queue(store, refused);
    const permanent = new OutboxSender({
      db: store.db,
      transport: failing(new PermanentMailError('mailbox unavailable')),
      from: FROM,
    });
    while ((await permanent.runOnce()) > 0);
    expect(await row(store, refused)).toMatchObject({
      status: 'failed',
      attempts: 1,
      last_error: 'mailbox unavailable',
    });
  });

  test('back-off doubles up to its ceiling, with jitter', () => {
    const sender = new OutboxSender({
      db: store.db,
      transport: recorder(),
      from: FROM,
      baseDelayMs: 1000,
      maxDelayMs: 10_000,
    });
    for (const [attempt, expected] of [
      [1, 1000],
      [2, 2000],
      [3, 4000],
      [5, 10_000],
      [12, 10_000],
    ] as const) {
      const delay = sender.retryDelayMs(attempt);
      expect(delay).toBeGreaterThanOrEqual(expected * 0.8);
      expect(delay).toBeLessThanOrEqual(expected * 1.2);
    }
  });
});

test('a queued mail survives a restart, and so does one whose sender died mid-send', async () => {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'tandem-outbox-'));
  // On PostgreSQL, a database of its own: the servers' senders drain the whole outbox.
  const database = process.env.DATABASE_URL ? await openIsolatedStore() : undefined;
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    TANDEM_DATA_DIR: dataDir,
    ...(database?.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {}),
  });
  const queued = unique('queued');
  const inFlight = unique('in-flight');
  try {
    // First run: the mail server is down; the mail is tried once and stays queued.
    const first = await startServer(config, { mailTransport: failing() });
    await queue(first.store, queued);
    first.mailSender?.wake();
    await until(async () => (await row(first.store, queued)).attempts === 1);
    // A mail claimed by a sender that then died (its lease ran out).
    await queue(first.store, inFlight);
    await first.store.db
      .updateTable('outbox')
      .set({
        status: 'sending',
        attempts: 1,
        locked_until: new Date(Date.now() - 1000),
        next_attempt_at: new Date(Date.now() + 3600_000),
      })
      .where('recipient', '=', inFlight)
      .execute();
    await first.close();

    // Second run: the mail server is back.
    const transport = recorder();
    const second = await startServer(config, { mailTransport: transport });
    try {
      // The first mail's back-off is over (time passes between the runs).
      await second.store.db
        .updateTable('outbox')
        .set({ next_attempt_at: new Date() })
        .where('recipient', '=', queued)
        .execute();
      second.mailSender?.wake();
      await until(
        async () =>
          transport.sent.some((m) => m.to === queued) && transport.sent.some((m) => m.to === inFlight),
      );
      expect(transport.sent.filter((m) => m.to === queued || m.to === inFlight)).toHaveLength(2);
      expect(await row(second.store, queued)).toMatchObject({ status: 'sent', attempts: 2 });
      expect(await row(second.store, inFlight)).toMatchObject({ status: 'sent', attempts: 2 });
    } finally {
      await second.close();
    }
  } finally {
    await database?.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
});
