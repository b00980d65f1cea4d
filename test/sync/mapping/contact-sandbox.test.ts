/* eslint-disable @typescript-eslint/no-explicit-any -- Graph answers are arbitrary JSON. */
import fc from 'fast-check';
import { createContactMapper } from '../../../src/sync/mapping/contact-mapper';
import {
  CRM_ID_PROPERTY,
  crmIdFilter,
  crmIdOf,
  crmIdProperty,
  expandTandemProperties,
} from '../../../src/sync/mapping/extended-properties';
import type { ContactFields } from '../../../src/domain/contact';
import { graphOverHttp, type GraphHttp } from './support/graph-http';
import { aCrmContact, crmContactArbitrary } from './support/contact-fixtures';

let env: Awaited<ReturnType<typeof graphOverHttp>>;
let graph: GraphHttp;
let folder: string;
const mapper = createContactMapper();

beforeAll(async () => {
  env = await graphOverHttp();
  graph = env.graph;
});
beforeEach(async () => {
  env.sandbox.reset();
  folder = (await graph.ok(201, 'POST', '/me/contactFolders', { displayName: 'Tandem' })).id;
});
afterAll(() => env.close());

const expand = `$expand=${encodeURIComponent(expandTandemProperties())}`;

async function push(contact: ContactFields, crmId = 'crm-1') {
  const body = {
    ...mapper.toGraph(mapper.fromCrm(contact)),
    singleValueExtendedProperties: [crmIdProperty(crmId)],
  };
  const created = await graph.ok(201, 'POST', `/me/contactFolders/${folder}/contacts`, body);
  return graph.ok(200, 'GET', `/me/contactFolders/${folder}/contacts/${created.id}?${expand}`);
}

test('a full contact created from the CRM reads back as the same snapshot, carrying its CRM id', async () => {
  const contact = aCrmContact();
  const read = await push(contact, 'crm-42');
  expect(mapper.fromGraph(read)).toEqual(mapper.fromCrm(contact));
  expect(read.displayName).toBe('Lucía María Navarro Ruiz');
  expect(crmIdOf(read)).toBe('crm-42');
  const found = await graph.ok(
    200,
    'GET',
    `/me/contactFolders/${folder}/contacts?$filter=${encodeURIComponent(crmIdFilter('crm-42'))}`,
  );
  expect(found.value.map((c: any) => c.id)).toEqual([read.id]);
  expect(read.singleValueExtendedProperties).toEqual([{ id: CRM_ID_PROPERTY, value: 'crm-42' }]);
});

test('a partial update keeps what Outlook holds in unmapped slots and addresses stay whole', async () => {
  const read = await push(aCrmContact());
  // Someone adds a third email and a second business phone in Outlook.
  const edited = await graph.ok(200, 'PATCH', `/me/contacts/${read.id}`, {
    emailAddresses: [...read.emailAddresses, { address: 'assistant@navarro.example', name: 'Assistant' }],
    businessPhones: [...read.businessPhones, '+34 910 999 999'],
  });
  const snapshot = {
    ...mapper.fromGraph(edited),
    email: 'lucia.new@navarro.example',
    phone: '+34 910 000 111',
    mailingAddress: { city: 'Sevilla' },
  };
  const body = mapper.toGraph(snapshot, ['email', 'phone', 'mailingAddress'], edited);
  const after = await graph.ok(200, 'PATCH', `/me/contacts/${read.id}`, body);
  expect(after.emailAddresses.map((e: any) => e.address)).toEqual([
    'lucia.new@navarro.example',
    'lucia.navarro@personal.example',
    'assistant@navarro.example',
  ]);
  expect(after.emailAddresses[2].name).toBe('Assistant');
  expect(after.businessPhones).toEqual(['+34 910 000 111', '+34 910 999 999']);
  expect(after.businessAddress).toEqual({ city: 'Sevilla' });
  expect(mapper.fromGraph(after)).toEqual(snapshot);
});

test('a contact edited in Outlook maps to a CRM patch of the changed fields', async () => {
  const read = await push(aCrmContact());
  const base = mapper.fromGraph(read);
  const after = await graph.ok(200, 'PATCH', `/me/contacts/${read.id}`, {
    jobTitle: 'CEO',
    birthday: '1984-02-28T23:00:00Z',
    homeAddress: { street: 'Calle Luna 2', countryOrRegion: 'España' },
  });
  const snapshot = mapper.fromGraph(after);
  const changed = mapper.fields.filter((f) => JSON.stringify(snapshot[f]) !== JSON.stringify(base[f]));
  expect(changed).toEqual(['title']);
  expect(mapper.toCrm(snapshot, changed)).toEqual({ title: 'CEO' });
  expect(snapshot.birthdate).toBe('1984-02-29');
});

test('property: random CRM contacts survive a round trip through Graph over HTTP', async () => {
  await fc.assert(
    fc.asyncProperty(crmContactArbitrary, async (contact) => {
      const read = await push(contact);
      expect(mapper.fromGraph(read)).toEqual(mapper.fromCrm(contact));
    }),
    { numRuns: 40 },
  );
});
