import { ADMIN, BRUNO, FABRIKAM_ADMIN, startSandbox, type Harness } from './support/sandbox-harness';

let h: Harness;
beforeAll(async () => {
  h = await startSandbox();
});
afterAll(() => h.close());

const eventual = { ConsistencyLevel: 'eventual' };

test('/me answers the signed-in user with the default fields', async () => {
  const res = await h.as(BRUNO).get('/me');
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({
    displayName: 'Bruno Castillo',
    givenName: 'Bruno',
    surname: 'Castillo',
    mail: BRUNO,
    userPrincipalName: BRUNO,
    jobTitle: 'Sales Manager',
  });
  expect(Object.keys(res.body)).toEqual(
    expect.arrayContaining(['businessPhones', 'mobilePhone', 'officeLocation', 'preferredLanguage', 'id']),
  );
});

test('/users lists only the caller’s own tenant', async () => {
  const contoso = await h.as(ADMIN).get('/users');
  const fabrikam = await h.as(FABRIKAM_ADMIN).get('/users');
  const mails = (res: typeof contoso) => res.body.value.map((u: { mail: string }) => u.mail);
  expect(mails(contoso)).toHaveLength(10);
  expect(mails(contoso).every((m: string) => m.endsWith('@contoso.example'))).toBe(true);
  expect(mails(fabrikam).every((m: string) => m.endsWith('@fabrikam.example'))).toBe(true);

  const foreignId = h.sandbox.users('fabrikam.example')[0]!.id;
  const lookup = await h.as(ADMIN).get(`/users/${foreignId}`);
  expect(lookup.status).toBe(404);
  expect(lookup.body.error.code).toBe('Request_ResourceNotFound');
  expect((await h.as(ADMIN).get(`/users/${BRUNO}`)).body.displayName).toBe('Bruno Castillo');
});

test('$select, $filter (eq, startswith) and $top with nextLink paging', async () => {
  const client = h.as(ADMIN);
  const selected = await client.get('/users?$select=displayName,mail&$top=1');
  expect(Object.keys(selected.body.value[0]).sort()).toEqual(['displayName', 'id', 'mail']);

  const byGiven = await client.get(`/users?$filter=${encodeURIComponent("startswith(givenName,'car')")}`);
  expect(byGiven.body.value.map((u: { mail: string }) => u.mail)).toEqual(['carmen.delgado@contoso.example']);
  const byUpn = await client.get(`/users?$filter=${encodeURIComponent(`userPrincipalName eq '${BRUNO}'`)}`);
  expect(byUpn.body.value).toHaveLength(1);
  const bySurname = await client.get(
    `/users?$filter=${encodeURIComponent("surname eq 'Lopez' or startswith(displayName,'Irene')")}`,
  );
  expect(bySurname.body.value).toHaveLength(2);

  const pages = await client.pages('/users?$top=4&$select=displayName');
  expect(pages.map((p) => p.value.length)).toEqual([4, 4, 2]);
  expect(pages[0]['@odata.nextLink']).toMatch(/^http:\/\/graph\.test\/graph\/v1\.0\/users\?.*\$skiptoken=/);
  const names = pages.flatMap((p) => p.value.map((u: { displayName: string }) => u.displayName));
  expect(new Set(names).size).toBe(10);
});

test('$search needs ConsistencyLevel: eventual; $count answers @odata.count', async () => {
  const client = h.as(ADMIN);
  const refused = await client.get(`/users?$search=${encodeURIComponent('"displayName:del"')}`);
  expect(refused.status).toBe(400);
  expect(refused.body.error.code).toBe('Request_UnsupportedQuery');

  const found = await client.get(
    `/users?$search=${encodeURIComponent('"displayName:del"')}&$count=true`,
    eventual,
  );
  expect(found.status).toBe(200);
  expect(found.body['@odata.count']).toBe(1);
  expect(found.body.value[0].displayName).toBe('Carmen Delgado');

  const either = await client.get(
    `/users?$search=${encodeURIComponent('"displayName:hugo" OR "mail:irene"')}`,
    eventual,
  );
  expect(either.body.value).toHaveLength(2);

  expect((await client.get('/users?$count=true')).status).toBe(400);
});

test('advanced filters need ConsistencyLevel and $count', async () => {
  const client = h.as(ADMIN);
  const filter = encodeURIComponent("endswith(mail,'lopez@contoso.example')");
  expect((await client.get(`/users?$filter=${filter}`)).status).toBe(400);
  const ok = await client.get(`/users?$filter=${filter}&$count=true`, eventual);
  expect(ok.body.value).toHaveLength(1);
});

test('users added through the admin API appear in their tenant’s directory', async () => {
  const res = await h.inject({
    method: 'POST',
    url: '/sandbox/admin/users',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({
      tenant: 'fabrikam.example',
      userPrincipalName: 'rui.santos',
      givenName: 'Rui',
      surname: 'Santos',
    }),
  });
  expect(res.statusCode).toBe(201);
  const list = await h.as(FABRIKAM_ADMIN).get(`/users?$filter=${encodeURIComponent("givenName eq 'Rui'")}`);
  expect(list.body.value[0].userPrincipalName).toBe('rui.santos@fabrikam.example');
  expect(
    (await h.as(ADMIN).get(`/users?$filter=${encodeURIComponent("givenName eq 'Rui'")}`)).body.value,
  ).toEqual([]);
});
