/** Typed builders for Graph request bodies, so tests say only what matters to them. */
export const CRM_ID_PROPERTY = 'String {66f5a359-4659-4830-9070-00047ec6ac6e} Name CrmId';

export interface DateTimeTimeZone {
  dateTime: string;
  timeZone: string;
}

export interface EventBody {
  subject?: string;
  body?: { contentType: 'text' | 'html'; content: string };
  start: DateTimeTimeZone;
  end: DateTimeTimeZone;
  isAllDay?: boolean;
  attendees?: { emailAddress: { address: string; name?: string }; type?: string }[];
  categories?: string[];
  recurrence?: unknown;
  transactionId?: string;
  singleValueExtendedProperties?: { id: string; value: string }[];
  [property: string]: unknown;
}

/** A one-hour UTC event starting at `start` (local `YYYY-MM-DDTHH:mm`). */
export function anEvent(overrides: Partial<EventBody> & { at?: string; hours?: number } = {}): EventBody {
  const { at = '2026-12-01T10:00', hours = 1, ...rest } = overrides;
  const start = new Date(`${at}:00Z`);
  const end = new Date(start.getTime() + hours * 3_600_000);
  const local = (d: Date) => d.toISOString().slice(0, 19);
  return {
    subject: 'Pipeline review',
    body: { contentType: 'html', content: '<p>Quarterly numbers</p>' },
    start: { dateTime: local(start), timeZone: 'UTC' },
    end: { dateTime: local(end), timeZone: 'UTC' },
    ...rest,
  };
}

export function anAllDayEvent(date: string, days = 1, overrides: Partial<EventBody> = {}): EventBody {
  const end = new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
  return {
    subject: 'Trade fair',
    start: { dateTime: `${date}T00:00:00`, timeZone: 'UTC' },
    end: { dateTime: `${end}T00:00:00`, timeZone: 'UTC' },
    isAllDay: true,
    ...overrides,
  };
}

export function crmId(value: string) {
  return { singleValueExtendedProperties: [{ id: CRM_ID_PROPERTY, value }] };
}

export function byCrmId(value: string): string {
  return `singleValueExtendedProperties/any(ep: ep/id eq '${CRM_ID_PROPERTY}' and ep/value eq '${value}')`;
}

export function expandCrmId(): string {
  return `singleValueExtendedProperties($filter=id eq '${CRM_ID_PROPERTY}')`;
}

export function attendee(address: string, name?: string) {
  return { emailAddress: { address, ...(name ? { name } : {}) }, type: 'required' };
}

export interface ContactBody {
  givenName?: string;
  surname?: string;
  displayName?: string;
  companyName?: string;
  emailAddresses?: { address: string; name?: string }[];
  businessPhones?: string[];
  homeAddress?: Record<string, string>;
  businessAddress?: Record<string, string>;
  singleValueExtendedProperties?: { id: string; value: string }[];
  [property: string]: unknown;
}

export function aContact(overrides: Partial<ContactBody> = {}): ContactBody {
  return {
    givenName: 'Lucia',
    surname: 'Navarro',
    companyName: 'Navarro Logistica',
    emailAddresses: [{ address: 'lucia@navarro.example', name: 'Lucia Navarro' }],
    businessPhones: ['+34 910 000 001'],
    ...overrides,
  };
}

export function emails(count: number) {
  return Array.from({ length: count }, (_, i) => ({ address: `person${i}@customer.example` }));
}

/** A weekly (or other) recurrence starting on `startDate`. */
export function weekly(
  startDate: string,
  daysOfWeek: string[],
  range: Record<string, unknown> = { type: 'noEnd' },
) {
  return {
    pattern: { type: 'weekly', interval: 1, daysOfWeek, firstDayOfWeek: 'sunday' },
    range: { startDate, ...range },
  };
}

export function daily(startDate: string, numberOfOccurrences?: number) {
  return {
    pattern: { type: 'daily', interval: 1 },
    range:
      numberOfOccurrences === undefined
        ? { type: 'noEnd', startDate }
        : { type: 'numbered', startDate, numberOfOccurrences },
  };
}
