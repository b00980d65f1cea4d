import { Type, type Static, type TSchema } from 'typebox';

/** How a record entered the CRM; sync eligibility depends on it (import and migration are left out). */
export const ORIGINS = ['ui', 'api', 'import', 'migration', 'sync'] as const;
export type Origin = (typeof ORIGINS)[number];

export const RESOURCES = ['contacts', 'events'] as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The distinct ids among `ids` that can name a CRM record (a UUID). Others, such as an Outlook item's
 * marker written by another program, name none.
 */
export function recordIds(ids: readonly string[]): string[] {
  return [...new Set(ids)].filter((id) => UUID.test(id));
}
export type Resource = (typeof RESOURCES)[number];

/** Bookkeeping every CRM record carries next to its own fields. */
export const RecordMeta = Type.Object({
  id: Type.String(),
  ownerId: Type.String(),
  origin: Type.Union([
    Type.Literal('ui'),
    Type.Literal('api'),
    Type.Literal('import'),
    Type.Literal('migration'),
    Type.Literal('sync'),
  ]),
  version: Type.Integer(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  massUpdatedAt: Type.Union([Type.String(), Type.Null()]),
  deletedAt: Type.Union([Type.String(), Type.Null()]),
});
export type RecordMeta = Static<typeof RecordMeta>;

/** A date without time, `YYYY-MM-DD`. */
export const DateOnly = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', maxLength: 10 });

/** An instant with an explicit offset, e.g. `2026-03-29T07:00:00Z`. */
export const Instant = Type.String({ format: 'date-time', maxLength: 40 });

/** A short single-line text field. */
export const ShortText = (maxLength = 255) => Type.String({ maxLength });

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
