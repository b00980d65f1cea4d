/**
 * The single-value extended properties the sync writes on Outlook items, named in one place so the
 * writer, the re-linker (filter by CRM id after a crash or a reinstall) and the readers agree.
 *
 * Named properties in our own property set (a fixed GUID), so they never collide with other apps'.
 */
import type { GraphExtendedProperty } from '../../domain/graph-contact-fields';

export const TANDEM_PROPERTY_SET = '{8c4f2a71-3d5e-4b9a-a6f0-2e7d91c5b34e}';

/** Holds the CRM record id on every item the sync creates. */
export const CRM_ID_PROPERTY = `String ${TANDEM_PROPERTY_SET} Name TandemCrmId`;

/** Holds an event's CRM participants as JSON, since Graph `attendees` are never written. */
export const PARTICIPANTS_PROPERTY = `String ${TANDEM_PROPERTY_SET} Name TandemParticipants`;

export const TANDEM_PROPERTIES = [CRM_ID_PROPERTY, PARTICIPANTS_PROPERTY] as const;

/**
 * Marks the calendar / contact folder the sync created (value: the resource), so it is re-found
 * whatever the user renamed it to, and a user's own folder that merely shares its name is never
 * taken for ours.
 */
export const CONTAINER_PROPERTY = `String ${TANDEM_PROPERTY_SET} Name TandemContainer`;

export function containerProperty(resource: string): GraphExtendedProperty {
  return { id: CONTAINER_PROPERTY, value: resource };
}

/** `$expand` returning the container marker with a calendar or contact folder. */
export function expandContainerProperty(): string {
  return `singleValueExtendedProperties($filter=id eq '${CONTAINER_PROPERTY}')`;
}

export function crmIdProperty(crmId: string): GraphExtendedProperty {
  return { id: CRM_ID_PROPERTY, value: crmId };
}

/** `$filter` finding the item that carries a CRM id. */
export function crmIdFilter(crmId: string): string {
  const quoted = crmId.replace(/'/g, "''");
  return `singleValueExtendedProperties/any(ep: ep/id eq '${CRM_ID_PROPERTY}' and ep/value eq '${quoted}')`;
}

/** `$expand` returning our properties with an item. */
export function expandTandemProperties(): string {
  return `singleValueExtendedProperties($filter=${TANDEM_PROPERTIES.map((id) => `id eq '${id}'`).join(' or ')})`;
}

/** Property ids compare without regard to case or spacing (Exchange resolves them to one property). */
export function samePropertyId(a: string, b: string): boolean {
  const norm = (s: string) => s.trim().toLowerCase().replace(/\s+/g, ' ');
  return norm(a) === norm(b);
}

export function readExtendedProperty(
  properties: readonly GraphExtendedProperty[] | undefined,
  id: string,
): string | undefined {
  return properties?.find((p) => samePropertyId(p.id, id))?.value;
}

/** The CRM id an Outlook item carries, if the sync created it. */
export function crmIdOf(item: {
  singleValueExtendedProperties?: GraphExtendedProperty[];
}): string | undefined {
  return readExtendedProperty(item.singleValueExtendedProperties, CRM_ID_PROPERTY);
}

/**
 * A create body carrying the CRM id, next to any properties the mapper already put on it (the
 * event mapper writes the participants property).
 */
export function withCrmId<T extends Record<string, unknown>>(body: T, crmId: string): T {
  const existing = (body.singleValueExtendedProperties as GraphExtendedProperty[] | undefined) ?? [];
  return {
    ...body,
    singleValueExtendedProperties: [
      ...existing.filter((p) => !samePropertyId(p.id, CRM_ID_PROPERTY)),
      crmIdProperty(crmId),
    ],
  };
}
