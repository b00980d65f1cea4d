import type { GraphContact } from '../../src/domain/graph-contact-fields';
import type { Link } from '../../src/sync/changes';
import {
  GraphError,
  type BatchRequest,
  type BatchResult,
  type DeltaRound,
  type GraphClient,
} from '../../src/sync/graph';
import { createContactsGraphPort } from '../../src/sync/graph-port';
import { createContactMapper } from '../../src/sync/mapping/contact-mapper';
import type { Snapshot } from '../../src/sync/model';
import { isRetryable, type GraphWrite } from '../../src/sync/ports';
import { aGraphContact } from './mapping/support/contact-fixtures';

/**
 * What the contacts port sends for updates, over an in-memory Graph client: the If-Match of the
 * version the merge was computed against, and no write over a version it has not seen.
 */

type Contact = GraphContact & { id: string; changeKey: string };

/** Answers `$batch` reads and patches of contacts by id, honouring If-Match like Graph. */
class FakeGraphClient implements GraphClient {
  readonly baseUrl = 'https://graph.test/v1.0';
  readonly items = new Map<string, Contact>();
  readonly batches: BatchRequest[][] = [];
  deltaItems: Contact[] = [];
  staleStatus: 412 | 409 = 412;
  private keys = 0;

  add(id: string, changeKey: string, overrides: Partial<GraphContact> = {}): Contact {
    const item = { ...aGraphContact(overrides), id, changeKey } as Contact;
    this.items.set(id, item);
    return item;
  }

  /** An edit in Outlook: new content, new change key. */
  edit(id: string, patch: Partial<GraphContact>): void {
    const item = this.items.get(id)!;
    this.items.set(id, { ...item, ...patch, changeKey: `edited-${++this.keys}` });
  }

  async batch<T = unknown>(requests: BatchRequest[]): Promise<BatchResult<T>[]> {
    this.batches.push(requests);
    return requests.map((r, i) => this.answer(r, String(i)) as BatchResult<T>);
  }

  private answer(r: BatchRequest, id: string): BatchResult {
    const itemId = decodeURIComponent(r.path.replace('/me/contacts/', ''));
    const item = this.items.get(itemId);
    const fail = (kind: 'notFound' | 'conflict', status: number) => ({
      id,
      status,
      headers: {},
      body: undefined,
      error: new GraphError({ kind, status, message: `${status}`, method: r.method, path: r.path }),
    });
    if (!item) return fail('notFound', 404);
    if (r.method === 'GET') return { id, status: 200, headers: {}, body: item };
    if (r.ifMatch !== undefined && r.ifMatch !== `W/"${item.changeKey}"`) {
      return fail('conflict', this.staleStatus);
    }
    const next = { ...item, ...(r.body as object), changeKey: `written-${++this.keys}` };
    this.items.set(itemId, next);
    return { id, status: 200, headers: {}, body: next };
  }

  async collectDelta<T = unknown>(): Promise<DeltaRound<T>> {
    return { changed: this.deltaItems as T[], removed: [], deltaLink: 'delta-2' };
  }

  request<T>(): Promise<T> {
    throw new Error('not used');
  }
  // eslint-disable-next-line require-yield -- never called
  async *pages(): AsyncGenerator<never> {
    throw new Error('not used');
  }
  // eslint-disable-next-line require-yield -- never called
  async *list(): AsyncGenerator<never> {
    throw new Error('not used');
  }
  // eslint-disable-next-line require-yield -- never called
  async *delta(): AsyncGenerator<never> {
    throw new Error('not used');
  }
  stats() {
    return { calls: 0, requests: 0, retries: 0, throttled: 0, inFlight: 0, peakInFlight: 0 };
  }
}

const mapper = createContactMapper();

function setUp() {
  const client = new FakeGraphClient();
  const port = createContactsGraphPort({ client, mapper });
  return { client, port };
}

/** The update the engine sends after a merge against `base` (of the version with `changeKey`). */
function update(graphId: string, base: Snapshot, changeKey: string, fields: Snapshot): GraphWrite {
  return {
    op: 'update',
    graphId,
    snapshot: { ...base, ...fields },
    fields: Object.keys(fields),
    changeKey,
    base,
  };
}

const link = (graphId: string, snapshot: Snapshot, changeKey: string): Link => ({
  crmId: `crm-${graphId}`,
  graphId,
  snapshot,
  changeKey,
});

const patches = (client: FakeGraphClient) =>
  client.batches
    .flat()
    .filter((r) => r.method === 'PATCH' && !('singleValueExtendedProperties' in (r.body as object)));

