import { createGraphClient } from '../../../src/sync/graph';

/** A client over a plain-http root, answering from a script and recording the URLs it is sent to. */
function scripted(baseUrl: string, answers: unknown[]) {
  const urls: string[] = [];
  const graph = createGraphClient({
    baseUrl,
    getToken: async () => 'token',
    fetch: async (input) => {
      urls.push(input);
      return new Response(JSON.stringify(answers.shift() ?? {}), {
        status: 200,
        headers: { 'Content-Type': 'application/json' },
      });
    },
  });
  return { graph, urls };
}

test('http links under the base URL are followed exactly as given, cursor included', async () => {
  const base = 'http://127.0.0.1:8080/graph/v1.0';
  const next = `${base}/me/contacts/delta?$skiptoken=a%3Db%26c&since=2026-12-01`;
  const { graph, urls } = scripted(base, [
    { value: [{ id: '1' }], '@odata.nextLink': next },
    { value: [{ id: '2' }], '@odata.deltaLink': `${base}/me/contacts/delta?$deltatoken=z%3D%3D` },
  ]);
  const round = await graph.collectDelta<{ id: string }>('/me/contacts/delta');
  expect(urls).toEqual([`${base}/me/contacts/delta`, next]);
  expect(round.changed.map((c) => c.id)).toEqual(['1', '2']);
  expect(round.deltaLink).toBe(`${base}/me/contacts/delta?$deltatoken=z%3D%3D`);
});

test('a version root on https and one with a path prefix are called as configured', async () => {
  for (const base of ['https://graph.microsoft.com/v1.0', 'http://localhost:3000/graph/beta']) {
    const { graph, urls } = scripted(base, [{ id: 'me' }]);
    await graph.request('GET', '/me', { query: { $select: 'id' } });
    expect(urls).toEqual([`${base}/me?$select=id`]);
  }
});

test('an empty answer is undefined whatever its Content-Type; a body that is not JSON is kind permanent', async () => {
  const base = 'http://127.0.0.1:8080/graph/v1.0';
  const answers = [
    new Response('', { status: 202, headers: { 'Content-Type': 'application/json' } }),
    new Response('<html></html>', { status: 200, headers: { 'Content-Type': 'text/html' } }),
  ];
  const graph = createGraphClient({
    baseUrl: base,
    getToken: async () => 'token',
    fetch: async () => answers.shift()!,
  });
  expect(await graph.request('POST', '/me/events/1/accept', { body: {} })).toBeUndefined();
  await expect(graph.request('GET', '/me')).rejects.toMatchObject({ kind: 'permanent' });
});
