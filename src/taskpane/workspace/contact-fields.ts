import { CRM_CONTACT_FIELDS, type Address, type ContactFields } from '../../domain/contact';
import type { Locale } from '../i18n';

/** Contact fields by section, in the order forms and the detail view show them. */
export const SECTIONS = {
  name: ['salutation', 'firstName', 'middleName', 'lastName'],
  work: ['accountName', 'title', 'department', 'assistantName'],
  emails: ['email', 'secondaryEmail'],
  phones: ['phone', 'mobilePhone', 'homePhone', 'otherPhone', 'fax'],
  addresses: ['mailingAddress', 'otherAddress'],
  other: ['birthdate', 'website', 'description'],
} as const satisfies Record<string, readonly (keyof ContactFields)[]>;

export type SectionName = keyof typeof SECTIONS;
export const ADDRESS_PARTS = [
  'street',
  'city',
  'state',
  'postalCode',
  'country',
] as const satisfies readonly (keyof Address)[];
export type AddressKey = 'mailingAddress' | 'otherAddress';
export const ADDRESS_KEYS: readonly AddressKey[] = ['mailingAddress', 'otherAddress'];

const LABELS = new Map(CRM_CONTACT_FIELDS.map((f) => [f.key, f]));

export function fieldLabel(key: string, locale: Locale): string {
  return LABELS.get(key)?.label[locale] ?? key;
}

export function fieldType(key: string): string {
  return LABELS.get(key)?.type ?? 'string';
}

/** What a contact is called in lists and titles. */
export function contactName(c: Partial<ContactFields>): string {
  const person = [c.firstName, c.lastName].filter(Boolean).join(' ');
  return person || c.accountName || c.email || '';
}

/** A form's values: one text per input, addressed as `email`, `mailingAddress.city` or `custom.key`. */
export type FormValues = Record<string, string>;

export function toFormValues(c: Partial<ContactFields>): FormValues {
  const out: FormValues = {};
  for (const keys of Object.values(SECTIONS)) {
    for (const key of keys) {
      if (key === 'mailingAddress' || key === 'otherAddress') {
        const address = (c[key] ?? {}) as Address;
        for (const part of ADDRESS_PARTS) out[`${key}.${part}`] = address[part] ?? '';
      } else {
        const value = c[key];
        out[key] = value === undefined || value === null ? '' : String(value);
      }
    }
  }
  for (const [key, value] of Object.entries(c.custom ?? {})) {
    out[`custom.${key}`] = value === null || value === undefined ? '' : String(value);
  }
  return out;
}

/** The contact a form describes; empty inputs are absent fields. Custom values keep their type. */
export function fromFormValues(values: FormValues, customTypes: Record<string, unknown> = {}): ContactFields {
  const out: Record<string, unknown> = {};
  const custom: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(values)) {
    const value = raw.trim() === '' ? '' : name === 'description' ? raw : raw.trim();
    if (value === '') continue;
    const [head, part] = name.split('.', 2) as [string, string | undefined];
    if (head === 'custom' && part) {
      const sample = customTypes[part];
      custom[part] =
        typeof sample === 'number' && Number.isFinite(Number(value))
          ? Number(value)
          : typeof sample === 'boolean'
            ? value === 'true'
            : value;
    } else if (part) {
      out[head] = { ...((out[head] as Record<string, string> | undefined) ?? {}), [part]: value };
    } else {
      out[head] = value;
    }
  }
  if (Object.keys(custom).length > 0) out.custom = custom;
  return out as ContactFields;
}

/**
 * The PATCH body turning `before` into `after`: changed fields, `null` for cleared ones, a whole
 * address when any of its parts changed, and each changed custom value.
 */
export function patchBetween(before: ContactFields, after: ContactFields): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const key of keys) {
    if (key === 'custom') continue;
    const a = (before as Record<string, unknown>)[key];
    const b = (after as Record<string, unknown>)[key];
    if (JSON.stringify(a ?? null) !== JSON.stringify(b ?? null)) patch[key] = b ?? null;
  }
  const beforeCustom = (before.custom ?? {}) as Record<string, unknown>;
  const afterCustom = (after.custom ?? {}) as Record<string, unknown>;
  const custom: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(beforeCustom), ...Object.keys(afterCustom)])) {
    if (beforeCustom[key] !== afterCustom[key]) custom[key] = afterCustom[key] ?? null;
  }
  if (Object.keys(custom).length > 0) patch.custom = custom;
  return patch;
}

/** Only the contact's own fields of a record (no bookkeeping), as the form compares them. */
export function ownFields(record: Record<string, unknown>): ContactFields {
  return fromFormValues(
    toFormValues(record as ContactFields),
    (record.custom ?? {}) as Record<string, unknown>,
  );
}
