import { ADMIN, BRUNO, startSandbox, type Harness } from './support/sandbox-harness';

let h: Harness;
beforeAll(async () => {
  h = await startSandbox();
});
afterAll(() => h.close());

function aMessage(to: string[], subject = 'Welcome to Tandem') {
  return {
    message: {
      subject,
      body: { contentType: 'Text', content: 'Open the add-in to join.' },
      toRecipients: to.map((address) => ({ emailAddress: { address } })),
    },
  };
}

test('sendMail answers 202 and delivers to sandbox users, outside addresses and Sent Items', async () => {
  const res = await h.as(ADMIN).post('/me/sendMail', aMessage([BRUNO, 'partner@outside.example']));
  expect(res.status).toBe(202);
  expect(res.body).toBeUndefined();
  expect(h.sandbox.mailbox(BRUNO)).toEqual([
    expect.objectContaining({
      kind: 'mail',
      subject: 'Welcome to Tandem',
      from: { name: 'Ana Admin', address: ADMIN },
    }),
  ]);
  expect(h.sandbox.mailbox('partner@outside.example')).toHaveLength(1);
  expect(h.sandbox.sentItems(ADMIN)).toHaveLength(1);

  await h.as(ADMIN).post('/me/sendMail', { ...aMessage([BRUNO], 'Quiet'), saveToSentItems: false });
  expect(h.sandbox.sentItems(ADMIN)).toHaveLength(1);
  const listed = await h.inject({ url: `/sandbox/mailboxes/${BRUNO}/messages` });
  expect(listed.json().value.map((m: { subject: string }) => m.subject)).toEqual([
    'Welcome to Tandem',
    'Quiet',
  ]);
  const sent = await h.inject({ url: `/sandbox/mailboxes/${ADMIN}/messages?folder=sentitems` });
  expect(sent.json().value).toHaveLength(1);
});

test('sendMail without recipients or with unknown properties is refused', async () => {
  expect((await h.as(ADMIN).post('/me/sendMail', aMessage([]))).body.error.code).toBe(
    'ErrorInvalidRecipients',
  );
  const odd = await h
    .as(ADMIN)
    .post('/me/sendMail', { message: { ...aMessage([BRUNO]).message, priority: 'x' } });
  expect(odd.status).toBe(400);
});
