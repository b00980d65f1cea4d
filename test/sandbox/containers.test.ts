import { ADMIN, startSandbox, type GraphClient, type Harness } from './support/sandbox-harness';

/** Calendars and contact folders carry single-value extended properties, as Graph's do. */

const MARKER = 'String {0b7e2c4a-1f3d-4e5a-9c8b-6d2f1a0e9b37} Name AppContainer';
const OTHER = 'String {0b7e2c4a-1f3d-4e5a-9c8b-6d2f1a0e9b37} Name Other';
interface Container {
  id: string;
  name?: string;
  displayName?: string;
  singleValueExtendedProperties?: { id: string; value: string }[];
}

const expand = (id: string) => encodeURIComponent(`singleValueExtendedProperties($filter=id eq '${id}')`);

let h: Harness;
let me: GraphClient;
beforeAll(async () => {
  h = await startSandbox();
});
beforeEach(() => {
  h.sandbox.reset();
  me = h.as(ADMIN);
});
afterAll(() => h.close());

const kinds = [
  { path: '/me/calendars', nameProperty: 'name' },
  { path: '/me/contactFolders', nameProperty: 'displayName' },
] as const;

describe.each(kinds)('$path', ({ path, nameProperty }) => {
  test('properties written on create come back only when expanded, filtered by id', async () => {
    const created = await me.post(path, {
      [nameProperty]: 'Marked',
      singleValueExtendedProperties: [
        { id: MARKER, value: 'ours' },
        { id: OTHER, value: 'x' },
      ],
    });
    expect(created.status).toBe(201);
    expect(created.body.singleValueExtendedProperties).toBeUndefined();
    await me.post(path, { [nameProperty]: 'Plain' });

    const plain = await me.get(path);
    for (const c of plain.body.value) expect(c.singleValueExtendedProperties).toBeUndefined();

    const listed = await me.get(`${path}?$expand=${expand(MARKER)}`);
    const byName = new Map((listed.body.value as Container[]).map((c) => [c[nameProperty], c]));
    expect(byName.get('Marked')?.singleValueExtendedProperties).toEqual([{ id: MARKER, value: 'ours' }]);
    expect(byName.get('Plain')?.singleValueExtendedProperties ?? []).toEqual([]);

    const one = await me.get(`${path}/${created.body.id}?$expand=${expand(MARKER.toLowerCase())}`);
    expect(one.body.singleValueExtendedProperties).toEqual([{ id: MARKER, value: 'ours' }]);
  });

  test('PATCH adds or replaces properties and keeps the name when none is sent', async () => {
    const created = await me.post(path, { [nameProperty]: 'Later' });
    const patched = await me.patch(`${path}/${created.body.id}`, {
      singleValueExtendedProperties: [{ id: MARKER, value: 'stamped' }],
    });
    expect(patched.status).toBe(200);
    expect(patched.body[nameProperty]).toBe('Later');
    await me.patch(`${path}/${created.body.id}`, { [nameProperty]: 'Renamed' });
    const read = await me.get(`${path}/${created.body.id}?$expand=${expand(MARKER)}`);
    expect(read.body[nameProperty]).toBe('Renamed');
    expect(read.body.singleValueExtendedProperties).toEqual([{ id: MARKER, value: 'stamped' }]);
  });

  test('an invalid property id is refused', async () => {
    const res = await me.post(path, {
      [nameProperty]: 'Bad',
      singleValueExtendedProperties: [{ id: 'NotAnId', value: 'x' }],
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('ErrorInvalidProperty');
  });

  test('a second container with the same name is refused with 409 ErrorFolderExists', async () => {
    await me.post(path, { [nameProperty]: 'Tandem' });
    const again = await me.post(path, { [nameProperty]: 'TANDEM' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('ErrorFolderExists');
    expect((await me.post(path, { [nameProperty]: 'Tandem (2)' })).status).toBe(201);
  });
});
