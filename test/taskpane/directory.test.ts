import { DirectoryError, GraphDirectory } from '../../src/taskpane/directory';
import { ADMIN, listenSandbox } from '../sandbox/support/sandbox-harness';

let h: Awaited<ReturnType<typeof listenSandbox>>;
beforeAll(async () => {
  h = await listenSandbox();
});
afterAll(() => h.close());

const directoryAs = (token: string, pageSize = 4) =>
  new GraphDirectory(`${h.baseUrl}/graph/v1.0`, () => Promise.resolve(token), undefined, pageSize);

test('pages through the whole tenant by nextLink, in name order', async () => {
  const directory = directoryAs(h.sandbox.issueToken(ADMIN, 'graph'));
  let page = await directory.search('');
  const names = page.users.map((u) => u.displayName);
  expect(page.users).toHaveLength(4);
  while (page.nextLink) {
    page = await directory.next(page.nextLink);
    names.push(...page.users.map((u) => u.displayName));
  }
  expect(names).toHaveLength(10);
  expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
  expect(names).toContain('Bruno Castillo');
});

test('searches by name or mail (with ConsistencyLevel: eventual), also across pages', async () => {
  const directory = directoryAs(h.sandbox.issueToken(ADMIN, 'graph'), 1);
  const carmen = await directory.search('carm');
  expect(carmen.users).toEqual([
    {
      id: expect.any(String),
      displayName: 'Carmen Delgado',
      email: 'carmen.delgado@contoso.example',
    },
  ]);
  // Searching by a mail word, one per page: the next links keep the search and its header.
  let page = await directory.search('madrid');
  expect(page.users).toHaveLength(0);
  page = await directory.search('d');
  const found = [...page.users];
  while (page.nextLink) {
    page = await directory.next(page.nextLink);
    found.push(...page.users);
  }
  expect(found.map((u) => u.displayName)).toEqual(
    expect.arrayContaining(['Carmen Delgado', 'David Esteban']),
  );
  expect(found.every((u) => /(^|[\s@._-])d/i.test(`${u.displayName} ${u.email}`))).toBe(true);
});

test('Graph refusals arrive as DirectoryError with Graph’s message', async () => {
  const directory = directoryAs('not-a-token');
  await expect(directory.search('')).rejects.toBeInstanceOf(DirectoryError);
  await expect(directory.search('')).rejects.toMatchObject({ status: 401 });
});
