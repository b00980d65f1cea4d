import { databaseErrorAnswer } from '../../src/server/errors';
import { createTestApp, type TestApp } from '../support/app';
import { as, createTenant, type TestTenant } from '../support/fixtures';

/** Input no route may store or choke on: unstorable text and batches that name one id twice. */

let t: TestApp;
let tenant: TestTenant;
beforeAll(async () => {
  t = await createTestApp();
  tenant = await createTenant(t.store, t.issuer, { memberCount: 1 });
});
afterAll(() => t.close());

const member = () => as(t.app, tenant.members[0]!);
const errorOf = (res: { json: () => unknown }) =>
  (res.json() as { error: { code: string; message: string } }).error;
const uuid = (n: number) => `0190a000-0000-7000-8000-${String(n).padStart(12, '0')}`;
const failure = (message: string) => ({ action: 'update', id: 'g1', kind: 'invalid', message });

describe('NUL and unpaired surrogates', () => {
  test.each([
    ['POST', '/api/contacts', { firstName: 'Ada\u0000' }, 'body.firstName'],
    ['POST', '/api/contacts', { firstName: 'Ada', lastName: '\uD83D' }, 'body.lastName'],
    [
      'POST',
      '/api/contacts/import',
      { records: [{ firstName: 'A' }, { firstName: '\uDE00x' }] },
      'body.records.1.firstName',
    ],
    ['PATCH', '/api/sync/contacts/state', { graphCursor: 'https://x/\u0000' }, 'body.graphCursor'],
    ['POST', '/api/sync/contacts/lease', { holder: 'h\u0000', ttlMs: 1000 }, 'body.holder'],
    [
      'POST',
      '/api/sync/contacts/pending',
      { pending: [{ crmId: uuid(1), kind: 'create', transactionId: 't\u0000' }] },
      'body.pending.0.transactionId',
    ],
    [
      'POST',
      '/api/sync/calendar/runs',
      {
        mode: 'incremental',
        outcome: 'partial',
        applied: {},
        conflicts: 0,
        refused: null,
        failures: [failure('\uDC00')],
      },
      'body.failures.0.message',
    ],
    [
      'PUT',
      '/api/sync/contacts/mapping',
      { mapping: { 'x\u0000': 'givenName' } },
      'body.mapping has a field name',
    ],
    ['GET', '/api/changes?resource=contacts&cursor=%00', undefined, 'querystring.cursor'],
    ['GET', '/api/contacts?owner=me&x%00=1', undefined, 'querystring has a field name'],
    ['POST', '/api/sync/contacts/conflicts/%00/dismiss', {}, 'params.id'],
  ])('%s %s → 400 naming the field (case %#)', async (method, url, body, field) => {
    const res = await t.app.inject({
      method: method as 'GET',
      url,
      headers: { authorization: `Bearer ${tenant.admin.token}` },
      ...(body === undefined ? {} : { payload: body }),
    });
    expect(res.statusCode).toBe(400);
    expect(errorOf(res).message).toContain(field);
  });

  test('a paired surrogate (an emoji) is ordinary text', async () => {
    const res = await member().post('/api/contacts', { firstName: 'Ada 🚲' });
    expect(res.statusCode).toBe(201);
    expect(res.json().firstName).toBe('Ada 🚲');
  });

  test('a body nested deeper than any shape of the API is refused, not walked', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/sync/contacts/commits',
      headers: { authorization: `Bearer ${tenant.admin.token}`, 'content-type': 'application/json' },
      payload: `{"commits":[{"record":{"op":"create","snapshot":{"x":${'['.repeat(50_000)}${']'.repeat(50_000)}}}}]}`,
    });
    expect(res.statusCode).toBe(400);
    expect(errorOf(res).message).toContain('is nested too deeply');
  });
});

