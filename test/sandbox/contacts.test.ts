import { ADMIN, startSandbox, type GraphClient, type Harness } from './support/sandbox-harness';
import { aContact, byCrmId, CRM_ID_PROPERTY, crmId, emails, expandCrmId } from './support/graph-fixtures';

let h: Harness;
let me: GraphClient;
let folder: string;
beforeAll(async () => {
  h = await startSandbox();
});
beforeEach(async () => {
  h.sandbox.reset();
  me = h.as(ADMIN);
  const created = await me.post('/me/contactFolders', { displayName: 'Tandem' });
  expect(created.status).toBe(201);
  folder = created.body.id;
});
afterAll(() => h.close());

test('contact folders: create, list, get, delete, then 404', async () => {
  const list = await me.get('/me/contactFolders');
  expect(list.body.value).toEqual([
    expect.objectContaining({ id: folder, displayName: 'Tandem', parentFolderId: expect.any(String) }),
  ]);
  expect((await me.get(`/me/contactFolders/${folder}`)).body.displayName).toBe('Tandem');
  const contact = await me.post(`/me/contactFolders/${folder}/contacts`, aContact());
  expect((await me.delete(`/me/contactFolders/${folder}`)).status).toBe(204);
  expect((await me.get(`/me/contactFolders/${folder}`)).status).toBe(404);
  expect((await me.get(`/me/contacts/${contact.body.id}`)).status).toBe(404);
});

test('create answers 201 with the whole contact; PATCH answers the whole contact and replaces addresses whole', async () => {
  const created = await me.post(
    `/me/contactFolders/${folder}/contacts`,
    aContact({ homeAddress: { street: 'Calle Mayor 1', city: 'Madrid', postalCode: '28013' } }),
  );
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({
    displayName: 'Lucia Navarro',
    givenName: 'Lucia',
    parentFolderId: folder,
    emailAddresses: [{ address: 'lucia@navarro.example', name: 'Lucia Navarro' }],
    homeAddress: { street: 'Calle Mayor 1', city: 'Madrid', postalCode: '28013' },
    businessAddress: {},
    jobTitle: null,
  });
  expect(created.body['@odata.etag']).toBe(`W/"${created.body.changeKey}"`);

  const patched = await me.patch(`/me/contactFolders/${folder}/contacts/${created.body.id}`, {
    jobTitle: 'COO',
    homeAddress: { city: 'Sevilla' },
  });
  expect(patched.status).toBe(200);
  expect(patched.body).toMatchObject({
    jobTitle: 'COO',
    givenName: 'Lucia',
    homeAddress: { city: 'Sevilla' },
  });
  expect(patched.body.homeAddress.street).toBeUndefined();
  expect(patched.body.changeKey).not.toBe(created.body.changeKey);

  const stale = await me.patch(
    `/me/contacts/${created.body.id}`,
    { jobTitle: 'CEO' },
    { 'If-Match': created.body['@odata.etag'] },
  );
  expect(stale.status).toBe(412);
  expect((await me.delete(`/me/contacts/${created.body.id}`)).status).toBe(204);
  expect((await me.get(`/me/contacts/${created.body.id}`)).status).toBe(404);
});

test('service limits: a 4th email or a 3rd business phone is refused with 400', async () => {
  const path = `/me/contactFolders/${folder}/contacts`;
  expect((await me.post(path, aContact({ emailAddresses: emails(3) }))).status).toBe(201);
  const fourth = await me.post(path, aContact({ emailAddresses: emails(4) }));
  expect(fourth.status).toBe(400);
  expect(fourth.body.error.message).toMatch(/3 email addresses/);
  expect((await me.post(path, aContact({ businessPhones: ['1', '2', '3'] }))).status).toBe(400);
  const existing = (await me.post(path, aContact())).body;
  expect((await me.patch(`${path}/${existing.id}`, { emailAddresses: emails(4) })).status).toBe(400);
});

