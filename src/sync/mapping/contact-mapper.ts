/**
 * CRM contact ⇄ Graph contact through a field mapping.
 *
 * Graph keeps email addresses and phones in lists with no holes: a list never has an empty second
 * entry followed by a third. So slot fields are positional among themselves: the mapped slots of a
 * list hold its first values in slot order, and snapshots store them compacted ("secondary email
 * only" reads as "email"). On write, a list is sent whole: mapped slots from the snapshot, unmapped
 * slots kept from the item as last read. If a mapped slot is empty, a later unmapped value moves up
 * into it (Graph cannot hold a hole there); the next read then shows it in the CRM rather than
 * losing it.
 */
import type { ContactFields, CrmFieldType } from '../../domain/contact';
import {
  CUSTOM_FIELD_PREFIX,
  DEFAULT_CONTACT_FIELD_MAPPING,
  crmContactFieldCatalogue,
  validateContactFieldMapping,
  type ContactFieldMapping,
  type CustomFieldDefinition,
} from '../../domain/contact-field-mapping';
import {
  GRAPH_CONTACT_SLOTS,
  graphContactField,
  type GraphContact,
  type GraphContactFieldDescriptor,
  type GraphEmailAddress,
  type GraphPhysicalAddress,
  type GraphSlottedCollection,
} from '../../domain/graph-contact-fields';
import type { FieldValue, GraphBody, ResourceMapper, Snapshot } from '../model';
import { normaliseLine, normaliseText, sortedObject } from './normalise';

