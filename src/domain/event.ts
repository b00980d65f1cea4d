import { Type, type Static } from 'typebox';
import { isValidDate } from './calendar-dates';
import { DateOnly, Instant, Nullable, RecordMeta, ShortText } from './record';
import { isValidIanaZone } from './time-zones';

export const ATTENDEE_RESPONSES = ['none', 'accepted', 'declined', 'tentative'] as const;

export const Attendee = Type.Object(
  {
    email: Type.String({ format: 'email', maxLength: 254 }),
    name: Type.Optional(Nullable(ShortText(255))),
    response: Type.Optional(
      Type.Union([
        Type.Literal('none'),
        Type.Literal('accepted'),
        Type.Literal('declined'),
        Type.Literal('tentative'),
      ]),
    ),
  },
  { additionalProperties: false },
);
export type Attendee = Static<typeof Attendee>;

/**
 * A recurring series: the pattern/range shape of Microsoft Graph's patternedRecurrence, which the CRM
 * uses as its own so a series maps without loss. Detailed validation lives with the recurrence rules.
 */
export const Recurrence = Type.Object(
  {
    pattern: Type.Record(Type.String(), Type.Unknown()),
    range: Type.Record(Type.String(), Type.Unknown()),
  },
  { additionalProperties: false },
);
export type Recurrence = Static<typeof Recurrence>;

/** One occurrence of a series that differs from the pattern: moved, retitled or cancelled. */
export const OccurrenceException = Type.Object(
  {
    originalStartDate: DateOnly,
    cancelled: Type.Optional(Type.Boolean()),
    start: Type.Optional(Instant),
    end: Type.Optional(Instant),
    title: Type.Optional(ShortText(255)),
    location: Type.Optional(Nullable(ShortText(255))),
    description: Type.Optional(Nullable(Type.String({ maxLength: 32000 }))),
  },
  { additionalProperties: false },
);
export type OccurrenceException = Static<typeof OccurrenceException>;

/**
 * The event's own fields. Timed events have `start`/`end` instants; all-day events have
 * `startDate`/`endDate` (end exclusive). `timeZone` is an IANA zone and is always kept.
 */
export const EventFields = Type.Object(
  {
    title: Type.Optional(ShortText(255)),
    description: Type.Optional(Nullable(Type.String({ maxLength: 32000 }))),
    location: Type.Optional(Nullable(ShortText(255))),
    start: Type.Optional(Nullable(Instant)),
    end: Type.Optional(Nullable(Instant)),
    timeZone: Type.Optional(ShortText(64)),
    isAllDay: Type.Optional(Type.Boolean()),
    startDate: Type.Optional(Nullable(DateOnly)),
    endDate: Type.Optional(Nullable(DateOnly)),
    attendees: Type.Optional(Type.Array(Attendee, { maxItems: 500 })),
    reminderMinutes: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 40320 }))),
    recurrence: Type.Optional(Nullable(Recurrence)),
    exceptions: Type.Optional(Type.Array(OccurrenceException, { maxItems: 1000 })),
  },
  { additionalProperties: false },
);
export type EventFields = Static<typeof EventFields>;

export type CrmEvent = RecordMeta & EventFields;

/**
 * Checks what a schema cannot: the time shape of an event once a change is applied.
 * Returns a message naming the field, or undefined when the event is consistent.
 */
export function eventTimeProblem(e: EventFields): string | undefined {
  if (!e.timeZone) return 'timeZone is required';
  if (!isValidIanaZone(e.timeZone)) return `timeZone "${e.timeZone}" is not a known IANA time zone`;
  if (e.isAllDay) {
    if (!e.startDate) return 'startDate is required for an all-day event';
    if (!e.endDate) return 'endDate is required for an all-day event';
    if (!isValidDate(e.startDate)) return `startDate ${e.startDate} is not a calendar date`;
    if (!isValidDate(e.endDate)) return `endDate ${e.endDate} is not a calendar date`;
    if (e.endDate <= e.startDate) return 'endDate must be after startDate (the end date is exclusive)';
    return undefined;
  }
  if (!e.start) return 'start is required';
  if (!e.end) return 'end is required';
  if (Date.parse(e.end) < Date.parse(e.start)) return 'end must not be before start';
  return undefined;
}