test('only v1.0 contact properties are accepted', async () => {
  for (const body of [
    aContact({ gender: 'female' }),
    aContact({ weddingAnniversary: '2001-05-05' }),
    aContact({ homeAddress: { street: 'x', county: 'y' } }),
  ]) {
    const res = await me.post(`/me/contactFolders/${folder}/contacts`, body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('RequestBodyRead');
  }
});

test('extended properties are expanded and filtered on contact lists', async () => {
  const path = `/me/contactFolders/${folder}/contacts`;
  const a = (await me.post(path, aContact(crmId('c-1')))).body;
  await me.post(path, aContact({ givenName: 'Pablo', ...crmId('c-2') }));
  const found = await me.get(
    `${path}?$filter=${encodeURIComponent(byCrmId('c-1'))}&$expand=${encodeURIComponent(expandCrmId())}`,
  );
  expect(found.body.value.map((c: { id: string }) => c.id)).toEqual([a.id]);
  expect(found.body.value[0].singleValueExtendedProperties).toEqual([{ id: CRM_ID_PROPERTY, value: 'c-1' }]);
  const byEmail = await me.get(
    `${path}?$filter=${encodeURIComponent("emailAddresses/any(a: a/address eq 'lucia@navarro.example')")}`,
  );
  expect(byEmail.body.value).toHaveLength(2);
});

describe('contacts/delta', () => {
  const delta = (suffix = '') => `/me/contactFolders/${folder}/contacts/delta${suffix}`;

  async function round(first: string, headers?: Record<string, string>) {
    const pages = await me.pages(first, headers);
    return {
      items: pages.flatMap((p) => p.value),
      pages,
      deltaLink: pages[pages.length - 1]['@odata.deltaLink'] as string,
    };
  }

  test('first round returns everything with $select, later rounds only changes and @removed', async () => {
    const path = `/me/contactFolders/${folder}/contacts`;
    const a = (await me.post(path, aContact({ givenName: 'Ana' }))).body;
    const b = (await me.post(path, aContact({ givenName: 'Berta' }))).body;
    const first = await round(delta('?$select=givenName,surname'));
    expect(first.items.map((c) => c.givenName).sort()).toEqual(['Ana', 'Berta']);
    expect(Object.keys(first.items[0]).sort()).toEqual(['@odata.etag', 'givenName', 'id', 'surname']);
    expect(first.deltaLink).toMatch(
      /^http:\/\/graph\.test\/graph\/v1\.0\/me\/contactFolders\/.+\/contacts\/delta\?\$deltatoken=/,
    );

    const none = await round(first.deltaLink);
    expect(none.items).toEqual([]);

    await me.patch(`${path}/${a.id}`, { surname: 'Changed' });
    await me.delete(`${path}/${b.id}`);
    const c = (await me.post(path, aContact({ givenName: 'Carla' }))).body;
    const second = await round(none.deltaLink);
    expect(second.items).toEqual(
      expect.arrayContaining([
        { '@odata.etag': expect.any(String), id: a.id, givenName: 'Ana', surname: 'Changed' },
        { '@odata.type': '#microsoft.graph.contact', id: b.id, '@removed': { reason: 'deleted' } },
        expect.objectContaining({ id: c.id, givenName: 'Carla' }),
      ]),
    );
    expect(second.items).toHaveLength(3);
  });

  test('Prefer odata.maxpagesize pages the round with nextLinks and acknowledges the preference', async () => {
    const path = `/me/contactFolders/${folder}/contacts`;
    for (const name of ['A', 'B', 'C', 'D', 'E']) await me.post(path, aContact({ givenName: name }));
    const prefer = { Prefer: 'odata.maxpagesize=2' };
    const first = await me.get(delta(), prefer);
    expect(first.headers['preference-applied']).toContain('odata.maxpagesize=2');
    expect(first.body.value).toHaveLength(2);
    expect(first.body['@odata.nextLink']).toMatch(/\$skiptoken=/);
    const all = await round(delta(), prefer);
    expect(all.pages.map((p) => p.value.length)).toEqual([2, 2, 1]);
  });
});
