import { plainLine, renderMail } from '../../src/server/mail/mail-templates';
import { createTestApp, type TestApp } from '../support/app';
import { as, createTenant, type TestTenant } from '../support/fixtures';

/** Small holes hostile input found: what an answer reveals, impossible dates, stored cursors, mail text. */

let t: TestApp;
let tenant: TestTenant;
beforeAll(async () => {
  t = await createTestApp();
  tenant = await createTenant(t.store, t.issuer, { memberCount: 1 });
});
afterAll(() => t.close());

const admin = () => as(t.app, tenant.admin);

test('inviting an address with an account in another organisation answers like any other address', async () => {
  const elsewhere = await createTenant(t.store, t.issuer, { memberCount: 1 });
  const stranger = `nobody-${tenant.tenantId.slice(0, 8)}@nowhere.example`;
  const res = await admin().post('/api/invitations', {
    invitees: [{ email: elsewhere.members[0]!.email }, { email: stranger }],
  });
  expect(res.statusCode).toBe(201);
  const body = res.json();
  expect(body.skipped).toEqual([]);
  expect(body.invited.map((i: { email: string }) => i.email)).toEqual([
    elsewhere.members[0]!.email,
    stranger,
  ]);
  expect(JSON.stringify(body)).not.toMatch(/account/);
  // Members of the inviting organisation are still skipped.
  const own = await admin().post('/api/invitations', { invitees: [{ email: tenant.members[0]!.email }] });
  expect(own.json().skipped).toEqual([{ email: tenant.members[0]!.email, reason: 'already_member' }]);
});

test.each(['2024-02-30', '0000-00-00', '2023-02-29', '2024-13-01', '2024-04-31'])(
  'birthdate %s does not exist: 400 naming the field, nothing stored',
  async (birthdate) => {
    const res = await admin().post('/api/contacts', { firstName: 'Ana', birthdate });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toContain('birthdate');
    const update = await admin().post('/api/contacts', { firstName: 'Ana', birthdate: '2024-02-29' });
    expect(update.statusCode).toBe(201);
    const patched = await admin().patch(`/api/contacts/${update.json().id}`, { birthdate });
    expect(patched.statusCode).toBe(400);
    expect(patched.json().error.message).toContain('birthdate');
  },
);

test('a sync state cursor that /changes would refuse is refused when stored', async () => {
  const member = as(t.app, tenant.members[0]!);
  const tooLong = '1234567890123456789';
  expect((await member.get(`/api/sync/contacts/changes?cursor=${tooLong}`)).statusCode).toBe(400);
  const res = await member.patch('/api/sync/contacts/state', { crmCursor: tooLong });
  expect(res.statusCode).toBe(400);
  expect(res.json().error.message).toContain('crmCursor');
  expect((await member.get('/api/sync/contacts/state')).json().crmCursor).toBeNull();
  expect((await member.patch('/api/sync/contacts/state', { crmCursor: '42' })).statusCode).toBe(204);
  expect((await member.get('/api/sync/contacts/state')).json().crmCursor).toBe('42');
});

describe('names in mails', () => {
  const hostile = 'Contoso\r\nBcc: victim@example.com\r\n\r\n<a href="https://evil.example">Click</a>';

  test('line breaks fold into one line and markup is not kept verbatim, in subject and body', () => {
    for (const language of ['en', 'es'] as const) {
      const mail = renderMail('join_request', language, {
        orgName: hostile,
        requesterName: 'Eve\nAdmin\u2028<b>',
        requesterEmail: 'eve@example.com',
        link: 'https://tandem.test/taskpane.html#/users?approve=r1',
      });
      expect(mail.subject).not.toMatch(/[\r\n\u2028]/);
      expect(mail.subject).toContain('Contoso Bcc: victim@example.com');
      for (const text of [mail.subject, mail.text]) {
        expect(text).not.toMatch(/<\/?[a-z]/i);
        expect(text).not.toContain('\r');
        expect(text).not.toContain('\u2028');
      }
      // The template's own paragraphs stay; the names add no line of their own.
      expect(mail.text.split('\n').some((line) => line.startsWith('Bcc:'))).toBe(false);
    }
  });

  test('plainLine keeps ordinary names as they are', () => {
    expect(plainLine('  Müller & Söhne, S.L.  ')).toBe('Müller & Söhne, S.L.');
    expect(plainLine('a\tb\u0000c')).toBe('a b c');
  });

  test('a subject cannot gain a header line', () => {
    const mail = renderMail('join_rejected', 'en', { orgName: 'Evil\r\nSubject: pwned <script>x</script>' });
    expect(mail.subject).toBe(
      'Your request to join Evil Subject: pwned \u2039script\u203Ax\u2039/script\u203A on Tandem',
    );
  });
});
