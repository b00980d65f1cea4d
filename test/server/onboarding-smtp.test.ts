import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/server/config';
import { PermanentMailError } from '../../src/server/mail/mail-transport';
import { enqueueMail } from '../../src/server/mail/outbox';
import { createSmtpTransport } from '../../src/server/mail/smtp-transport';
import { startServer } from '../../src/server/server';
import { startFakeSmtpServer } from './fake-smtp-server';
import { openIsolatedStore } from './isolated-store';

const FROM = { name: 'Tandem', address: 'no-reply@tandem.test' };

test('the SMTP transport logs in and hands the plain-text mail over; a refused recipient is a permanent failure', async () => {
  const smtp = await startFakeSmtpServer({ refuse: (address) => address.startsWith('ghost') });
  const transport = createSmtpTransport(`smtp://mailer:s3cret@127.0.0.1:${smtp.port}`);
  try {
    await transport.send({
      from: FROM,
      to: 'ana@contoso.example',
      subject: 'Hello there',
      text: 'Line one\nLine two',
    });
    expect(smtp.logins).toEqual(['mailer']);
    expect(smtp.received).toHaveLength(1);
    const [message] = smtp.received;
    expect(message).toMatchObject({ from: 'no-reply@tandem.test', to: ['ana@contoso.example'] });
    expect(message!.data).toMatch(/^Subject: Hello there\r$/m);
    expect(message!.data).toMatch(/^From: Tandem <no-reply@tandem\.test>\r$/m);
    expect(message!.data).toMatch(/^Content-Type: text\/plain; charset=utf-8\r$/im);
    expect(message!.data).toContain('Line one\r\nLine two');

    await expect(
      transport.send({ from: FROM, to: 'ghost@contoso.example', subject: 'x', text: 'x' }),
    ).rejects.toBeInstanceOf(PermanentMailError);
  } finally {
    transport.close();
    await smtp.close();
  }
  // The server is gone: a temporary failure, to be retried.
  const down = createSmtpTransport(`smtp://127.0.0.1:${smtp.port}`);
  const failure = await down
    .send({ from: FROM, to: 'ana@contoso.example', subject: 'x', text: 'x' })
    .catch((e) => e);
  expect(String(failure?.message)).toMatch(/ECONNREFUSED|connect/i);
  expect(failure).not.toBeInstanceOf(PermanentMailError);
  down.close();
});

test('with TANDEM_SMTP_URL the server delivers its outbox through SMTP', async () => {
  const smtp = await startFakeSmtpServer();
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'tandem-smtp-'));
  // On PostgreSQL, a database of its own (the server's sender drains the whole outbox).
  const database = process.env.DATABASE_URL ? await openIsolatedStore() : undefined;
  const server = await startServer(
    loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      TANDEM_DATA_DIR: dataDir,
      TANDEM_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      TANDEM_MAIL_FROM: 'Contoso CRM <crm@contoso.example>',
      ...(database?.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {}),
    }),
  );
  try {
    await enqueueMail(server.store.db, {
      orgId: null,
      to: 'bruno@contoso.example',
      language: 'en',
      template: 'join_approved',
      params: { orgName: 'Contoso', link: 'https://tandem.test/taskpane.html' },
    });
    server.mailSender?.wake();
    const end = Date.now() + 10_000;
    while (smtp.received.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    expect(smtp.received).toEqual([
      expect.objectContaining({ from: 'crm@contoso.example', to: ['bruno@contoso.example'] }),
    ]);
    expect(smtp.received[0]!.data).toMatch(/^Subject: You have joined Contoso on Tandem\r$/m);
  } finally {
    await server.close();
    await database?.close();
    await smtp.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
});
