/**
 * The Microsoft side of the contact field catalogue: every property of Graph v1.0's `contact`
 * resource, with collections split into the fixed slots Exchange keeps behind them (three email
 * addresses, two business phones, two home phones, three IM addresses).
 *
 * Types use the CRM's vocabulary ({@link CrmFieldType}) so the mapping editor can pair fields by type.
 * What v1.0 does not expose (gender, wedding anniversary, other websites, fax/pager/other phones,
 * `postalAddresses`, the follow-up flag, Outlook's user-defined fields) is deliberately absent: a
 * field that cannot be read or written through the API must never be offered.
 */
import type { CrmFieldType } from './contact';

/** A catalogue type: a CRM type, or a list the CRM has no field for (categories, children). */
export type GraphContactFieldType = CrmFieldType | 'stringList';

export interface GraphContactFieldDescriptor {
  /** Stable id used in field mappings: the property name, with `[n]` for a collection slot. */
  id: string;
  /** The Graph property the field lives in. */
  property: string;
  /** Position inside `property` for collection slots (0-based). */
  slot?: number;
  type: GraphContactFieldType;
  label: { en: string; es: string };
  /**
   * False for fields the sync manages itself (`displayName`, derived from the name parts) and for
   * lists no CRM field can hold; these are never offered as mapping targets.
   */
  mappable: boolean;
}

/** Graph's `physicalAddress`. */
export interface GraphPhysicalAddress {
  street?: string | null;
  city?: string | null;
  state?: string | null;
  postalCode?: string | null;
  countryOrRegion?: string | null;
}

export interface GraphEmailAddress {
  name?: string | null;
  address?: string | null;
}

export interface GraphExtendedProperty {
  id: string;
  value: string;
}

/** A Graph v1.0 contact as read (every property optional: `$select` and delta may leave some out). */
export interface GraphContact {
  id?: string;
  changeKey?: string;
  parentFolderId?: string;
  createdDateTime?: string;
  lastModifiedDateTime?: string;
  assistantName?: string | null;
  birthday?: string | null;
  businessAddress?: GraphPhysicalAddress | null;
  businessHomePage?: string | null;
  businessPhones?: string[] | null;
  categories?: string[] | null;
  children?: string[] | null;
  companyName?: string | null;
  department?: string | null;
  displayName?: string | null;
  emailAddresses?: GraphEmailAddress[] | null;
  fileAs?: string | null;
  generation?: string | null;
  givenName?: string | null;
  homeAddress?: GraphPhysicalAddress | null;
  homePhones?: string[] | null;
  imAddresses?: string[] | null;
  initials?: string | null;
  jobTitle?: string | null;
  manager?: string | null;
  middleName?: string | null;
  mobilePhone?: string | null;
  nickName?: string | null;
  officeLocation?: string | null;
  otherAddress?: GraphPhysicalAddress | null;
  personalNotes?: string | null;
  profession?: string | null;
  spouseName?: string | null;
  surname?: string | null;
  title?: string | null;
  yomiCompanyName?: string | null;
  yomiGivenName?: string | null;
  yomiSurname?: string | null;
  singleValueExtendedProperties?: GraphExtendedProperty[];
}

/** Collections backed by fixed Exchange slots, with how many slots each has. */
export const GRAPH_CONTACT_SLOTS = {
  emailAddresses: 3,
  businessPhones: 2,
  homePhones: 2,
  imAddresses: 3,
} as const;
export type GraphSlottedCollection = keyof typeof GRAPH_CONTACT_SLOTS;

export const GRAPH_ADDRESS_PROPERTIES = ['businessAddress', 'homeAddress', 'otherAddress'] as const;
export type GraphAddressProperty = (typeof GRAPH_ADDRESS_PROPERTIES)[number];

/**
 * Contact data Outlook has but Graph v1.0 does not expose. Listed so tests (and readers) can check
 * none of it ever reaches the catalogue.
 */
export const GRAPH_CONTACT_NOT_IN_V1: readonly string[] = [
  'gender',
  'weddingAnniversary',
  'anniversary',
  'websites',
  'phones',
  'businessFax',
  'homeFax',
  'otherFax',
  'pager',
  'otherPhone',
  'postalAddresses',
  'flag',
  'userDefinedFields',
];