test('an update of an item the delta brought carries If-Match with that version’s change key; a mark carries none', async () => {
  const { client, port } = setUp();
  const read = client.add('g1', 'k3', { companyName: 'Outlook Co' });
  client.add('g2', 'k8');
  client.deltaItems = [read];
  const base = mapper.fromGraph(read);
  // The link still holds an older key (the item changed since in a field the mapping leaves out).
  const { changes } = await port.changes('folder', 'delta-1', async () => [link('g1', base, 'k1')]);
  expect(changes).toEqual([expect.objectContaining({ graphId: 'g1', changeKey: 'k3' })]);

  const outcomes = await port.write('folder', [
    update('g1', base, 'k1', { title: 'CFO' }),
    { op: 'mark', graphId: 'g2', crmId: 'crm-g2' },
  ]);
  expect(outcomes.map((o) => o.ok)).toEqual([true, true]);
  // The delta's version is the one the merge saw: no second read.
  expect(client.batches).toHaveLength(1);
  const [patch, mark] = client.batches[0]!;
  expect(patch).toMatchObject({ method: 'PATCH', path: '/me/contacts/g1', ifMatch: 'W/"k3"' });
  expect(patch!.body).toMatchObject({ jobTitle: 'CFO' });
  expect(mark).toMatchObject({ method: 'PATCH', path: '/me/contacts/g2' });
  expect(mark!.ifMatch).toBeUndefined();
});

test('an item the run did not read is read first and written over that version while it is the merged one', async () => {
  const { client, port } = setUp();
  // Unchanged since the link: same key.
  const same = client.add('g1', 'k1');
  // A new key but the same content (our own mark, or an edit of a field the mapping leaves out).
  const marked = client.add('g2', 'k7', { givenName: 'Ada', surname: 'Lovelace' });
  await port.changes('folder', 'delta-1', async () => []);

  const outcomes = await port.write('folder', [
    update('g1', mapper.fromGraph(same), 'k1', { title: 'CFO' }),
    update('g2', mapper.fromGraph(marked), 'k5', { title: 'Analyst' }),
  ]);
  expect(outcomes).toEqual([
    { ok: true, value: { graphId: 'g1', changeKey: expect.stringMatching(/^written-/) } },
    { ok: true, value: { graphId: 'g2', changeKey: expect.stringMatching(/^written-/) } },
  ]);
  expect(client.batches).toHaveLength(2);
  expect(client.batches[0]!.map((r) => `${r.method} ${r.path}`)).toEqual([
    'GET /me/contacts/g1',
    'GET /me/contacts/g2',
  ]);
  expect(client.batches[1]!.map((r) => r.ifMatch)).toEqual(['W/"k1"', 'W/"k7"']);
});

test('an Outlook edit that landed after the delta read is not written over: conflict, retried next run', async () => {
  const { client, port } = setUp();
  const item = client.add('g1', 'k1');
  const base = mapper.fromGraph(item);
  await port.changes('folder', 'delta-1', async () => []);
  client.edit('g1', { jobTitle: 'Edited in Outlook' });

  const [outcome] = await port.write('folder', [update('g1', base, 'k1', { title: 'CFO' })]);
  expect(outcome).toMatchObject({ ok: false, error: { kind: 'conflict' } });
  expect(isRetryable((outcome as { error: { kind: 'conflict' } }).error.kind)).toBe(true);
  expect(patches(client)).toEqual([]);
  expect(client.items.get('g1')!.jobTitle).toBe('Edited in Outlook');
});

test('an item changed before the run’s delta read, which the delta did not report, is written over as read now', async () => {
  const { client, port } = setUp();
  // Modified an hour ago (an event outside the window, or a change already merged that maps back
  // differently): its key and content differ from the link, and no later delta would report it.
  const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
  const item = client.add('g1', 'k9', { jobTitle: 'Old Outlook title', lastModifiedDateTime: hourAgo });
  const base = { ...mapper.fromGraph(item), title: 'Linked title' };
  await port.changes('folder', 'delta-1', async () => []);

  const [outcome] = await port.write('folder', [update('g1', base, 'k1', { phone: '+34 600 000 000' })]);
  expect(outcome!.ok).toBe(true);
  expect(patches(client).map((r) => r.ifMatch)).toEqual(['W/"k9"']);

  // The same, modified just now: an edit racing this run, left for the next run's delta.
  client.edit('g1', { jobTitle: 'Edited just now', lastModifiedDateTime: new Date().toISOString() });
  const [raced] = await port.write('folder', [update('g1', base, 'k1', { phone: '+34 600 000 001' })]);
  expect(raced).toMatchObject({ ok: false, error: { kind: 'conflict' } });
});

test.each([412, 409] as const)(
  'an edit between our read and our PATCH (stale If-Match, %i) is a conflict to retry, with a clear message',
  async (status) => {
    const { client, port } = setUp();
    client.staleStatus = status;
    const item = client.add('g1', 'k1');
    client.deltaItems = [item];
    await port.changes('folder', 'delta-1', async () => [link('g1', mapper.fromGraph(item), 'k1')]);
    client.edit('g1', { jobTitle: 'Edited in Outlook' });

    const [outcome] = await port.write('folder', [
      update('g1', mapper.fromGraph(item), 'k1', { title: 'CFO' }),
    ]);
    expect(outcome).toEqual({
      ok: false,
      error: { kind: 'conflict', message: expect.stringMatching(/changed in Outlook .* next sync/) },
    });
    expect(patches(client)).toHaveLength(1);
    expect(client.items.get('g1')!.jobTitle).toBe('Edited in Outlook');
  },
);

