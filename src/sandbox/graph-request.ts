import { badRequest } from './graph-error';

/** One Graph call, whether it came over HTTP or from inside a `$batch`. */
export interface GraphRequest {
  method: string;
  /** Path below `/graph/v1.0`, starting with `/`. */
  path: string;
  query: URLSearchParams;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: unknown;
  /** `protocol://host[:port]` the caller used, for absolute links and issuers. */
  origin: string;
  requestId: string;
}

export interface GraphResponse {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
  /** Close the connection without answering (an injected dropped connection). */
  drop?: boolean;
}

export const GRAPH_PREFIX = '/graph/v1.0';

export interface Preferences {
  timeZone?: string;
  bodyContentType?: 'text' | 'html';
  immutableIds: boolean;
  maxPageSize?: number;
  /** The raw `Prefer` entries, for `Preference-Applied`. */
  raw: Map<string, string>;
}

/** Parses one or more `Prefer` headers (`outlook.timezone="…", IdType="ImmutableId"`). */
export function parsePreferences(header: string | undefined): Preferences {
  const raw = new Map<string, string>();
  if (header) {
    const pattern = /\s*([A-Za-z][\w.-]*)\s*(?:=\s*("([^"]*)"|[^,]*))?\s*(?:,|$)/gy;
    let match: RegExpExecArray | null;
    while ((match = pattern.exec(header)) !== null && match[0] !== '') {
      raw.set(match[1]!.toLowerCase(), (match[3] ?? match[2] ?? '').trim());
    }
  }
  const maxPage = raw.get('odata.maxpagesize');
  const bodyType = raw.get('outlook.body-content-type')?.toLowerCase();
  return {
    timeZone: raw.get('outlook.timezone') || undefined,
    bodyContentType: bodyType === 'text' || bodyType === 'html' ? bodyType : undefined,
    immutableIds: raw.get('idtype')?.toLowerCase() === 'immutableid',
    maxPageSize: maxPage && /^\d+$/.test(maxPage) && Number(maxPage) > 0 ? Number(maxPage) : undefined,
    raw,
  };
}

/** `$select=a,b` as a set of lower-cased names, or undefined for "everything". */
export function parseSelect(query: URLSearchParams): Set<string> | undefined {
  const select = query.get('$select');
  if (!select) return undefined;
  return new Set(
    select
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
  );
}

/** Keeps `@odata.*` annotations, `id`, and the selected properties, in the object's own order. */
export function applySelect(
  item: Record<string, unknown>,
  select: Set<string> | undefined,
): Record<string, unknown> {
  if (!select) return item;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(item)) {
    if (key.startsWith('@') || key === 'id' || select.has(key.toLowerCase())) out[key] = value;
  }
  return out;
}

export function parseTop(query: URLSearchParams, max: number): number | undefined {
  const top = query.get('$top');
  if (top === null) return undefined;
  if (!/^\d+$/.test(top) || Number(top) < 1)
    throw badRequest(`Invalid value '${top}' for $top.`, 'BadRequest');
  return Math.min(Number(top), max);
}

export function parseSkip(query: URLSearchParams): number {
  const skip = query.get('$skip');
  if (skip === null) return 0;
  if (!/^\d+$/.test(skip)) throw badRequest(`Invalid value '${skip}' for $skip.`, 'BadRequest');
  return Number(skip);
}

/** An absolute Graph URL for `path` with the given query, as nextLink/deltaLink want. */
export function graphUrl(origin: string, path: string, query: URLSearchParams): string {
  // Graph writes `$skiptoken`/`$deltatoken` with a literal dollar sign.
  const text = query.toString().replace(/%24/g, '$');
  return `${origin}${GRAPH_PREFIX}${path}${text ? `?${text}` : ''}`;
}

export function odataContext(origin: string, fragment: string): string {
  return `${origin}${GRAPH_PREFIX}/$metadata#${fragment}`;
}
