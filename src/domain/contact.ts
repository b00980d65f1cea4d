import { Type, type Static } from 'typebox';
import { Nullable, RecordMeta, ShortText } from './record';

export const Address = Type.Object(
  {
    street: Type.Optional(Nullable(ShortText(500))),
    city: Type.Optional(Nullable(ShortText(120))),
    state: Type.Optional(Nullable(ShortText(120))),
    postalCode: Type.Optional(Nullable(ShortText(40))),
    country: Type.Optional(Nullable(ShortText(120))),
  },
  { additionalProperties: false },
);
export type Address = Static<typeof Address>;

const Email = Type.String({ format: 'email', maxLength: 254 });
/** A date that exists on the calendar (`2024-02-29` yes, `2024-02-30` and `0000-00-00` no). */
const CalendarDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', format: 'date', maxLength: 10 });
const Phone = ShortText(40);

/** Values of org-defined custom fields, keyed by the field's key. */
export const CustomValues = Type.Record(
  Type.String({ pattern: '^[a-z][a-zA-Z0-9_]{0,62}$' }),
  Type.Union([Type.String({ maxLength: 2000 }), Type.Number(), Type.Boolean(), Type.Null()]),
);

/** The contact's own fields. Every field is optional; `null` clears a field on update. */
export const ContactFields = Type.Object(
  {
    salutation: Type.Optional(Nullable(ShortText(40))),
    firstName: Type.Optional(Nullable(ShortText(120))),
    middleName: Type.Optional(Nullable(ShortText(120))),
    lastName: Type.Optional(Nullable(ShortText(120))),
    email: Type.Optional(Nullable(Email)),
    secondaryEmail: Type.Optional(Nullable(Email)),
    phone: Type.Optional(Nullable(Phone)),
    mobilePhone: Type.Optional(Nullable(Phone)),
    homePhone: Type.Optional(Nullable(Phone)),
    otherPhone: Type.Optional(Nullable(Phone)),
    fax: Type.Optional(Nullable(Phone)),
    accountName: Type.Optional(Nullable(ShortText(255))),
    title: Type.Optional(Nullable(ShortText(128))),
    department: Type.Optional(Nullable(ShortText(128))),
    assistantName: Type.Optional(Nullable(ShortText(120))),
    mailingAddress: Type.Optional(Nullable(Address)),
    otherAddress: Type.Optional(Nullable(Address)),
    birthdate: Type.Optional(Nullable(CalendarDate)),
    website: Type.Optional(Nullable(Type.String({ maxLength: 2048 }))),
    description: Type.Optional(Nullable(Type.String({ maxLength: 32000 }))),
    custom: Type.Optional(CustomValues),
  },
  { additionalProperties: false },
);
export type ContactFields = Static<typeof ContactFields>;

export type Contact = RecordMeta & ContactFields;

export type CrmFieldType =
  'string' | 'email' | 'phone' | 'date' | 'url' | 'text' | 'address' | 'number' | 'boolean';

export interface CrmFieldDescriptor {
  key: string;
  label: { en: string; es: string };
  type: CrmFieldType;
}

/** The CRM side of the contact field catalogue: what the field-mapping editor can map to. */
export const CRM_CONTACT_FIELDS: readonly CrmFieldDescriptor[] = [
  { key: 'salutation', label: { en: 'Salutation', es: 'Tratamiento' }, type: 'string' },
  { key: 'firstName', label: { en: 'First name', es: 'Nombre' }, type: 'string' },
  { key: 'middleName', label: { en: 'Middle name', es: 'Segundo nombre' }, type: 'string' },
  { key: 'lastName', label: { en: 'Last name', es: 'Apellidos' }, type: 'string' },
  { key: 'email', label: { en: 'Email', es: 'Correo electrónico' }, type: 'email' },
  {
    key: 'secondaryEmail',
    label: { en: 'Secondary email', es: 'Correo electrónico secundario' },
    type: 'email',
  },
  { key: 'phone', label: { en: 'Phone', es: 'Teléfono' }, type: 'phone' },
  { key: 'mobilePhone', label: { en: 'Mobile', es: 'Móvil' }, type: 'phone' },
  { key: 'homePhone', label: { en: 'Home phone', es: 'Teléfono particular' }, type: 'phone' },
  { key: 'otherPhone', label: { en: 'Other phone', es: 'Otro teléfono' }, type: 'phone' },
  { key: 'fax', label: { en: 'Fax', es: 'Fax' }, type: 'phone' },
  { key: 'accountName', label: { en: 'Company', es: 'Empresa' }, type: 'string' },
  { key: 'title', label: { en: 'Job title', es: 'Cargo' }, type: 'string' },
  { key: 'department', label: { en: 'Department', es: 'Departamento' }, type: 'string' },
  { key: 'assistantName', label: { en: 'Assistant', es: 'Asistente' }, type: 'string' },
  { key: 'mailingAddress', label: { en: 'Mailing address', es: 'Dirección postal' }, type: 'address' },
  { key: 'otherAddress', label: { en: 'Other address', es: 'Otra dirección' }, type: 'address' },
  { key: 'birthdate', label: { en: 'Date of birth', es: 'Fecha de nacimiento' }, type: 'date' },
  { key: 'website', label: { en: 'Website', es: 'Sitio web' }, type: 'url' },
  { key: 'description', label: { en: 'Description', es: 'Descripción' }, type: 'text' },
];

/** A contact needs something to call it by. */
export function contactHasIdentity(fields: ContactFields): boolean {
  return Boolean(fields.firstName || fields.lastName || fields.email || fields.accountName);
}
