import type { GraphContext } from './graph-dispatcher';
import { graphUrl, odataContext, parseSkip, parseTop } from './graph-request';

export interface OffsetPageOptions {
  defaultTop: number;
  maxTop: number;
  /** `$metadata#…` fragment for `@odata.context`. */
  context: string;
}

/** A `$top`/`$skip` page of a collection with an `@odata.nextLink` to the rest, as Outlook lists page. */
export function offsetPage(
  ctx: GraphContext,
  items: unknown[],
  options: OffsetPageOptions,
): { body: unknown } {
  const { query, origin } = ctx.req;
  const top = parseTop(query, options.maxTop) ?? options.defaultTop;
  const skip = parseSkip(query);
  const body: Record<string, unknown> = { '@odata.context': odataContext(origin, options.context) };
  body.value = items.slice(skip, skip + top);
  if (skip + top < items.length) {
    const next = new URLSearchParams(query);
    next.set('$top', String(top));
    next.set('$skip', String(skip + top));
    body['@odata.nextLink'] = graphUrl(origin, ctx.requestPath, next);
  }
  return { body };
}

/** Compares stored change keys with an `If-Match` value (`W/"…"`, `"…"`, bare, or `*`). */
export function ifMatchSatisfied(header: string | undefined, changeKey: string): boolean {
  if (header === undefined || header.trim() === '*') return true;
  return header
    .split(',')
    .map((tag) =>
      tag
        .trim()
        .replace(/^W\//i, '')
        .replace(/^"(.*)"$/, '$1'),
    )
    .includes(changeKey);
}

/** Stable JSON (sorted keys), to compare a retried body with the first one. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function orderByComparator(
  orderBy: string | null,
  allowed: string[],
): ((a: Record<string, unknown>, b: Record<string, unknown>) => number) | undefined {
  if (!orderBy) return undefined;
  const clauses: { path: string; desc: boolean }[] = [];
  for (const clause of orderBy.split(',')) {
    const [path, direction] = clause.trim().split(/\s+/);
    const known = allowed.find((a) => a.toLowerCase() === (path ?? '').toLowerCase());
    if (!known) return undefined;
    clauses.push({ path: known, desc: direction?.toLowerCase() === 'desc' });
  }
  const read = (item: Record<string, unknown>, path: string): string =>
    String(
      path
        .split('/')
        .reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], item) ?? '',
    );
  return (a, b) => {
    for (const { path, desc } of clauses) {
      const [x, y] = [read(a, path), read(b, path)];
      if (x !== y) return (x < y ? -1 : 1) * (desc ? -1 : 1);
    }
    return 0;
  };
}