export class InvalidFieldMappingError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid contact field mapping: ${problems.join('; ')}`);
    this.name = 'InvalidFieldMappingError';
  }
}

interface MappedField {
  crmKey: string;
  crmType: CrmFieldType;
  graph: GraphContactFieldDescriptor;
}

const DATE = /^(\d{4}-\d{2}-\d{2})/;
const DAY_MS = 86_400_000;

/** Names Graph uses for the address members, keyed by the CRM's. */
const ADDRESS_MEMBERS = [
  ['street', 'street'],
  ['city', 'city'],
  ['state', 'state'],
  ['postalCode', 'postalCode'],
  ['country', 'countryOrRegion'],
] as const;

function normaliseValue(type: CrmFieldType, value: unknown): FieldValue {
  switch (type) {
    case 'text':
      return normaliseText(value);
    case 'date':
      return typeof value === 'string' && DATE.test(value) ? value.slice(0, 10) : null;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'address': {
      if (value === null || typeof value !== 'object') return null;
      const source = value as Record<string, unknown>;
      return sortedObject(
        Object.fromEntries(ADDRESS_MEMBERS.map(([crm]) => [crm, normaliseLine(source[crm])])),
      );
    }
    default:
      return normaliseLine(value);
  }
}

/**
 * A Graph `birthday` (DateTimeOffset) as a date. We write midnight UTC; Outlook clients may store
 * local midnight instead (23:00Z the day before for UTC+1), so the nearest UTC midnight is taken.
 */
export function birthdayToDate(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return null;
  return new Date(Math.round(ms / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
}

export function dateToBirthday(date: string): string {
  return `${date}T00:00:00Z`;
}

function readGraphValue(item: GraphContact, field: MappedField): unknown {
  const { graph } = field;
  const raw = (item as Record<string, unknown>)[graph.property];
  if (graph.slot !== undefined) {
    const entry = Array.isArray(raw) ? (raw[graph.slot] as unknown) : undefined;
    return graph.property === 'emailAddresses' ? (entry as GraphEmailAddress | undefined)?.address : entry;
  }
  if (graph.type === 'address') {
    if (raw === null || typeof raw !== 'object') return null;
    const address = raw as Record<string, unknown>;
    return Object.fromEntries(ADDRESS_MEMBERS.map(([crm, g]) => [crm, address[g]]));
  }
  if (graph.property === 'birthday') return birthdayToDate(raw);
  return raw;
}

function readCrmValue(record: ContactFields, key: string): unknown {
  if (key.startsWith(CUSTOM_FIELD_PREFIX)) return record.custom?.[key.slice(CUSTOM_FIELD_PREFIX.length)];
  return (record as Record<string, unknown>)[key];
}

function toGraphAddress(value: FieldValue): GraphPhysicalAddress {
  const address = (value ?? {}) as Record<string, FieldValue>;
  // Sent whole, every member named: Graph replaces the address object as a unit.
  return Object.fromEntries(
    ADDRESS_MEMBERS.map(([crm, g]) => [g, typeof address[crm] === 'string' ? address[crm] : null]),
  );
}

function currentSlotValue(current: GraphContact | undefined, property: GraphSlottedCollection, slot: number) {
  const list = current?.[property];
  if (!Array.isArray(list)) return null;
  const entry: unknown = list[slot];
  if (property === 'emailAddresses') return normaliseLine((entry as GraphEmailAddress | undefined)?.address);
  return normaliseLine(entry);
}

/** A display name for Outlook, which lists contacts by it: the name parts, else company, else email. */
export function deriveDisplayName(contact: GraphContact): string | undefined {
  const name = [contact.givenName, contact.middleName, contact.surname]
    .map((part) => normaliseLine(part))
    .filter((part): part is string => part !== null)
    .join(' ');
  if (name) return name;
  const company = normaliseLine(contact.companyName);
  if (company) return company;
  return normaliseLine(contact.emailAddresses?.[0]?.address) ?? undefined;
}

const DISPLAY_NAME_SOURCES = new Set(['givenName', 'middleName', 'surname', 'companyName', 'emailAddresses']);

export interface ContactMapperOptions {
  /** The org's custom contact fields, for mappings that use them. */
  customFields?: readonly CustomFieldDefinition[];
}

/** Which CRM fields a mapping maps, to what, and the slots of each Graph list in slot order. */
interface ContactLayout {
  mapped: MappedField[];
  byKey: Map<string, MappedField>;
  slotGroups: Map<GraphSlottedCollection, MappedField[]>;
}

function layoutOf(
  mapping: ContactFieldMapping,
  customFields: readonly CustomFieldDefinition[],
): ContactLayout {
  const catalogue = crmContactFieldCatalogue([...customFields]);
  const mapped: MappedField[] = catalogue
    .filter((crm) => mapping[crm.key] !== undefined)
    .map((crm) => ({ crmKey: crm.key, crmType: crm.type, graph: graphContactField(mapping[crm.key]!)! }));
  const slotGroups = new Map<GraphSlottedCollection, MappedField[]>();
  for (const field of mapped) {
    if (field.graph.slot === undefined) continue;
    const property = field.graph.property as GraphSlottedCollection;
    slotGroups.set(property, [...(slotGroups.get(property) ?? []), field]);
  }
  for (const group of slotGroups.values()) group.sort((a, b) => a.graph.slot! - b.graph.slot!);
  return { mapped, byKey: new Map(mapped.map((f) => [f.crmKey, f])), slotGroups };
}

/** A snapshot from a field reader; the values of each list move up to fill its first slots. */
function snapshotOf(layout: ContactLayout, read: (field: MappedField) => unknown): Snapshot {
  const snapshot: Record<string, FieldValue> = {};
  for (const field of layout.mapped) snapshot[field.crmKey] = normaliseValue(field.crmType, read(field));
  for (const group of layout.slotGroups.values()) {
    const values = group.map((f) => snapshot[f.crmKey]).filter((v) => v !== null);
    group.forEach((f, i) => (snapshot[f.crmKey] = values[i] ?? null));
  }
  return snapshot;
}

/** A Graph list written whole: mapped slots from the snapshot, the others as Outlook holds them. */
function writeList(
  layout: ContactLayout,
  body: GraphBody,
  property: GraphSlottedCollection,
  snapshot: Snapshot,
  current: GraphContact | undefined,
): void {
  const group = layout.slotGroups.get(property) ?? [];
  const values: string[] = [];
  for (let slot = 0; slot < GRAPH_CONTACT_SLOTS[property]; slot++) {
    const field = group.find((f) => f.graph.slot === slot);
    const value = field ? snapshot[field.crmKey] : currentSlotValue(current, property, slot);
    if (typeof value === 'string' && value !== '') values.push(value);
  }
  if (property !== 'emailAddresses') {
    body[property] = values;
    return;
  }
  // Keep the display name Outlook holds for an address that stays.
  const known = new Map(
    (current?.emailAddresses ?? []).map((e) => [(e.address ?? '').toLowerCase(), e.name ?? null]),
  );
  body.emailAddresses = values.map((address) => {
    const name = known.get(address.toLowerCase());
    return name ? { address, name } : { address };
  });
}

function graphBody(
  layout: ContactLayout,
  snapshot: Snapshot,
  keys: readonly string[],
  current: GraphContact | undefined,
): GraphBody {
  const body: GraphBody = {};
  const lists = new Set<GraphSlottedCollection>();
  for (const key of keys) {
    const field = layout.byKey.get(key);
    if (!field) continue;
    const { graph } = field;
    const value = snapshot[key] ?? null;
    if (graph.slot !== undefined) lists.add(graph.property as GraphSlottedCollection);
    else if (graph.type === 'address') body[graph.property] = toGraphAddress(value);
    else if (graph.property === 'birthday')
      body.birthday = typeof value === 'string' ? dateToBirthday(value) : null;
    else body[graph.property] = value;
  }
  for (const property of lists) writeList(layout, body, property, snapshot, current);
  return body;
}

function toGraph(
  layout: ContactLayout,
  snapshot: Snapshot,
  changed: readonly string[] | undefined,
  current: GraphContact | undefined,
): GraphBody {
  const all = layout.mapped.map((f) => f.crmKey);
  const body = graphBody(layout, snapshot, changed ?? all, current);
  if (!changed || Object.keys(body).some((property) => DISPLAY_NAME_SOURCES.has(property))) {
    // From every mapped field, not only the changed ones; unmapped name parts from Outlook.
    const whole = changed ? graphBody(layout, snapshot, all, current) : body;
    const displayName = deriveDisplayName({ ...current, ...(whole as GraphContact) });
    if (displayName) body.displayName = displayName;
  }
  return body;
}

function toCrm(
  layout: ContactLayout,
  snapshot: Snapshot,
  changed?: readonly string[],
): Partial<ContactFields> {
  const keys = changed ?? layout.mapped.map((f) => f.crmKey);
  const patch: Record<string, unknown> = {};
  const custom: Record<string, string | number | boolean | null> = {};
  for (const key of keys) {
    const field = layout.byKey.get(key);
    if (!field) continue;
    let value: unknown = snapshot[key] ?? null;
    if (field.crmType === 'address' && value !== null) value = { ...(value as object) };
    if (key.startsWith(CUSTOM_FIELD_PREFIX)) {
      custom[key.slice(CUSTOM_FIELD_PREFIX.length)] = value as string | number | boolean | null;
    } else {
      patch[key] = value;
    }
  }
  if (Object.keys(custom).length > 0) patch.custom = custom;
  return patch as Partial<ContactFields>;
}

/**
 * A mapper for contacts under `mapping` (the default mapping when omitted). Throws
 * {@link InvalidFieldMappingError} for an invalid mapping: a sync must not start on one.
 */
export function createContactMapper(
  mapping: ContactFieldMapping = DEFAULT_CONTACT_FIELD_MAPPING,
  options: ContactMapperOptions = {},
): ResourceMapper<ContactFields, GraphContact> {
  const customFields = options.customFields ?? [];
  const problems = validateContactFieldMapping(mapping, customFields);
  if (problems.length > 0) throw new InvalidFieldMappingError(problems);
  const layout = layoutOf(mapping, customFields);
  return {
    fields: layout.mapped.map((f) => f.crmKey),
    fromCrm: (record) => snapshotOf(layout, (field) => readCrmValue(record, field.crmKey)),
    fromGraph: (item) => snapshotOf(layout, (field) => readGraphValue(item, field)),
    toGraph: (snapshot, changed, current) => toGraph(layout, snapshot, changed, current),
    toCrm: (snapshot, changed) => toCrm(layout, snapshot, changed),
  };
}
