import type { GraphContact } from '../../domain/graph-contact-fields';
import type { GraphEventItem } from '../mapping/graph-event';
import type { ResourceMapper, SyncResource } from '../model';
import type { GraphPort } from '../ports';
import type { GraphPortOptions } from './base';
import { CalendarGraphPort } from './calendar';
import { ContactsGraphPort } from './contacts';

/** `GraphPort` over the Graph client and the mappers: one port per resource, on a shared base. */

export { toPortError, type GraphPortOptions } from './base';

const DAY_MS = 86_400_000;

const clockOf = (options: GraphPortOptions) => options.now ?? Date.now;

export function createContactsGraphPort(
  options: GraphPortOptions & { mapper: ResourceMapper<unknown, GraphContact> },
): GraphPort {
  return new ContactsGraphPort(options.client, options.mapper, clockOf(options));
}

export function createCalendarGraphPort(
  options: GraphPortOptions & { mapper: ResourceMapper<unknown, GraphEventItem> },
): GraphPort {
  const now = clockOf(options);
  const at = now();
  const window = options.window ?? {
    start: new Date(at - 365 * DAY_MS).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    end: new Date(at + 730 * DAY_MS).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
  return new CalendarGraphPort(options.client, options.mapper, now, window);
}

export function createGraphPort(
  resource: SyncResource,
  options: GraphPortOptions & { mapper: ResourceMapper<unknown, never> },
): GraphPort {
  return resource === 'calendar'
    ? createCalendarGraphPort(
        options as GraphPortOptions & { mapper: ResourceMapper<unknown, GraphEventItem> },
      )
    : createContactsGraphPort(
        options as GraphPortOptions & { mapper: ResourceMapper<unknown, GraphContact> },
      );
}
