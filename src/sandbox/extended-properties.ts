import { badRequest } from './graph-error';
import type { ExtendedPropertyRecord } from './sandbox-state';

const PROPERTY_ID =
  /^(String|Integer|Boolean|SystemTime|Double|Currency|Long|Short|Binary|CLSID)\s+(\{[0-9a-f-]{36}\}\s+(Name\s+\S.*|Id\s+0x[0-9a-f]+)|0x[0-9a-f]{1,4})$/i;

/** Ids compare without regard to case or spacing, as Exchange resolves them to one named property. */
export function samePropertyId(a: string, b: string): boolean {
  const norm = (s: string) => s.trim().toLowerCase().replace(/\s+/g, ' ');
  return norm(a) === norm(b);
}

export function parseExtendedProperties(value: unknown): ExtendedPropertyRecord[] {
  if (!Array.isArray(value))
    throw badRequest('singleValueExtendedProperties must be a collection.', 'RequestBodyRead');
  return value.map((entry) => {
    const { id, value: propertyValue } = (entry ?? {}) as { id?: unknown; value?: unknown };
    if (typeof id !== 'string' || !PROPERTY_ID.test(id.trim())) {
      throw badRequest(`The extended property id '${String(id)}' is not valid.`, 'ErrorInvalidProperty');
    }
    if (typeof propertyValue !== 'string') {
      throw badRequest(`The value of extended property '${id}' must be a string.`, 'ErrorInvalidProperty');
    }
    return { id: id.trim(), value: propertyValue };
  });
}

/** PATCH semantics: the properties sent are added or replaced, the others stay. */
export function mergeExtendedProperties(
  existing: ExtendedPropertyRecord[],
  updates: ExtendedPropertyRecord[],
): ExtendedPropertyRecord[] {
  const merged = existing.map((p) => ({ ...p }));
  for (const update of updates) {
    const found = merged.find((p) => samePropertyId(p.id, update.id));
    if (found) found.value = update.value;
    else merged.push({ ...update });
  }
  return merged;
}

/**
 * `$expand=singleValueExtendedProperties($filter=id eq '…')`: the properties to put on the answer, or
 * undefined when the expand was not asked for.
 */
export function expandedProperties(
  expand: string | null,
  properties: ExtendedPropertyRecord[],
): ExtendedPropertyRecord[] | undefined {
  if (!expand) return undefined;
  const match = /singleValueExtendedProperties(?:\((.*)\))?/i.exec(expand);
  if (!match) return undefined;
  const inner = match[1];
  if (!inner) return properties.map((p) => ({ ...p }));
  const ids = [...inner.matchAll(/id\s+eq\s+'((?:[^']|'')*)'/gi)].map((m) => m[1]!.replace(/''/g, "'"));
  return properties.filter((p) => ids.some((id) => samePropertyId(id, p.id))).map((p) => ({ ...p }));
}
