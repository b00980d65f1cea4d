import fc from 'fast-check';
import type { Address, ContactFields } from '../../../../src/domain/contact';
import type { GraphContact } from '../../../../src/domain/graph-contact-fields';

/** A CRM contact with every default-mapped field set; override what a test is about. */
export function aCrmContact(overrides: Partial<ContactFields> = {}): ContactFields {
  return {
    salutation: 'Sra.',
    firstName: 'Lucía',
    middleName: 'María',
    lastName: 'Navarro Ruiz',
    email: 'lucia@navarro.example',
    secondaryEmail: 'lucia.navarro@personal.example',
    phone: '+34 910 000 001',
    mobilePhone: '+34 600 000 001',
    homePhone: '+34 910 000 002',
    accountName: 'Navarro Logística',
    title: 'COO',
    department: 'Operaciones',
    assistantName: 'Pablo',
    mailingAddress: anAddress(),
    otherAddress: anAddress({ street: 'Avenida del Puerto 4', city: 'Valencia', postalCode: '46023' }),
    birthdate: '1984-02-29',
    website: 'https://navarro.example',
    description: 'Met at the Madrid fair.\nPrefers calls after 10.',
    ...overrides,
  };
}

export function anAddress(overrides: Partial<Address> = {}): Address {
  return {
    street: 'Calle Mayor 1',
    city: 'Madrid',
    state: 'Madrid',
    postalCode: '28013',
    country: 'España',
    ...overrides,
  };
}

/** A Graph contact as the service answers it; override what a test is about. */
export function aGraphContact(overrides: Partial<GraphContact> = {}): GraphContact {
  return {
    id: 'AAMkAcontact1',
    changeKey: 'ck1',
    displayName: 'Lucía Navarro',
    givenName: 'Lucía',
    middleName: null,
    surname: 'Navarro',
    title: null,
    emailAddresses: [{ name: 'Lucía Navarro', address: 'lucia@navarro.example' }],
    businessPhones: ['+34 910 000 001'],
    homePhones: [],
    mobilePhone: null,
    companyName: 'Navarro Logística',
    jobTitle: null,
    department: null,
    assistantName: null,
    businessAddress: {},
    homeAddress: {},
    otherAddress: {},
    birthday: null,
    businessHomePage: null,
    personalNotes: null,
    ...overrides,
  };
}

// --- fast-check arbitraries ------------------------------------------------------------------------

const line = (max: number) =>
  fc
    .string({
      minLength: 1,
      maxLength: max,
      unit: fc.constantFrom(..."abcdefghijklmnñopqrstuvwxyzÁé .-'0123456789".split('')),
    })
    .map((s) => s.trim())
    .filter((s) => s !== '');

const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });

const email = fc
  .tuple(line(10), line(10))
  .map(([a, b]) => `${a.replace(/[^a-z0-9]/g, '') || 'x'}@${b.replace(/[^a-z0-9]/g, '') || 'y'}.example`);
const phone = fc.stringMatching(/^\+?[0-9][0-9 ]{5,15}[0-9]$/);
const date = fc
  .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const address: fc.Arbitrary<Address | null> = optional(
  fc.record(
    {
      street: optional(line(40)),
      city: optional(line(20)),
      state: optional(line(20)),
      postalCode: optional(fc.stringMatching(/^[0-9]{5}$/)),
      country: optional(line(20)),
    },
    { requiredKeys: [] },
  ),
);
const text = fc
  .array(line(30), { minLength: 1, maxLength: 4 })
  .chain((lines) => fc.constantFrom('\n', '\r\n').map((eol) => lines.join(eol)));

/** Random valid CRM contacts over the default-mapped fields (and fax, which never maps). */
export const crmContactArbitrary: fc.Arbitrary<ContactFields> = fc.record(
  {
    salutation: optional(line(10)),
    firstName: optional(line(30)),
    middleName: optional(line(30)),
    lastName: optional(line(30)),
    email: optional(email),
    secondaryEmail: optional(email),
    phone: optional(phone),
    mobilePhone: optional(phone),
    homePhone: optional(phone),
    fax: optional(phone),
    accountName: optional(line(40)),
    title: optional(line(30)),
    department: optional(line(30)),
    assistantName: optional(line(30)),
    mailingAddress: address,
    otherAddress: address,
    birthdate: optional(date),
    website: optional(line(20).map((s) => `https://${s.replace(/[^a-z0-9]/g, '') || 'w'}.example`)),
    description: optional(text),
  },
  { requiredKeys: [] },
);
