/** The event editor's fields, and how they become a Graph event body and back. */
import { addDays, dayOfWeek, isValidDate } from '../domain/calendar-dates';
import { instantToLocal, localToInstant, tryResolveTimeZone } from '../domain/time-zones';
import type { GraphEvent, GraphRecurrence } from './graph-client';

export type Repeat = 'none' | 'daily' | 'weekly' | 'monthly' | 'yearly';

export interface EventForm {
  subject: string;
  calendarId: string;
  location: string;
  timeZone: string;
  allDay: boolean;
  startDate: string;
  startTime: string;
  endDate: string;
  endTime: string;
  repeat: Repeat;
  interval: string;
  /** Empty: no end; otherwise the number of occurrences. */
  count: string;
}

export type EventFormErrors = Partial<Record<keyof EventForm, string>>;

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

export function newEventForm(calendarId: string, date: string, timeZone: string): EventForm {
  return {
    subject: '',
    calendarId,
    location: '',
    timeZone,
    allDay: false,
    startDate: date,
    startTime: '09:00',
    endDate: date,
    endTime: '09:30',
    repeat: 'none',
    interval: '1',
    count: '',
  };
}

export function validateEventForm(form: EventForm): EventFormErrors {
  const errors: EventFormErrors = {};
  if (!form.subject.trim()) errors.subject = 'A subject is required.';
  else if (form.subject.length > 255) errors.subject = 'At most 255 characters.';
  if (!tryResolveTimeZone(form.timeZone)) errors.timeZone = 'Not a time zone Graph knows.';
  if (!isValidDate(form.startDate)) errors.startDate = 'Choose a start date.';
  if (!isValidDate(form.endDate)) errors.endDate = 'Choose an end date.';
  if (!form.allDay) {
    if (!TIME.test(form.startTime)) errors.startTime = 'Choose a start time.';
    if (!TIME.test(form.endTime)) errors.endTime = 'Choose an end time.';
  }
  if (!errors.startDate && !errors.endDate && !errors.startTime && !errors.endTime) {
    const start = form.allDay ? form.startDate : `${form.startDate}T${form.startTime}`;
    const end = form.allDay ? form.endDate : `${form.endDate}T${form.endTime}`;
    if (form.allDay ? end < start : end <= start) errors.endDate = 'The end must be after the start.';
  }
  if (form.repeat !== 'none') {
    const interval = Number(form.interval);
    if (!Number.isInteger(interval) || interval < 1 || interval > 99)
      errors.interval = 'A whole number from 1 to 99.';
    if (form.count.trim() !== '') {
      const count = Number(form.count);
      if (!Number.isInteger(count) || count < 1 || count > 999)
        errors.count = 'A whole number from 1 to 999, or empty.';
    }
  }
  return errors;
}

function recurrenceOf(form: EventForm): GraphRecurrence | null {
  if (form.repeat === 'none') return null;
  const interval = Number(form.interval);
  const [, month, day] = form.startDate.split('-').map(Number) as [number, number, number];
  const pattern: GraphRecurrence['pattern'] =
    form.repeat === 'daily'
      ? { type: 'daily', interval }
      : form.repeat === 'weekly'
        ? {
            type: 'weekly',
            interval,
            daysOfWeek: [WEEKDAYS[dayOfWeek(form.startDate)]!],
            firstDayOfWeek: 'sunday',
          }
        : form.repeat === 'monthly'
          ? { type: 'absoluteMonthly', interval, dayOfMonth: day }
          : { type: 'absoluteYearly', interval, dayOfMonth: day, month };
  const count = form.count.trim();
  return {
    pattern,
    range: count
      ? { type: 'numbered', startDate: form.startDate, numberOfOccurrences: Number(count) }
      : { type: 'noEnd', startDate: form.startDate },
  };
}

/** The body for POST or PATCH; all-day end dates are shown inclusive and sent exclusive. */
export function eventBody(form: EventForm): Record<string, unknown> {
  const start = form.allDay ? `${form.startDate}T00:00:00` : `${form.startDate}T${form.startTime}:00`;
  const end = form.allDay ? `${addDays(form.endDate, 1)}T00:00:00` : `${form.endDate}T${form.endTime}:00`;
  return {
    subject: form.subject.trim(),
    isAllDay: form.allDay,
    start: { dateTime: start, timeZone: form.timeZone },
    end: { dateTime: end, timeZone: form.timeZone },
    location: { displayName: form.location.trim() },
    recurrence: recurrenceOf(form),
  };
}

function repeatOf(recurrence: GraphRecurrence | null): Repeat {
  switch (recurrence?.pattern.type) {
    case 'daily':
      return 'daily';
    case 'weekly':
      return 'weekly';
    case 'absoluteMonthly':
    case 'relativeMonthly':
      return 'monthly';
    case 'absoluteYearly':
    case 'relativeYearly':
      return 'yearly';
    default:
      return 'none';
  }
}

/**
 * The editor's fields for an event Graph gave in `viewZone`: times are shown in the event's own zone
 * (its `originalStartTimeZone`), the zone it was created in, as Outlook's editor does.
 */
export function eventToForm(event: GraphEvent, calendarId: string, viewZone: string): EventForm {
  const zone =
    (event.originalStartTimeZone && tryResolveTimeZone(event.originalStartTimeZone)) ||
    tryResolveTimeZone(event.start.timeZone) ||
    viewZone;
  const local = (value: { dateTime: string; timeZone: string }) => {
    if (event.isAllDay) return value.dateTime;
    const given = tryResolveTimeZone(value.timeZone) ?? 'Etc/UTC';
    return instantToLocal(localToInstant(value.dateTime, given), zone);
  };
  const start = local(event.start);
  const end = local(event.end);
  return {
    subject: event.subject ?? '',
    calendarId,
    location: event.location?.displayName ?? '',
    timeZone: zone,
    allDay: event.isAllDay,
    startDate: start.slice(0, 10),
    startTime: start.slice(11, 16),
    endDate: event.isAllDay ? addDays(end.slice(0, 10), -1) : end.slice(0, 10),
    endTime: end.slice(11, 16),
    repeat: repeatOf(event.recurrence),
    interval: String(event.recurrence?.pattern.interval ?? 1),
    count:
      event.recurrence?.range.type === 'numbered'
        ? String(event.recurrence.range.numberOfOccurrences ?? '')
        : '',
  };
}
