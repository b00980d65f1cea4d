import fc from 'fast-check';
import type { GraphContact } from '../../../src/domain/graph-contact-fields';
import { DEFAULT_CONTACT_FIELD_MAPPING } from '../../../src/domain/contact-field-mapping';
import {
  InvalidFieldMappingError,
  birthdayToDate,
  createContactMapper,
} from '../../../src/sync/mapping/contact-mapper';
import { aCrmContact, aGraphContact, crmContactArbitrary } from './support/contact-fixtures';

const mapper = createContactMapper();

/** What Graph would hold after a create with `body` (it stores what it is sent, lists as given). */
function asStored(body: Record<string, unknown>): GraphContact {
  return body as GraphContact;
}

describe('snapshots', () => {
  test('fields are the mapped CRM fields in catalogue order', () => {
    expect(mapper.fields).toEqual(Object.keys(DEFAULT_CONTACT_FIELD_MAPPING));
    expect(mapper.fields).not.toContain('fax');
  });

  test('equal content gives deep-equal snapshots: trimming, empty strings, line ends, key order', () => {
    const a = mapper.fromCrm(
      aCrmContact({
        firstName: '  Lucía ',
        title: '',
        description: 'Line one\r\nLine two  \r\n',
        mailingAddress: { country: 'España', city: 'Madrid', street: ' ' },
      }),
    );
    const b = mapper.fromCrm(
      aCrmContact({
        firstName: 'Lucía',
        title: null,
        description: 'Line one\nLine two',
        mailingAddress: { city: 'Madrid', country: 'España', street: null },
      }),
    );
    expect(a).toEqual(b);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(a.mailingAddress).toEqual({ city: 'Madrid', country: 'España' });
    expect(a.title).toBeNull();
  });

  test('absent and empty values are null; empty addresses are null', () => {
    const snapshot = mapper.fromCrm({ firstName: 'Ana', mailingAddress: {} });
    expect(snapshot.lastName).toBeNull();
    expect(snapshot.mailingAddress).toBeNull();
    expect(Object.keys(snapshot)).toEqual(mapper.fields);
    const fromGraph = mapper.fromGraph(aGraphContact({ businessAddress: {}, otherAddress: null }));
    expect(fromGraph.mailingAddress).toBeNull();
    expect(fromGraph.otherAddress).toBeNull();
  });

  test('email and phone slots are positional: a lone secondary email reads as the email', () => {
    expect(mapper.fromCrm({ email: null, secondaryEmail: 'b@x.example' })).toMatchObject({
      email: 'b@x.example',
      secondaryEmail: null,
    });
  });

  test('fromGraph reads slots, addresses, birthday and notes', () => {
    const snapshot = mapper.fromGraph(
      aGraphContact({
        title: 'Dr.',
        emailAddresses: [
          { name: 'L', address: 'l@x.example' },
          { name: 'L2', address: 'l2@x.example' },
          { address: 'third@x.example' },
        ],
        businessPhones: ['1111', '2222'],
        homePhones: ['3333'],
        businessAddress: { street: 'Calle Mayor 1', countryOrRegion: 'España' },
        birthday: '1984-02-29T00:00:00Z',
        personalNotes: 'a\r\nb',
      }),
    );
    expect(snapshot).toMatchObject({
      salutation: 'Dr.',
      email: 'l@x.example',
      secondaryEmail: 'l2@x.example',
      phone: '1111',
      homePhone: '3333',
      mailingAddress: { country: 'España', street: 'Calle Mayor 1' },
      birthdate: '1984-02-29',
      description: 'a\nb',
    });
  });
});