test('a new run does not write over the version an earlier run read', async () => {
  const { client, port } = setUp();
  const item = client.add('g1', 'k1');
  client.deltaItems = [item];
  const base = mapper.fromGraph(item);
  await port.changes('folder', 'delta-1', async () => [link('g1', base, 'k1')]);
  // Our own write of that run moved the item on; the next run's delta has nothing new.
  await port.write('folder', [update('g1', base, 'k1', { title: 'CFO' })]);
  const written = client.items.get('g1')!;
  client.deltaItems = [];
  await port.changes('folder', 'delta-2', async () => []);
  client.batches.length = 0;

  const next = mapper.fromGraph(written);
  const [outcome] = await port.write('folder', [update('g1', next, written.changeKey, { title: 'CEO' })]);
  expect(outcome!.ok).toBe(true);
  expect(client.batches.map((b) => b.map((r) => `${r.method} ${r.ifMatch ?? ''}`))).toEqual([
    ['GET '],
    [`PATCH W/"${written.changeKey}"`],
  ]);
});

test('a delta asks for the links of the items it brought; a full listing for every link', async () => {
  const { client, port } = setUp();
  const item = client.add('g1', 'k1');
  client.deltaItems = [item];
  const asked: (readonly string[] | undefined)[] = [];
  const linksOf = async (graphIds?: readonly string[]) => {
    asked.push(graphIds);
    return [link('g1', mapper.fromGraph(item), 'k1')];
  };
  await port.changes('folder', 'delta-1', linksOf);
  await port.changes('folder', null, linksOf);
  expect(asked).toEqual([['g1'], undefined]);
});

describe('text Outlook stores and the CRM cannot', () => {
  test('NUL and lone surrogates read from Graph become U+FFFD, in the snapshot and the version kept', async () => {
    const { client, port } = setUp();
    const item = client.add('g1', 'k1', {
      givenName: 'Ana\u0000Lucía',
      surname: 'Ruiz\uD800',
      companyName: '\uDC00Co',
    });
    client.deltaItems = [item];
    const { changes } = await port.changes('folder', 'delta-1', async () => [link('g1', {}, 'k1')]);
    expect(changes).toEqual([
      expect.objectContaining({
        graphId: 'g1',
        snapshot: expect.objectContaining({
          firstName: 'Ana\uFFFDLucía',
          lastName: 'Ruiz\uFFFD',
          accountName: '\uFFFDCo',
        }),
      }),
    ]);
    // A well-formed pair (an emoji) is left as it is.
    const emoji = client.add('g2', 'k1', { givenName: 'Zoë 🙂' });
    client.deltaItems = [emoji];
    const again = await port.changes('folder', 'delta-2', async () => [link('g2', {}, 'k1')]);
    expect(again.changes[0]).toMatchObject({ snapshot: { firstName: 'Zoë 🙂' } });
  });

  test('an item whose content the mapping refuses is reported as unreadable; the others are read', async () => {
    const client = new FakeGraphClient();
    const refusing = {
      ...mapper,
      fromGraph: (c: GraphContact) => {
        if (c.givenName === 'Broken') throw new Error('birthday is not a date');
        return mapper.fromGraph(c);
      },
    };
    const port = createContactsGraphPort({ client, mapper: refusing });
    client.deltaItems = [client.add('g1', 'k1', { givenName: 'Broken' }), client.add('g2', 'k1')];
    const read = await port.changes('folder', 'delta-1', async () => [
      link('g1', {}, 'k0'),
      link('g2', {}, 'k0'),
    ]);
    expect(read.changes.map((c) => c.graphId)).toEqual(['g2']);
    expect(read.unreadable).toEqual([{ graphId: 'g1', message: 'birthday is not a date' }]);
  });
});

test('the port reads the time of its delta read from the clock it is given', async () => {
  const client = new FakeGraphClient();
  // Our clock says the run began on 1 June 2026; Outlook last changed the item at 09:00 that day.
  const runStart = Date.parse('2026-06-01T12:00:00Z');
  const port = createContactsGraphPort({ client, mapper, now: () => runStart });
  const item = client.add('g1', 'k9', {
    jobTitle: 'Outlook title',
    lastModifiedDateTime: '2026-06-01T09:00:00Z',
  });
  const base = { ...mapper.fromGraph(item), title: 'Linked title' };
  await port.changes('folder', 'delta-1', async () => []);
  const [outcome] = await port.write('folder', [update('g1', base, 'k1', { phone: '+34 600 000 000' })]);
  expect(outcome!.ok).toBe(true);

  // On a clock that says the run began at 09:01, the same change raced the run: it waits.
  const racing = createContactsGraphPort({ client, mapper, now: () => Date.parse('2026-06-01T09:01:00Z') });
  client.edit('g1', { lastModifiedDateTime: '2026-06-01T09:00:00Z' });
  await racing.changes('folder', 'delta-1', async () => []);
  const [raced] = await racing.write('folder', [update('g1', base, 'k1', { phone: '+34 600 000 001' })]);
  expect(raced).toMatchObject({ ok: false, error: { kind: 'conflict' } });
});
