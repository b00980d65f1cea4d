import {
  contactHasIdentity,
  ContactFields,
  type ContactFields as ContactFieldsT,
} from '../../domain/contact';
import { eventTimeProblem, EventFields, type EventFields as EventFieldsT } from '../../domain/event';
import type { Resource } from '../../domain/record';
import { localToInstant } from '../../domain/time-zones';
import type { TSchema } from 'typebox';

/** What differs between the record kinds the CRM stores; everything else is shared. */
export interface ResourceDefinition {
  resource: Resource;
  /** Singular, for messages: "Contact not found." */
  label: string;
  fields: TSchema;
  /** A rule the schema cannot express, checked on the record as it will be stored. */
  problem(data: Record<string, unknown>): string | undefined;
  /** Extra indexed columns derived from the fields. */
  columns(data: Record<string, unknown>): Record<string, unknown>;
}

export const contactsResource: ResourceDefinition = {
  resource: 'contacts',
  label: 'Contact',
  fields: ContactFields,
  problem: (data) =>
    contactHasIdentity(data as ContactFieldsT)
      ? undefined
      : 'A contact needs a first name, last name, email or company.',
  columns: () => ({}),
};

export const eventsResource: ResourceDefinition = {
  resource: 'events',
  label: 'Event',
  fields: EventFields,
  problem: (data) => eventTimeProblem(data as EventFieldsT),
  columns: (data) => eventColumns(data as EventFieldsT),
};

export const RESOURCE_DEFINITIONS: Record<Resource, ResourceDefinition> = {
  contacts: contactsResource,
  events: eventsResource,
};

const DAY_MS = 86_400_000;

/**
 * `start_at`/`end_at` order events for the initial sync (soonest future first, then most recently
 * ended). All-day dates count from midnight in the event's own zone.
 */
function eventColumns(e: EventFieldsT): { start_at: string; end_at: string | null } {
  const zone = e.timeZone ?? 'UTC';
  const start = e.isAllDay ? localToInstant(`${e.startDate}T00:00:00`, zone).toISOString() : String(e.start);
  const end = e.isAllDay ? localToInstant(`${e.endDate}T00:00:00`, zone).toISOString() : String(e.end);
  if (!e.recurrence) return { start_at: start, end_at: end };
  const range = e.recurrence.range;
  if (range.type === 'endDate' && typeof range.endDate === 'string') {
    const duration = Date.parse(end) - Date.parse(start);
    return {
      start_at: start,
      end_at: new Date(Date.parse(`${range.endDate}T00:00:00.000Z`) + DAY_MS + duration).toISOString(),
    };
  }
  // A series without an end date (or counted) is treated as ongoing.
  return { start_at: start, end_at: null };
}
