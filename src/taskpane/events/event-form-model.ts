import { addDays, isValidDate } from '../../domain/calendar-dates';
import type { CrmEvent, EventFields } from '../../domain/event';
import {
  DAYS_OF_WEEK,
  validateRecurrence,
  type DayOfWeek,
  type PatternedRecurrence,
} from '../../domain/recurrence';
import { instantToLocal, isValidIanaZone, localToInstant } from '../../domain/time-zones';
import type { EventsKey } from './events-i18n';

/** What the event form holds: text as typed, so a refused save keeps every keystroke. */
export interface EventDraft {
  title: string;
  isAllDay: boolean;
  startDate: string;
  startTime: string;
  /** All-day: the last day (inclusive), as people say it; stored exclusive. */
  endDate: string;
  endTime: string;
  timeZone: string;
  location: string;
  description: string;
  participants: string;
  reminder: string;
  repeat: 'none' | 'daily' | 'weekly' | 'monthly' | 'yearly';
  interval: string;
  days: DayOfWeek[];
  ends: 'never' | 'onDate' | 'after';
  seriesEndDate: string;
  count: string;
}

export type DraftField = keyof EventDraft;
export interface FieldError {
  key: EventsKey;
  values?: Record<string, string | number>;
}
export type DraftErrors = Partial<Record<DraftField, FieldError>>;

export const REMINDER_CHOICES = ['', '0', '5', '15', '30', '60', '1440'] as const;
const EMAIL = /^[^\s@,;]+@[^\s@,;]+\.[^\s@,;]+$/;

/** The browser's own IANA zone: the default for a new event. */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

export function newDraft(day: string, zone = browserTimeZone()): EventDraft {
  return {
    title: '',
    isAllDay: false,
    startDate: day,
    startTime: '09:00',
    endDate: day,
    endTime: '10:00',
    timeZone: zone,
    location: '',
    description: '',
    participants: '',
    reminder: '15',
    repeat: 'none',
    interval: '1',
    days: [DAYS_OF_WEEK[new Date(`${day}T00:00:00Z`).getUTCDay()]!],
    ends: 'never',
    seriesEndDate: '',
    count: '10',
  };
}

/** The form's values for a stored event, times shown in the event's own zone. */
export function draftOf(event: CrmEvent): EventDraft {
  const zone = event.timeZone ?? browserTimeZone();
  const startLocal = event.start ? instantToLocal(event.start, zone) : '';
  const endLocal = event.end ? instantToLocal(event.end, zone) : '';
  const startDate = event.isAllDay ? (event.startDate ?? '') : startLocal.slice(0, 10);
  const draft = newDraft(startDate || new Date().toISOString().slice(0, 10), zone);
  const r = event.recurrence;
  const repeat: EventDraft['repeat'] = !r
    ? 'none'
    : r.pattern.type === 'daily'
      ? 'daily'
      : r.pattern.type === 'weekly'
        ? 'weekly'
        : r.pattern.type.endsWith('Monthly')
          ? 'monthly'
          : 'yearly';
  return {
    ...draft,
    title: event.title ?? '',
    isAllDay: event.isAllDay ?? false,
    startDate,
    startTime: event.isAllDay ? draft.startTime : startLocal.slice(11, 16),
    endDate: event.isAllDay ? addDays(event.endDate ?? startDate, -1) : endLocal.slice(0, 10),
    endTime: event.isAllDay ? draft.endTime : endLocal.slice(11, 16),
    location: event.location ?? '',
    description: event.description ?? '',
    participants: (event.attendees ?? []).map((a) => a.email).join(', '),
    reminder:
      event.reminderMinutes === undefined || event.reminderMinutes === null
        ? ''
        : String(event.reminderMinutes),
    repeat,
    interval: r ? String(r.pattern.interval) : '1',
    days: r?.pattern.daysOfWeek?.length ? [...r.pattern.daysOfWeek] : draft.days,
    ends: !r || r.range.type === 'noEnd' ? 'never' : r.range.type === 'endDate' ? 'onDate' : 'after',
    seriesEndDate: r?.range.endDate && r.range.type === 'endDate' ? r.range.endDate : '',
    count: r?.range.numberOfOccurrences ? String(r.range.numberOfOccurrences) : '10',
  };
}

