import type { InjectOptions } from 'fastify';
import type { RouteSummary } from '../../src/server/app';
import { createTestApp, type TestApp } from '../support/app';
import { createTenant, type TestTenant } from '../support/fixtures';

/**
 * A schema-driven probe of every route: from each route's declared schemas it builds plausible
 * requests, then sends them again with one part made hostile at a time (NUL and lone surrogates, huge
 * strings, wrong types, negative and huge numbers, duplicate list items, malformed JSON, bad ids), as
 * a signed-in administrator (and the plausible ones as a member too). No answer may be a 5xx.
 */

type Schema = Record<string, unknown>;
type Json = unknown;

let t: TestApp;
let tenant: TestTenant;
beforeAll(async () => {
  t = await createTestApp();
  tenant = await createTenant(t.store, t.issuer, { memberCount: 1 });
});
afterAll(() => t.close());

const UUID = '0190a000-0000-7000-8000-000000000001';
/** Values that replace one leaf of a plausible request. */
const HOSTILE: [string, Json][] = [
  ['NUL', 'a\u0000b'],
  ['lone high surrogate', 'a\uD800b'],
  ['lone low surrogate', '\uDC00'],
  ['huge string', 'x'.repeat(100_000)],
  ['empty string', ''],
  ['bad uuid', '0190a000-0000-7000-8000-00000000000g'],
  ['impossible date', '2024-02-30'],
  ['zero date', '0000-00-00T00:00:00Z'],
  ['negative', -1],
  ['huge number', 1e308],
  ['beyond int8', 1e20],
  ['fraction', 0.5],
  ['boolean', true],
  ['null', null],
  ['object', { a: 1 }],
  ['array', ['x']],
];
/** Raw bodies that are not the JSON a route expects. */
const RAW_BODIES: [string, string][] = [
  ['malformed JSON', '{"a":'],
  ['JSON string', '"text"'],
  ['JSON null', 'null'],
  ['JSON array', '[1,2]'],
  ['deep nesting', '['.repeat(20_000) + ']'.repeat(20_000)],
  ['escaped NUL key', '{"\\u0000":1}'],
  ['escaped lone surrogate', '{"a":"\\ud800"}'],
];
/** Path parameter values, already URL-encoded. */
const HOSTILE_PARAMS: [string, string][] = [
  ['NUL', '%00'],
  ['overlong UTF-8', '%C0%80'],
  ['encoded surrogate', '%ED%A0%80'],
  ['bad percent', '%E0%A4%A'],
  ['huge', 'y'.repeat(5000)],
  ['negative', '-1'],
  ['nil uuid', '00000000-0000-0000-0000-000000000000'],
];

const properties = (s: Schema) => (s.properties ?? {}) as Record<string, Schema>;
const variantsOf = (s: Schema) => (s.anyOf ?? s.oneOf) as Schema[] | undefined;

/** A value the schema accepts, as far as this simple reading of JSON Schema goes; `pick` chooses among variants. */
function sample(s: Schema | undefined, pick: number): Json {
  if (!s) return 'x';
  if ('const' in s) return s.const;
  if (Array.isArray(s.enum)) return s.enum[pick % s.enum.length];
  const variants = variantsOf(s);
  if (variants) return sample(variants[pick % variants.length], pick);
  switch (s.type) {
    case 'object': {
      const out: Record<string, Json> = {};
      for (const [key, value] of Object.entries(properties(s))) out[key] = sample(value, pick);
      if (s.patternProperties && Object.keys(out).length === 0) {
        const [valueSchema] = Object.values(s.patternProperties as Record<string, Schema>);
        out.firstName = sample(valueSchema, pick);
      }
      return out;
    }
    case 'array': {
      const n = Math.max(1, Number(s.minItems ?? 1));
      return Array.from({ length: n }, () => sample(s.items as Schema, pick));
    }
    case 'integer':
    case 'number':
      return Math.max(Number(s.minimum ?? 1), Math.min(1, Number(s.maximum ?? 1)));
    case 'boolean':
      return pick % 2 === 0;
    case 'null':
      return null;
    case 'string':
      return sampleString(s);
    default:
      return 'x';
  }
}

function sampleString(s: Schema): string {
  switch (s.format) {
    case 'uuid':
      return UUID;
    case 'date-time':
      return '2026-01-02T03:04:05Z';
    case 'date':
      return '2026-01-02';
    case 'email':
      return 'someone@example.com';
    case 'uri':
      return 'https://example.com/';
  }
  const candidates = [
    'x',
    '0',
    '12',
    'abc',
    'someone@example.com',
    '2026-01-02',
    '#336699',
    'en',
    'Europe/Paris',
  ];
  const min = Number(s.minLength ?? 0);
  const pattern = typeof s.pattern === 'string' ? new RegExp(s.pattern, 'u') : undefined;
  const fit = candidates.find((c) => c.length >= min && (!pattern || pattern.test(c)));
  return fit ?? 'x'.repeat(Math.max(1, min));
}

type Path = (string | number)[];

