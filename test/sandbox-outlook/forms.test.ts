import {
  contactBody,
  contactToForm,
  EMPTY_CONTACT,
  validateContactForm,
} from '../../src/sandbox-outlook/contact-form';
import {
  eventBody,
  eventToForm,
  newEventForm,
  validateEventForm,
} from '../../src/sandbox-outlook/event-form';
import type { GraphEvent } from '../../src/sandbox-outlook/graph-client';

const form = () => ({ ...newEventForm('cal-1', '2026-12-07', 'Europe/Madrid'), subject: 'Review' });

test('a new event is sent in its own zone, with a weekly recurrence on the start day', () => {
  const body = eventBody({ ...form(), timeZone: 'America/New_York', repeat: 'weekly', count: '3' });
  expect(body).toEqual({
    subject: 'Review',
    isAllDay: false,
    start: { dateTime: '2026-12-07T09:00:00', timeZone: 'America/New_York' },
    end: { dateTime: '2026-12-07T09:30:00', timeZone: 'America/New_York' },
    location: { displayName: '' },
    recurrence: {
      pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday'], firstDayOfWeek: 'sunday' },
      range: { type: 'numbered', startDate: '2026-12-07', numberOfOccurrences: 3 },
    },
  });
});

test('an all-day event ends at midnight after its last day; monthly and yearly repeat on the date', () => {
  const body = eventBody({ ...form(), allDay: true, endDate: '2026-12-08', repeat: 'monthly' });
  expect(body.start).toEqual({ dateTime: '2026-12-07T00:00:00', timeZone: 'Europe/Madrid' });
  expect(body.end).toEqual({ dateTime: '2026-12-09T00:00:00', timeZone: 'Europe/Madrid' });
  expect(body.recurrence).toEqual({
    pattern: { type: 'absoluteMonthly', interval: 1, dayOfMonth: 7 },
    range: { type: 'noEnd', startDate: '2026-12-07' },
  });
  expect(eventBody({ ...form(), repeat: 'yearly', interval: '2' }).recurrence).toMatchObject({
    pattern: { type: 'absoluteYearly', interval: 2, dayOfMonth: 7, month: 12 },
  });
});

test('bad input is named on its field', () => {
  expect(validateEventForm(form())).toEqual({});
  expect(validateEventForm({ ...form(), subject: ' ' })).toEqual({ subject: 'A subject is required.' });
  expect(validateEventForm({ ...form(), endTime: '08:00' })).toEqual({
    endDate: 'The end must be after the start.',
  });
  expect(validateEventForm({ ...form(), timeZone: 'Mars/Olympus' })).toHaveProperty('timeZone');
  expect(validateEventForm({ ...form(), startDate: '2026-02-30' })).toHaveProperty('startDate');
  expect(validateEventForm({ ...form(), repeat: 'daily', interval: '0', count: 'x' })).toEqual({
    interval: 'A whole number from 1 to 99.',
    count: 'A whole number from 1 to 999, or empty.',
  });
  // One all-day day: the same start and end date is fine.
  expect(validateEventForm({ ...form(), allDay: true })).toEqual({});
});

test('an event read in the view zone is edited in the zone it was made in', () => {
  const event: GraphEvent = {
    id: 'e1',
    subject: 'Review',
    // 10:00 in New York, as Graph gives it to a browser in Madrid.
    start: { dateTime: '2026-12-07T16:00:00.0000000', timeZone: 'Europe/Madrid' },
    end: { dateTime: '2026-12-07T17:00:00.0000000', timeZone: 'Europe/Madrid' },
    originalStartTimeZone: 'Eastern Standard Time',
    isAllDay: false,
    type: 'seriesMaster',
    seriesMasterId: null,
    recurrence: {
      pattern: { type: 'daily', interval: 2 },
      range: { type: 'numbered', startDate: '2026-12-07', numberOfOccurrences: 4 },
    },
  };
  expect(eventToForm(event, 'cal-1', 'Europe/Madrid')).toMatchObject({
    timeZone: 'America/New_York',
    startDate: '2026-12-07',
    startTime: '10:00',
    endTime: '11:00',
    repeat: 'daily',
    interval: '2',
    count: '4',
  });
  const allDay = eventToForm(
    {
      ...event,
      isAllDay: true,
      recurrence: null,
      start: { dateTime: '2026-12-07T00:00:00.0000000', timeZone: 'Europe/Madrid' },
      end: { dateTime: '2026-12-08T00:00:00.0000000', timeZone: 'Europe/Madrid' },
    },
    'cal-1',
    'Europe/Madrid',
  );
  expect(allDay).toMatchObject({
    allDay: true,
    startDate: '2026-12-07',
    endDate: '2026-12-07',
    repeat: 'none',
  });
});

test('contacts: a name or an email is needed, emails and phones are checked, and fields round-trip', () => {
  expect(validateContactForm(EMPTY_CONTACT)).toEqual({ givenName: 'Give a name or an email address.' });
  expect(validateContactForm({ ...EMPTY_CONTACT, email: 'nope', mobilePhone: 'call me' })).toEqual({
    email: 'Not an email address.',
    mobilePhone: 'Not a phone number.',
  });
  expect(validateContactForm({ ...EMPTY_CONTACT, givenName: 'x'.repeat(201) })).toEqual({
    givenName: 'At most 200 characters.',
  });
  const marta = { ...EMPTY_CONTACT, givenName: 'Marta', surname: 'Ruiz', email: 'marta@northwind.example' };
  const body = contactBody(marta);
  expect(body.emailAddresses).toEqual([{ address: 'marta@northwind.example', name: 'Marta Ruiz' }]);
  expect(body.businessPhones).toEqual([]);
  expect(contactToForm({ id: 'c1', ...body } as never)).toEqual(marta);
});