const field = (
  id: string,
  type: GraphContactFieldType,
  en: string,
  es: string,
  extra: Partial<Pick<GraphContactFieldDescriptor, 'mappable'>> = {},
): GraphContactFieldDescriptor => ({
  id,
  property: id,
  type,
  label: { en, es },
  mappable: extra.mappable ?? true,
});

const slots = (
  property: GraphSlottedCollection,
  type: GraphContactFieldType,
  en: (n: number) => string,
  es: (n: number) => string,
): GraphContactFieldDescriptor[] =>
  Array.from({ length: GRAPH_CONTACT_SLOTS[property] }, (_, slot) => ({
    id: `${property}[${slot}]`,
    property,
    slot,
    type,
    label: { en: en(slot + 1), es: es(slot + 1) },
    mappable: true,
  }));

/** Every v1.0 contact property (read-only bookkeeping such as `id` and `changeKey` aside). */
export const GRAPH_CONTACT_FIELDS: readonly GraphContactFieldDescriptor[] = [
  field('title', 'string', 'Title', 'Tratamiento'),
  field('givenName', 'string', 'First name', 'Nombre'),
  field('middleName', 'string', 'Middle name', 'Segundo nombre'),
  field('surname', 'string', 'Last name', 'Apellidos'),
  field('generation', 'string', 'Suffix', 'Sufijo'),
  field('initials', 'string', 'Initials', 'Iniciales'),
  field('nickName', 'string', 'Nickname', 'Apodo'),
  field('displayName', 'string', 'Display name', 'Nombre para mostrar', { mappable: false }),
  field('fileAs', 'string', 'File as', 'Archivar como'),
  field('yomiGivenName', 'string', 'Phonetic first name', 'Nombre fonético'),
  field('yomiSurname', 'string', 'Phonetic last name', 'Apellidos fonéticos'),
  field('yomiCompanyName', 'string', 'Phonetic company', 'Empresa fonética'),
  ...slots(
    'emailAddresses',
    'email',
    (n) => `Email ${n}`,
    (n) => `Correo electrónico ${n}`,
  ),
  ...slots(
    'imAddresses',
    'string',
    (n) => `IM address ${n}`,
    (n) => `Dirección de MI ${n}`,
  ),
  ...slots(
    'businessPhones',
    'phone',
    (n) => `Business phone ${n}`,
    (n) => `Teléfono del trabajo ${n}`,
  ),
  ...slots(
    'homePhones',
    'phone',
    (n) => `Home phone ${n}`,
    (n) => `Teléfono particular ${n}`,
  ),
  field('mobilePhone', 'phone', 'Mobile phone', 'Teléfono móvil'),
  field('companyName', 'string', 'Company', 'Empresa'),
  field('jobTitle', 'string', 'Job title', 'Cargo'),
  field('department', 'string', 'Department', 'Departamento'),
  field('officeLocation', 'string', 'Office', 'Oficina'),
  field('profession', 'string', 'Profession', 'Profesión'),
  field('manager', 'string', 'Manager', 'Jefe'),
  field('assistantName', 'string', 'Assistant', 'Asistente'),
  field('businessHomePage', 'url', 'Web page', 'Página web'),
  field('businessAddress', 'address', 'Business address', 'Dirección del trabajo'),
  field('homeAddress', 'address', 'Home address', 'Dirección particular'),
  field('otherAddress', 'address', 'Other address', 'Otra dirección'),
  field('birthday', 'date', 'Birthday', 'Cumpleaños'),
  field('spouseName', 'string', 'Spouse/partner', 'Cónyuge o pareja'),
  field('children', 'stringList', 'Children', 'Hijos', { mappable: false }),
  field('personalNotes', 'text', 'Notes', 'Notas'),
  field('categories', 'stringList', 'Categories', 'Categorías', { mappable: false }),
];

const byId = new Map(GRAPH_CONTACT_FIELDS.map((f) => [f.id, f]));

export function graphContactField(id: string): GraphContactFieldDescriptor | undefined {
  return byId.get(id);
}
