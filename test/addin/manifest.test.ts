import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { convert } from 'office-addin-manifest-converter';
import { validateManifest } from 'office-addin-manifest';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { manifestForOrigin } = require('../../scripts/manifest-origin') as {
  manifestForOrigin(xml: string, origin: string): string;
};

const ROOT = path.join(__dirname, '../..');
const MANIFEST = path.join(ROOT, 'manifest.xml');
const xml = fs.readFileSync(MANIFEST, 'utf8');

function parse(text: string): Element {
  const errors: string[] = [];
  const doc = new DOMParser({
    onError: (level, message) => {
      if (level !== 'warning') errors.push(message);
    },
  }).parseFromString(text, 'text/xml');
  if (errors.length) throw new Error(`manifest.xml is not well-formed: ${errors.join('; ')}`);
  if (!doc.documentElement) throw new Error('manifest.xml has no root element');
  return doc.documentElement;
}

const children = (e: Element): Element[] =>
  Array.from(e.childNodes).filter((n): n is Element => n.nodeType === 1);
const all = (e: Element, localName: string): Element[] =>
  Array.from(e.getElementsByTagNameNS('*', localName));

/** PNG dimensions from the IHDR chunk. */
function pngSize(file: string): { width: number; height: number } {
  const b = fs.readFileSync(file);
  expect(b.subarray(1, 4).toString('ascii')).toBe('PNG');
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

const root = parse(xml);

test('is well-formed, a MailApp, with the top-level elements in the schema’s order', () => {
  expect(root.localName).toBe('OfficeApp');
  expect(root.getAttributeNS('http://www.w3.org/2001/XMLSchema-instance', 'type')).toBe('MailApp');
  // The OfficeApp sequence of the MailApp schema (optional ones may be absent, never out of order).
  const order = [
    'Id',
    'Version',
    'ProviderName',
    'DefaultLocale',
    'DisplayName',
    'Description',
    'IconUrl',
    'HighResolutionIconUrl',
    'SupportUrl',
    'AppDomains',
    'Hosts',
    'Requirements',
    'FormSettings',
    'Permissions',
    'Rule',
    'DisableEntityHighlighting',
    'VersionOverrides',
  ];
  const names = children(root).map((c) => c.localName ?? '');
  const required = ['Id', 'Version', 'ProviderName', 'DefaultLocale', 'DisplayName', 'Description'];
  for (const r of [...required, 'Hosts', 'Requirements', 'FormSettings', 'Permissions', 'Rule']) {
    expect(names).toContain(r);
  }
  const positions = names.map((n) => order.indexOf(n));
  expect(positions).not.toContain(-1);
  expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  const mailbox = all(root, 'Set').find((s) => s.getAttribute('Name') === 'Mailbox');
  expect(mailbox).toBeDefined();
});

test('the Tandem group holds Open Tandem (ShowTaskpane) and Sync now (ExecuteFunction) on both surfaces', () => {
  const points = all(root, 'ExtensionPoint').map((p) => p.getAttribute('xsi:type'));
  expect(points).toEqual(['MessageReadCommandSurface', 'AppointmentOrganizerCommandSurface']);
  for (const point of all(root, 'ExtensionPoint')) {
    const actions = all(point, 'Action').map((a) => a.getAttribute('xsi:type'));
    expect(actions).toEqual(['ShowTaskpane', 'ExecuteFunction']);
    expect(all(point, 'FunctionName')[0]?.textContent).toBe('syncNow');
  }
});

test('every resid resolves to a resource of the right kind', () => {
  const ids = new Map<string, string>();
  for (const kind of ['Image', 'Url', 'String']) {
    for (const e of all(root, kind)) {
      const id = e.getAttribute('id');
      if (id) ids.set(id, kind);
    }
  }
  const refs = Array.from(root.getElementsByTagName('*')).filter((e) => e.hasAttribute('resid'));
  expect(refs.length).toBeGreaterThan(10);
  for (const ref of refs) {
    const resid = ref.getAttribute('resid') as string;
    const expected =
      ref.localName === 'Image'
        ? 'Image'
        : ['Label', 'Title', 'Description'].includes(ref.localName ?? '')
          ? 'String'
          : 'Url';
    expect({ resid, kind: ids.get(resid) }).toEqual({ resid, kind: expected });
  }
});

test('icons exist under assets/ at the sizes the manifest claims, including 16/32/64/80/128', () => {
  for (const size of [16, 32, 64, 80, 128]) {
    expect(pngSize(path.join(ROOT, `assets/icon-${size}.png`))).toEqual({ width: size, height: size });
  }
  const urls = [
    ...all(root, 'IconUrl'),
    ...all(root, 'HighResolutionIconUrl'),
    ...all(root, 'Image').filter((e) => e.hasAttribute('DefaultValue')),
  ].map((e) => e.getAttribute('DefaultValue') as string);
  for (const url of urls) {
    const file = path.join(ROOT, new URL(url).pathname);
    expect(fs.existsSync(file)).toBe(true);
    const size = Number(/icon-(\d+)\.png$/.exec(url)?.[1]);
    expect(pngSize(file)).toEqual({ width: size, height: size });
  }
});

test('Office’s own parser converts it, and the result validates against the bundled app-manifest schema', async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-manifest-'));
  await convert(MANIFEST, out, false);
  const result = await validateManifest(path.join(out, 'manifest.json'));
  expect(result.report?.errors ?? []).toEqual([]);
  expect(result.isValid).toBe(true);
});

test('the production manifest carries only https URLs of the production origin', () => {
  const production = parse(manifestForOrigin(xml, 'https://tandem.example.com/'));
  // Every URL the host fetches or trusts: DefaultValue attributes and the app domains.
  const urls = [
    ...Array.from(production.getElementsByTagName('*'))
      .map((e) => e.getAttribute('DefaultValue') ?? '')
      .filter((v) => /^[a-z]+:\/\//.test(v)),
    ...all(production, 'AppDomain').map((e) => e.textContent ?? ''),
  ];
  expect(urls.length).toBeGreaterThan(8);
  for (const url of urls) {
    const { protocol, host } = new URL(url);
    expect({ url, protocol }).toEqual({ url, protocol: 'https:' });
    if (host !== 'login.microsoftonline.com')
      expect({ url, host }).toEqual({ url, host: 'tandem.example.com' });
  }
  expect(() => manifestForOrigin(xml, 'http://tandem.example.com')).toThrow(/https/);
});
