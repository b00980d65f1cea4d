import { CRM_CONTACT_FIELDS } from '../../src/domain/contact';
import {
  DEFAULT_CONTACT_FIELD_MAPPING,
  crmContactFieldCatalogue,
  graphTargetsFor,
  typesCompatible,
  validateContactFieldMapping,
  type CustomFieldDefinition,
} from '../../src/domain/contact-field-mapping';
import {
  GRAPH_CONTACT_FIELDS,
  GRAPH_CONTACT_NOT_IN_V1,
  GRAPH_CONTACT_SLOTS,
  graphContactField,
} from '../../src/domain/graph-contact-fields';

const CUSTOM: CustomFieldDefinition[] = [
  { key: 'nickname', label: 'Nickname', type: 'string' },
  { key: 'anniversary', label: 'Anniversary', type: 'date' },
  { key: 'score', label: 'Score', type: 'number' },
];

/** The v1.0 contact properties (graph-notes.md), read-only bookkeeping aside. */
const V1_PROPERTIES = [
  'assistantName',
  'businessHomePage',
  'companyName',
  'department',
  'displayName',
  'fileAs',
  'generation',
  'givenName',
  'initials',
  'jobTitle',
  'manager',
  'middleName',
  'mobilePhone',
  'nickName',
  'officeLocation',
  'personalNotes',
  'profession',
  'spouseName',
  'surname',
  'title',
  'yomiCompanyName',
  'yomiGivenName',
  'yomiSurname',
  'birthday',
  'businessPhones',
  'homePhones',
  'categories',
  'children',
  'imAddresses',
  'emailAddresses',
  'businessAddress',
  'homeAddress',
  'otherAddress',
];

describe('Graph contact catalogue', () => {
  test('covers every v1.0 contact property and nothing else', () => {
    expect(new Set(GRAPH_CONTACT_FIELDS.map((f) => f.property))).toEqual(new Set(V1_PROPERTIES));
  });

  test('splits the slotted collections into their fixed slots', () => {
    for (const [property, count] of Object.entries(GRAPH_CONTACT_SLOTS)) {
      expect(GRAPH_CONTACT_FIELDS.filter((f) => f.property === property).map((f) => f.id)).toEqual(
        Array.from({ length: count }, (_, i) => `${property}[${i}]`),
      );
    }
    expect(graphContactField('emailAddresses[2]')).toMatchObject({ slot: 2, type: 'email' });
    expect(graphContactField('businessPhones[1]')).toMatchObject({ slot: 1, type: 'phone' });
    expect(graphContactField('emailAddresses[3]')).toBeUndefined();
    expect(graphContactField('businessPhones[2]')).toBeUndefined();
  });

  test('ids are unique and every field has English and Spanish labels', () => {
    expect(new Set(GRAPH_CONTACT_FIELDS.map((f) => f.id)).size).toBe(GRAPH_CONTACT_FIELDS.length);
    for (const f of GRAPH_CONTACT_FIELDS) {
      expect(f.label.en.trim()).not.toBe('');
      expect(f.label.es.trim()).not.toBe('');
    }
  });

  test('fields v1.0 does not expose are never in the catalogue, never offered, never accepted', () => {
    const everyCrmField = crmContactFieldCatalogue(CUSTOM).map((f) => f.key);
    const offered = new Set(everyCrmField.flatMap((key) => graphTargetsFor(key, { customFields: CUSTOM })));
    for (const name of GRAPH_CONTACT_NOT_IN_V1) {
      const lower = name.toLowerCase();
      expect(GRAPH_CONTACT_FIELDS.some((f) => f.property.toLowerCase() === lower)).toBe(false);
      expect([...offered].some((f) => f.property.toLowerCase() === lower)).toBe(false);
      expect(validateContactFieldMapping({ fax: name })).toEqual([
        `fax: ${name} is not a contact field Microsoft Graph exposes`,
      ]);
    }
    // Nothing fax-, pager- or gender-like hides under another name either.
    expect(GRAPH_CONTACT_FIELDS.filter((f) => /fax|pager|gender|anniversary|flag/i.test(f.id))).toEqual([]);
  });
});

describe('default mapping', () => {
  test('is valid and maps the fields the product promises', () => {
    expect(validateContactFieldMapping(DEFAULT_CONTACT_FIELD_MAPPING)).toEqual([]);
    expect(DEFAULT_CONTACT_FIELD_MAPPING).toMatchObject({
      email: 'emailAddresses[0]',
      secondaryEmail: 'emailAddresses[1]',
      phone: 'businessPhones[0]',
      homePhone: 'homePhones[0]',
      mailingAddress: 'businessAddress',
      birthdate: 'birthday',
      description: 'personalNotes',
    });
  });

  test('leaves CRM fields with no v1.0 counterpart unmapped', () => {
    expect(DEFAULT_CONTACT_FIELD_MAPPING).not.toHaveProperty('fax');
    expect(DEFAULT_CONTACT_FIELD_MAPPING).not.toHaveProperty('otherPhone');
    expect(graphTargetsFor('fax').map((f) => f.id)).not.toContain('businessPhones[2]');
  });

  test('every built-in CRM field it maps exists', () => {
    const keys = new Set(CRM_CONTACT_FIELDS.map((f) => f.key));
    for (const key of Object.keys(DEFAULT_CONTACT_FIELD_MAPPING)) expect(keys.has(key)).toBe(true);
  });
});

