import fs from 'node:fs/promises';
import path from 'node:path';
import { parseMailbox } from '../../src/server/mail/mail-transport';
import {
  renderMail,
  toLanguage,
  type TemplateName,
  type TemplateParams,
} from '../../src/server/mail/mail-templates';

const params: { [K in TemplateName]: TemplateParams[K] } = {
  invitation: {
    orgName: 'Contoso',
    inviterName: 'Ana Admin',
    link: 'https://tandem.test/taskpane.html#/invite/abc',
    expiresAt: new Date('2026-12-02T10:00:00Z'),
  },
  join_request: {
    orgName: 'Contoso',
    requesterName: 'Bruno',
    requesterEmail: 'bruno@contoso.example',
    link: 'https://tandem.test/taskpane.html#/users?approve=r1',
  },
  join_approved: { orgName: 'Contoso', link: 'https://tandem.test/taskpane.html' },
  join_rejected: { orgName: 'Contoso' },
  association_code: { code: '042917', minutes: 15 },
  address_code: { code: '042917', minutes: 15 },
  sync_reconnect: { orgName: 'Contoso' },
};

test.each(Object.keys(params) as TemplateName[])(
  '"%s" reads in English and in Spanish, plain, with what it must carry',
  (name) => {
    const en = renderMail(name, 'en', params[name] as never);
    const es = renderMail(name, 'es', params[name] as never);
    expect(en.subject).not.toBe(es.subject);
    expect(en.text).not.toBe(es.text);
    for (const mail of [en, es]) {
      expect(mail.subject).toContain(
        name === 'association_code' || name === 'address_code' ? '042917' : 'Contoso',
      );
      expect(mail.text).not.toMatch(/<[a-z]+[^>]*>/i);
      expect(mail.text).not.toContain('undefined');
      const link = (params[name] as { link?: string }).link;
      if (link) expect(mail.text).toContain(link);
    }
  },
);

test('dates follow the language', () => {
  expect(renderMail('invitation', 'en', params.invitation).text).toContain('2 December 2026');
  expect(renderMail('invitation', 'es', params.invitation).text).toContain('2 de diciembre de 2026');
});

test('languages: Spanish variants are Spanish, anything else English', () => {
  expect(['es', 'es-ES', 'ES-mx', 'en', 'fr', null, undefined].map(toLanguage)).toEqual([
    'es',
    'es',
    'es',
    'en',
    'en',
    'en',
    'en',
  ]);
});

test('the sender address is read as "Name <address>" or a bare address', () => {
  expect(parseMailbox('Contoso CRM <crm@contoso.example>')).toEqual({
    name: 'Contoso CRM',
    address: 'crm@contoso.example',
  });
  expect(parseMailbox('crm@contoso.example')).toEqual({ name: 'Tandem', address: 'crm@contoso.example' });
  expect(() => parseMailbox('not an address')).toThrow(/not a mail address/);
});

test('the server never imports the sandbox: mail reaches it through a transport wired by the CLI', async () => {
  const root = path.resolve(__dirname, '../../src/server');
  const files = (await fs.readdir(root, { recursive: true })).filter((f) => f.endsWith('.ts'));
  expect(files.length).toBeGreaterThan(20);
  for (const file of files) {
    const source = await fs.readFile(path.join(root, file), 'utf8');
    expect(`${file}: ${/from '(\.\.\/)+sandbox/.test(source)}`).toBe(`${file}: false`);
  }
});