export function participantsOf(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

const isTime = (s: string) => /^([01]\d|2[0-3]):[0-5]\d$/.test(s);
const wholeIn = (s: string, min: number, max: number) =>
  /^\d{1,4}$/.test(s.trim()) && Number(s) >= min && Number(s) <= max;

/** Checks the draft as the server would, giving each problem to its field. */
export function validateDraft(d: EventDraft): DraftErrors {
  const errors: DraftErrors = {};
  const required = (field: DraftField, ok: boolean) => {
    if (!ok && !errors[field]) errors[field] = { key: 'form.error.required' };
  };
  required('title', d.title.trim() !== '');
  if (d.title.length > 255) errors.title = { key: 'form.error.tooLong', values: { max: 255 } };
  if (d.location.length > 255) errors.location = { key: 'form.error.tooLong', values: { max: 255 } };
  if (d.description.length > 32000)
    errors.description = { key: 'form.error.tooLong', values: { max: 32000 } };
  required('startDate', isValidDate(d.startDate));
  required('endDate', isValidDate(d.endDate));
  if (!d.isAllDay) {
    required('startTime', isTime(d.startTime));
    required('endTime', isTime(d.endTime));
  }
  if (!d.timeZone.trim()) errors.timeZone = { key: 'form.error.required' };
  else if (!isValidIanaZone(d.timeZone.trim())) errors.timeZone = { key: 'form.error.timeZone' };
  if (!errors.startDate && !errors.endDate && !errors.startTime && !errors.endTime && !errors.timeZone) {
    const before = d.isAllDay
      ? d.endDate < d.startDate
      : localToInstant(`${d.endDate}T${d.endTime}:00`, d.timeZone).getTime() <=
        localToInstant(`${d.startDate}T${d.startTime}:00`, d.timeZone).getTime();
    if (before) errors[d.isAllDay ? 'endDate' : 'endTime'] = { key: 'form.error.endBeforeStart' };
  }
  const emails = participantsOf(d.participants);
  const bad = emails.find((e) => !EMAIL.test(e) || e.length > 254);
  if (bad) errors.participants = { key: 'form.error.email', values: { value: bad } };
  else if (emails.length > 500) errors.participants = { key: 'form.error.tooMany', values: { max: 500 } };
  if (d.repeat !== 'none') {
    if (!wholeIn(d.interval, 1, 99)) errors.interval = { key: 'form.error.interval' };
    if (d.repeat === 'weekly' && d.days.length === 0) errors.days = { key: 'form.error.days' };
    if (d.ends === 'onDate') {
      if (!isValidDate(d.seriesEndDate)) errors.seriesEndDate = { key: 'form.error.required' };
      else if (isValidDate(d.startDate) && d.seriesEndDate < d.startDate)
        errors.seriesEndDate = { key: 'form.error.seriesEnd' };
    }
    if (d.ends === 'after' && !wholeIn(d.count, 1, 999)) errors.count = { key: 'form.error.count' };
    if (Object.keys(errors).length === 0) {
      const problem = validateRecurrence(recurrenceOf(d), d.startDate)[0];
      if (problem) errors.repeat = { key: 'form.error.server', values: { message: problem } };
    }
  }
  return errors;
}

/** The recurrence Graph accepts for the draft's choices, anchored on the start date. */
export function recurrenceOf(d: EventDraft): PatternedRecurrence | null {
  if (d.repeat === 'none') return null;
  const interval = Number(d.interval);
  const [, month, day] = d.startDate.split('-').map(Number) as [number, number, number];
  const pattern: PatternedRecurrence['pattern'] =
    d.repeat === 'daily'
      ? { type: 'daily', interval }
      : d.repeat === 'weekly'
        ? {
            type: 'weekly',
            interval,
            daysOfWeek: DAYS_OF_WEEK.filter((x) => d.days.includes(x)),
            firstDayOfWeek: 'sunday',
          }
        : d.repeat === 'monthly'
          ? { type: 'absoluteMonthly', interval, dayOfMonth: day }
          : { type: 'absoluteYearly', interval, dayOfMonth: day, month };
  const range: PatternedRecurrence['range'] =
    d.ends === 'never'
      ? { type: 'noEnd', startDate: d.startDate, recurrenceTimeZone: d.timeZone }
      : d.ends === 'onDate'
        ? {
            type: 'endDate',
            startDate: d.startDate,
            endDate: d.seriesEndDate,
            recurrenceTimeZone: d.timeZone,
          }
        : {
            type: 'numbered',
            startDate: d.startDate,
            numberOfOccurrences: Number(d.count),
            recurrenceTimeZone: d.timeZone,
          };
  return { pattern, range };
}

/** The fields the API stores for a valid draft (`null` clears what the form left empty). */
export function fieldsOf(d: EventDraft): EventFields {
  const zone = d.timeZone.trim();
  const emails = participantsOf(d.participants);
  return {
    title: d.title.trim(),
    timeZone: zone,
    isAllDay: d.isAllDay,
    start: d.isAllDay ? null : localToInstant(`${d.startDate}T${d.startTime}:00`, zone).toISOString(),
    end: d.isAllDay ? null : localToInstant(`${d.endDate}T${d.endTime}:00`, zone).toISOString(),
    startDate: d.isAllDay ? d.startDate : null,
    endDate: d.isAllDay ? addDays(d.endDate, 1) : null,
    location: d.location.trim() || null,
    description: d.description || null,
    attendees: emails.map((email) => ({ email })),
    reminderMinutes: d.reminder === '' ? null : Number(d.reminder),
    recurrence: recurrenceOf(d),
  };
}

/**
 * A server 400 names its field first ("end must not be before start", "body/title must…"): the
 * draft field it belongs to, so the message shows where the mistake is.
 */
export function fieldOfServerMessage(message: string): DraftField | undefined {
  const m = /^(?:body[./])?([a-zA-Z]+)/.exec(message.trim());
  const name = m?.[1];
  const map: Record<string, DraftField> = {
    title: 'title',
    location: 'location',
    description: 'description',
    start: 'startTime',
    end: 'endTime',
    startDate: 'startDate',
    endDate: 'endDate',
    timeZone: 'timeZone',
    attendees: 'participants',
    reminderMinutes: 'reminder',
    recurrence: 'repeat',
  };
  return name ? map[name] : undefined;
}