describe('toGraph', () => {
  test('a create sends every mapped field, whole addresses, lists and a display name', () => {
    const body = mapper.toGraph(mapper.fromCrm(aCrmContact()));
    expect(body).toEqual({
      title: 'Sra.',
      givenName: 'Lucía',
      middleName: 'María',
      surname: 'Navarro Ruiz',
      emailAddresses: [{ address: 'lucia@navarro.example' }, { address: 'lucia.navarro@personal.example' }],
      businessPhones: ['+34 910 000 001'],
      mobilePhone: '+34 600 000 001',
      homePhones: ['+34 910 000 002'],
      companyName: 'Navarro Logística',
      jobTitle: 'COO',
      department: 'Operaciones',
      assistantName: 'Pablo',
      businessAddress: {
        street: 'Calle Mayor 1',
        city: 'Madrid',
        state: 'Madrid',
        postalCode: '28013',
        countryOrRegion: 'España',
      },
      otherAddress: {
        street: 'Avenida del Puerto 4',
        city: 'Valencia',
        state: 'Madrid',
        postalCode: '46023',
        countryOrRegion: 'España',
      },
      birthday: '1984-02-29T00:00:00Z',
      businessHomePage: 'https://navarro.example',
      personalNotes: 'Met at the Madrid fair.\nPrefers calls after 10.',
      displayName: 'Lucía María Navarro Ruiz',
    });
  });

  test('an address change sends the whole address, naming every member', () => {
    const snapshot = mapper.fromCrm(aCrmContact({ mailingAddress: { city: 'Sevilla' } }));
    expect(mapper.toGraph(snapshot, ['mailingAddress'])).toEqual({
      businessAddress: {
        street: null,
        city: 'Sevilla',
        state: null,
        postalCode: null,
        countryOrRegion: null,
      },
    });
    expect(mapper.toGraph({ ...snapshot, mailingAddress: null }, ['mailingAddress'])).toEqual({
      businessAddress: { street: null, city: null, state: null, postalCode: null, countryOrRegion: null },
    });
  });

  test('one changed email rewrites the whole list and keeps the unmapped third address and known names', () => {
    const current = aGraphContact({
      emailAddresses: [
        { name: 'Lucía (work)', address: 'lucia@navarro.example' },
        { name: 'Old', address: 'old@x.example' },
        { name: 'Assistant', address: 'pablo@navarro.example' },
      ],
    });
    const snapshot = { ...mapper.fromGraph(current), secondaryEmail: 'new@x.example' };
    const body = mapper.toGraph(snapshot, ['secondaryEmail'], current);
    expect(body).toEqual({
      emailAddresses: [
        { address: 'lucia@navarro.example', name: 'Lucía (work)' },
        { address: 'new@x.example' },
        { address: 'pablo@navarro.example', name: 'Assistant' },
      ],
      displayName: 'Lucía Navarro',
    });
  });

  test('phones keep the unmapped second business and home phones', () => {
    const current = aGraphContact({ businessPhones: ['1', 'switchboard'], homePhones: ['3', 'home 2'] });
    const snapshot = { ...mapper.fromGraph(current), phone: '9', homePhone: '8' };
    expect(mapper.toGraph(snapshot, ['phone', 'homePhone'], current)).toEqual({
      businessPhones: ['9', 'switchboard'],
      homePhones: ['8', 'home 2'],
    });
  });

  test('clearing a mapped slot lets a kept unmapped value move up rather than be lost', () => {
    const current = aGraphContact({
      emailAddresses: [{ address: 'a@x.example' }, { address: 'b@x.example' }, { address: 'c@x.example' }],
    });
    const snapshot = { ...mapper.fromGraph(current), secondaryEmail: null };
    const body = mapper.toGraph(snapshot, ['secondaryEmail'], current);
    expect(body.emailAddresses).toEqual([{ address: 'a@x.example' }, { address: 'c@x.example' }]);
    // The next read reports where it went, so the CRM learns of it instead of it vanishing.
    expect(mapper.fromGraph(asStored({ ...current, ...body })).secondaryEmail).toBe('c@x.example');
  });

  test('never sends more than 3 email addresses or 2 business phones', () => {
    const many = createContactMapper({
      email: 'emailAddresses[0]',
      secondaryEmail: 'emailAddresses[2]',
      phone: 'businessPhones[1]',
      otherPhone: 'businessPhones[0]',
    });
    const current = aGraphContact({
      emailAddresses: [{ address: 'a@x' }, { address: 'b@x' }, { address: 'c@x' }],
      businessPhones: ['1', '2'],
    });
    const body = many.toGraph(
      { email: 'e@x', secondaryEmail: 'f@x', phone: '7', otherPhone: '8' },
      undefined,
      current,
    );
    expect(body.emailAddresses).toEqual([{ address: 'e@x' }, { address: 'b@x' }, { address: 'f@x' }]);
    expect(body.businessPhones).toEqual(['8', '7']);
  });

  test('a partial update sends only the changed fields, plus the display name when a name part changed', () => {
    const snapshot = mapper.fromCrm(aCrmContact());
    expect(mapper.toGraph(snapshot, ['title'])).toEqual({ jobTitle: 'COO' });
    expect(mapper.toGraph({ ...snapshot, lastName: 'Ruiz' }, ['lastName'])).toEqual({
      surname: 'Ruiz',
      displayName: 'Lucía María Ruiz',
    });
  });

  test('the display name falls back to the company, then the email', () => {
    expect(mapper.toGraph(mapper.fromCrm({ accountName: 'Acme' })).displayName).toBe('Acme');
    expect(mapper.toGraph(mapper.fromCrm({ email: 'only@x.example' })).displayName).toBe('only@x.example');
  });
});

