import {
  CRM_ID_PROPERTY,
  PARTICIPANTS_PROPERTY,
  crmIdFilter,
  crmIdOf,
  expandTandemProperties,
  withCrmId,
} from '../../../src/sync/mapping/extended-properties';

test('property ids are named string properties in one fixed property set', () => {
  const shape = /^String \{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\} Name Tandem\w+$/;
  expect(CRM_ID_PROPERTY).toMatch(shape);
  expect(PARTICIPANTS_PROPERTY).toMatch(shape);
  expect(CRM_ID_PROPERTY.split(' ')[1]).toBe(PARTICIPANTS_PROPERTY.split(' ')[1]);
});

test('the CRM id filter quotes the value the OData way', () => {
  expect(crmIdFilter("o'brien")).toBe(
    `singleValueExtendedProperties/any(ep: ep/id eq '${CRM_ID_PROPERTY}' and ep/value eq 'o''brien')`,
  );
  expect(expandTandemProperties()).toBe(
    `singleValueExtendedProperties($filter=id eq '${CRM_ID_PROPERTY}' or id eq '${PARTICIPANTS_PROPERTY}')`,
  );
});

test('withCrmId keeps the other properties and replaces an older id', () => {
  const body = {
    subject: 'x',
    singleValueExtendedProperties: [
      { id: PARTICIPANTS_PROPERTY, value: '[]' },
      { id: CRM_ID_PROPERTY.toLowerCase(), value: 'old' },
    ],
  };
  const marked = withCrmId(body, 'crm-7');
  expect(marked.singleValueExtendedProperties).toEqual([
    { id: PARTICIPANTS_PROPERTY, value: '[]' },
    { id: CRM_ID_PROPERTY, value: 'crm-7' },
  ]);
  expect(crmIdOf(marked)).toBe('crm-7');
  expect(crmIdOf({})).toBeUndefined();
});