/** Every leaf (and every list) of a sample, as paths to replace. */
function pathsOf(value: Json, at: Path = []): Path[] {
  if (Array.isArray(value)) return [at, ...value.flatMap((v, i) => pathsOf(v, [...at, i]))];
  if (value && typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 0) return [at];
    return keys.flatMap((k) => pathsOf((value as Record<string, Json>)[k], [...at, k]));
  }
  return [at];
}

function at(value: Json, path: Path): Json {
  let node = value;
  for (const key of path) node = (node as Record<string | number, Json>)[key];
  return node;
}

function replaced(value: Json, path: Path, by: Json): Json {
  if (path.length === 0) return by;
  const [head, ...rest] = path;
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<
    string | number,
    Json
  >;
  copy[head as string] = replaced(copy[head as string], rest, by);
  return copy;
}

/** The sample with one of its lists holding its first item twice: the "same id twice" case. */
function duplicated(value: Json): Json[] {
  return pathsOf(value).flatMap((path) => {
    const node = at(value, path);
    return Array.isArray(node) && node.length > 0 ? [replaced(value, path, [node[0], node[0]])] : [];
  });
}

interface Probe {
  what: string;
  url: string;
  plausible?: boolean;
  body?: Json;
  raw?: string;
}

function probesFor(route: RouteSummary): Probe[] {
  const schema = (route.schema ?? {}) as Record<string, Schema | undefined>;
  const probes: Probe[] = [];
  const hasBody = route.method !== 'GET' && route.method !== 'DELETE';
  for (const pick of [0, 1]) {
    const params = (schema.params ? sample(schema.params, pick) : {}) as Record<string, string>;
    const query = (schema.querystring ? sample(schema.querystring, pick) : {}) as Record<string, Json>;
    const body = schema.body ? sample(schema.body, pick) : hasBody ? {} : undefined;
    const url = (p: Record<string, string>, q: Record<string, Json>) => {
      const path = route.url.replace(/:([a-zA-Z]+)/g, (_, name: string) => p[name] ?? UUID);
      const search = new URLSearchParams(
        Object.entries(q).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
      ).toString();
      return search ? `${path}?${search}` : path;
    };
    const base = url(params, query);
    probes.push({ what: `plausible #${pick}`, url: base, body, plausible: true });
    if (body !== undefined) {
      for (const path of pathsOf(body)) {
        for (const [name, value] of HOSTILE) {
          const what = `body.${path.join('.')} = ${name} (#${pick})`;
          probes.push({ what, url: base, body: replaced(body, path, value) });
        }
      }
      duplicated(body).forEach((dup, i) =>
        probes.push({ what: `a list's first item twice (${i}, #${pick})`, url: base, body: dup }),
      );
    }
    for (const key of Object.keys(query)) {
      for (const [name, value] of HOSTILE) {
        if (typeof value === 'object' && value !== null) continue;
        const what = `querystring.${key} = ${name} (#${pick})`;
        probes.push({ what, url: url(params, { ...query, [key]: value }), body });
      }
    }
    for (const key of Object.keys(params)) {
      for (const [name, raw] of HOSTILE_PARAMS) {
        const path = route.url.replace(/:([a-zA-Z]+)/g, (_, n: string) =>
          n === key ? raw : (params[n] ?? UUID),
        );
        probes.push({ what: `params.${key} = ${name} (#${pick})`, url: path, body });
      }
    }
    if (pick === 0) {
      for (const [name, value] of HOSTILE_PARAMS.slice(0, 3)) {
        const joined = `${base}${base.includes('?') ? '&' : '?'}q=${value}`;
        probes.push({ what: `unknown query parameter ${name}`, url: joined, body });
      }
      if (hasBody) for (const [name, raw] of RAW_BODIES) probes.push({ what: name, url: base, raw });
    }
  }
  return probes;
}

test('no hostile request to any route answers 5xx', async () => {
  const routes = t.app.routeSummary().filter((r) => r.url.startsWith('/api/'));
  expect(routes.length).toBeGreaterThan(50);
  const failures: string[] = [];
  let sent = 0;
  for (const route of routes) {
    for (const probe of probesFor(route)) {
      for (const user of probe.plausible ? [tenant.admin, tenant.members[0]!] : [tenant.admin]) {
        const options: InjectOptions = {
          method: route.method as InjectOptions['method'],
          url: probe.url,
          headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json' },
        };
        if (probe.raw !== undefined) options.payload = probe.raw;
        else if (probe.body !== undefined) options.payload = JSON.stringify(probe.body);
        const res = await t.app.inject(options);
        sent++;
        if (res.statusCode >= 500) {
          failures.push(
            `${route.method} ${route.url} ${probe.what} → ${res.statusCode} ${res.body.slice(0, 160)}`,
          );
        }
      }
    }
  }
  // Printed so a run states how hard it looked.
  console.info(`route fuzz: ${sent} requests to ${routes.length} routes, ${failures.length} answered 5xx`);
  expect(sent).toBeGreaterThan(3000);
  expect({ fiveHundreds: failures.length, first: failures.slice(0, 40) }).toEqual({
    fiveHundreds: 0,
    first: [],
  });
}, 600_000);