describe('birthday', () => {
  test('is written at midnight UTC and read to the nearest UTC midnight', () => {
    expect(mapper.toGraph({ ...mapper.fromCrm({}), birthdate: '2000-01-31' }, ['birthdate'])).toEqual({
      birthday: '2000-01-31T00:00:00Z',
    });
    expect(birthdayToDate('2000-01-31T00:00:00Z')).toBe('2000-01-31');
    expect(birthdayToDate('2000-01-30T23:00:00Z')).toBe('2000-01-31'); // local midnight, UTC+1
    expect(birthdayToDate('2000-01-31T05:00:00Z')).toBe('2000-01-31'); // local midnight, UTC-5
    expect(birthdayToDate('2000-01-31T11:59:00Z')).toBe('2000-01-31');
    expect(birthdayToDate('not a date')).toBeNull();
    expect(birthdayToDate(null)).toBeNull();
  });
});

describe('toCrm', () => {
  test('gives a patch of CRM fields with CRM address members', () => {
    const snapshot = mapper.fromGraph(
      aGraphContact({ businessAddress: { city: 'Bilbao', countryOrRegion: 'España' } }),
    );
    expect(mapper.toCrm(snapshot, ['mailingAddress', 'lastName'])).toEqual({
      mailingAddress: { city: 'Bilbao', country: 'España' },
      lastName: 'Navarro',
    });
    const all = mapper.toCrm(snapshot);
    expect(Object.keys(all)).toEqual(mapper.fields);
    expect(all.middleName).toBeNull();
  });

  test('custom fields travel as custom.<key>', () => {
    const custom = createContactMapper(
      { firstName: 'givenName', 'custom.nick': 'nickName', 'custom.since': 'birthday' },
      {
        customFields: [
          { key: 'nick', label: 'Nick', type: 'string' },
          { key: 'since', label: 'Since', type: 'date' },
        ],
      },
    );
    const snapshot = custom.fromCrm({ firstName: 'Ana', custom: { nick: ' Anita ', since: '2020-05-01' } });
    expect(snapshot).toEqual({ firstName: 'Ana', 'custom.nick': 'Anita', 'custom.since': '2020-05-01' });
    expect(custom.toGraph(snapshot)).toEqual({
      givenName: 'Ana',
      nickName: 'Anita',
      birthday: '2020-05-01T00:00:00Z',
      displayName: 'Ana',
    });
    expect(custom.toCrm(snapshot, ['custom.nick'])).toEqual({ custom: { nick: 'Anita' } });
  });
});

test('an invalid mapping is refused with the problems named', () => {
  expect(() => createContactMapper({ email: 'mobilePhone' })).toThrow(InvalidFieldMappingError);
  expect(() => createContactMapper({ email: 'mobilePhone' })).toThrow(/email \(email\) cannot map/);
});

test('property: CRM → Graph → CRM is the identity on mapped fields', () => {
  fc.assert(
    fc.property(crmContactArbitrary, (contact) => {
      const snapshot = mapper.fromCrm(contact);
      const stored = asStored(mapper.toGraph(snapshot));
      const back = mapper.fromGraph(stored);
      expect(back).toEqual(snapshot);
      // And the CRM patch rebuilt from it gives the same snapshot again.
      expect(mapper.fromCrm(mapper.toCrm(back))).toEqual(snapshot);
    }),
    { numRuns: 300 },
  );
});

test('property: an update of random fields keeps what Outlook holds in unmapped slots', () => {
  const current = aGraphContact({
    emailAddresses: [{ address: 'a@x.example' }, { address: 'b@x.example' }, { address: 'kept@x.example' }],
    businessPhones: ['1', 'kept-phone'],
    homePhones: ['2', 'kept-home'],
  });
  fc.assert(
    fc.property(crmContactArbitrary, fc.subarray([...mapper.fields]), (contact, changed) => {
      const snapshot = mapper.fromCrm({
        ...contact,
        email: 'e@x.example',
        secondaryEmail: 's@x.example',
        phone: '5',
        homePhone: '6',
      });
      const body = mapper.toGraph(snapshot, changed, current);
      const after = { ...current, ...body } as GraphContact;
      if (body.emailAddresses) expect(after.emailAddresses?.[2]?.address).toBe('kept@x.example');
      expect(after.businessPhones?.[1]).toBe('kept-phone');
      expect(after.homePhones?.[1]).toBe('kept-home');
      const back = mapper.fromGraph(after);
      for (const key of changed) expect(back[key]).toEqual(snapshot[key]);
    }),
    { numRuns: 200 },
  );
});