describe('validation', () => {
  test('only type-compatible pairs', () => {
    expect(validateContactFieldMapping({ email: 'businessPhones[0]' })).toEqual([
      'email (email) cannot map to businessPhones[0] (phone)',
    ]);
    expect(validateContactFieldMapping({ birthdate: 'givenName' })).toEqual([
      'birthdate (date) cannot map to givenName (string)',
    ]);
    expect(validateContactFieldMapping({ mailingAddress: 'homeAddress', description: 'nickName' })).toEqual(
      [],
    );
    expect(typesCompatible('string', 'text')).toBe(true);
    expect(typesCompatible('url', 'string')).toBe(false);
  });

  test('one Graph field is mapped at most once', () => {
    expect(
      validateContactFieldMapping({ ...DEFAULT_CONTACT_FIELD_MAPPING, otherPhone: 'mobilePhone' }),
    ).toEqual(['otherPhone: mobilePhone is already mapped to mobilePhone']);
  });

  test('unknown keys on either side, non-string targets and managed fields', () => {
    expect(validateContactFieldMapping({ nickname: 'nickName' })).toEqual([
      'nickname is not a CRM contact field',
    ]);
    expect(validateContactFieldMapping({ firstName: 'firstName' })).toEqual([
      'firstName: firstName is not a contact field Microsoft Graph exposes',
    ]);
    expect(validateContactFieldMapping({ firstName: 3 })).toEqual([
      'firstName must map to a Microsoft field id (a string)',
    ]);
    expect(validateContactFieldMapping({ firstName: 'displayName' })).toEqual([
      'firstName: displayName is managed by the sync and cannot be mapped',
    ]);
    expect(validateContactFieldMapping({ description: 'categories' })).toEqual([
      'description: categories is managed by the sync and cannot be mapped',
    ]);
    expect(validateContactFieldMapping([])).toHaveLength(1);
    expect(validateContactFieldMapping(null)).toHaveLength(1);
  });

  test('org custom fields may be the CRM side when their type fits', () => {
    const mapping = { 'custom.nickname': 'nickName', 'custom.anniversary': 'birthday' };
    expect(validateContactFieldMapping(mapping, CUSTOM)).toEqual([]);
    expect(validateContactFieldMapping(mapping)).toEqual([
      'custom.nickname is not a custom contact field of your organisation',
      'custom.anniversary is not a custom contact field of your organisation',
    ]);
    expect(validateContactFieldMapping({ 'custom.score': 'nickName' }, CUSTOM)).toEqual([
      'custom.score (number) cannot map to nickName (string)',
    ]);
    expect(graphTargetsFor('custom.score', { customFields: CUSTOM })).toEqual([]);
  });
});

describe('targets offered by the editor', () => {
  test('are the mappable, type-compatible fields', () => {
    expect(graphTargetsFor('email').map((f) => f.id)).toEqual([
      'emailAddresses[0]',
      'emailAddresses[1]',
      'emailAddresses[2]',
    ]);
    expect(graphTargetsFor('phone').map((f) => f.id)).toEqual([
      'businessPhones[0]',
      'businessPhones[1]',
      'homePhones[0]',
      'homePhones[1]',
      'mobilePhone',
    ]);
    expect(graphTargetsFor('mailingAddress').map((f) => f.id)).toEqual([
      'businessAddress',
      'homeAddress',
      'otherAddress',
    ]);
    expect(graphTargetsFor('firstName').map((f) => f.id)).not.toContain('displayName');
    expect(graphTargetsFor('firstName').map((f) => f.id)).toContain('personalNotes');
    expect(graphTargetsFor('unknown')).toEqual([]);
  });

  test('leave out what other CRM fields already use, but keep the field’s own target', () => {
    const mapping = DEFAULT_CONTACT_FIELD_MAPPING;
    expect(graphTargetsFor('email', { mapping }).map((f) => f.id)).toEqual([
      'emailAddresses[0]',
      'emailAddresses[2]',
    ]);
    expect(graphTargetsFor('otherPhone', { mapping }).map((f) => f.id)).toEqual([
      'businessPhones[1]',
      'homePhones[1]',
    ]);
  });
});