describe('one id twice in one batch', () => {
  const link = (crmId: string, graphId: string) => ({
    link: { op: 'save', crmId, graphId, snapshot: { firstName: 'X' }, changeKey: 'ck' },
  });

  test('pending writes naming one record twice: 400 naming it, nothing stored', async () => {
    const res = await member().post('/api/sync/contacts/pending', {
      pending: [
        { crmId: uuid(1), kind: 'create', transactionId: 't1' },
        { crmId: uuid(2), kind: 'create', transactionId: 't2' },
        { crmId: uuid(1), kind: 'delete', graphId: 'g1' },
      ],
    });
    expect(res.statusCode).toBe(400);
    expect(errorOf(res).message).toBe(
      `body.pending names the same crmId more than once: ${uuid(1)} (items 0, 2)`,
    );
    expect((await member().get('/api/sync/contacts/pending')).json()).toEqual({ pending: [] });
  });

  test('pending deletes of one Outlook item twice: 400 naming it', async () => {
    const res = await member().post('/api/sync/calendar/pending', {
      pending: [
        { crmId: uuid(1), kind: 'delete', graphId: 'g1' },
        { crmId: uuid(2), kind: 'delete', graphId: 'g1' },
      ],
    });
    expect(res.statusCode).toBe(400);
    expect(errorOf(res).message).toContain(
      'body.pending names the same graphId more than once: g1 (items 0, 1)',
    );
  });

  test('commits about one record twice, or linking one Outlook item twice: 400, nothing stored', async () => {
    const sameRecord = await member().post('/api/sync/contacts/commits', {
      commits: [link(uuid(1), 'g1'), link(uuid(1), 'g2')],
    });
    expect(sameRecord.statusCode).toBe(400);
    expect(errorOf(sameRecord).message).toContain(
      `body.commits names the same crmId more than once: ${uuid(1)}`,
    );

    // A link-only commit is written before the others: beside another commit about its record, the order would be lost.
    const linkAndDelete = await member().post('/api/sync/contacts/commits', {
      commits: [
        { record: { op: 'delete', crmId: uuid(5) }, link: { op: 'remove', crmId: uuid(5) } },
        link(uuid(5), 'g5'),
      ],
    });
    expect(linkAndDelete.statusCode).toBe(400);
    expect(errorOf(linkAndDelete).message).toContain(`same crmId more than once: ${uuid(5)} (items 0, 1)`);

    const sameItem = await member().post('/api/sync/contacts/commits', {
      commits: [link(uuid(1), 'g1'), link(uuid(2), 'g1')],
    });
    expect(sameItem.statusCode).toBe(400);
    expect(errorOf(sameItem).message).toContain(
      'body.commits names the same link.graphId more than once: g1',
    );

    const created = await member().post('/api/sync/contacts/commits', {
      commits: [
        { record: { op: 'create', snapshot: { firstName: 'A' } }, ...link(uuid(3), 'g3') },
        { record: { op: 'create', snapshot: { firstName: 'B' } }, ...link(uuid(4), 'g3') },
      ],
    });
    expect(created.statusCode).toBe(400);
    expect((await member().get('/api/sync/contacts/links')).json()).toEqual({ links: [] });
    const mine = (await member().get('/api/contacts?owner=me')).json().items as { origin: string }[];
    expect(mine.filter((r) => r.origin === 'sync')).toEqual([]);
  });

  test('a mass update naming one record twice: 400 naming it', async () => {
    const id = (await member().post('/api/contacts', { firstName: 'Once' })).json().id as string;
    const res = await member().post('/api/contacts/mass-update', { ids: [id, id], set: { department: 'X' } });
    expect(res.statusCode).toBe(400);
    expect(errorOf(res).message).toBe(`body.ids names the same id more than once: ${id} (items 0, 1)`);
    expect((await member().get(`/api/contacts/${id}`)).json().department).toBeUndefined();
  });

  test('lookups (links/find, records) take repeated ids as one', async () => {
    const found = await member().post('/api/sync/contacts/links/find', {
      crmIds: [uuid(1), uuid(1)],
      graphIds: ['g1', 'g1'],
    });
    expect(found.statusCode).toBe(200);
    const records = await member().post('/api/sync/contacts/records', { crmIds: [uuid(1), uuid(1)] });
    expect(records.statusCode).toBe(200);
  });
});

describe('database errors', () => {
  const pgError = (code: string, extra: Record<string, unknown> = {}) =>
    Object.assign(new Error('raw database text'), { code, severity: 'ERROR', ...extra });

  test.each([
    ['21000', 400],
    ['22P05', 400],
    ['22021', 400],
    ['22003', 400],
    ['23502', 400],
    ['23514', 400],
    ['54000', 400],
    ['23505', 409],
    ['23503', 409],
    ['40001', 503],
    ['40P01', 503],
    ['57P01', 503],
    ['08006', 503],
    ['53300', 503],
  ])('SQLSTATE %s answers %i without the database text', (code, status) => {
    const answer = databaseErrorAnswer(pgError(code, { detail: 'Key (graph_id)=(secret) already exists.' }));
    expect(answer?.statusCode).toBe(status);
    expect(answer?.message).not.toContain('raw database text');
    expect(answer?.message).not.toContain('secret');
    if (status === 503) expect(answer?.headers['retry-after']).toBe('2');
  });

  test('a unique violation names the columns, a lost connection is retryable, our own bugs stay 500', () => {
    expect(
      databaseErrorAnswer(pgError('23505', { detail: 'Key (user_id, graph_id)=(a, b) already exists.' }))
        ?.message,
    ).toBe('Another item already has this user_id, graph_id.');
    expect(databaseErrorAnswer(new Error('Connection terminated unexpectedly'))?.statusCode).toBe(503);
    expect(databaseErrorAnswer(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))?.statusCode).toBe(
      503,
    );
    expect(databaseErrorAnswer(pgError('42703'))).toBeUndefined(); // undefined_column: a bug of ours
    expect(databaseErrorAnswer(new TypeError('x is undefined'))).toBeUndefined();
  });
});
