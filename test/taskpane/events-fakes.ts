import type { CrmEvent } from '../../src/domain/event';
import type { CalendarItem, EventSyncStatus } from '../../src/domain/event-calendar';
import type { RequestOptions } from '../../src/taskpane/api-client';
import { FakeApi } from './support/fake-api';

/** The fake API with the If-Match each write sent, and calendar windows answered whatever their dates. */
export class EventsApi extends FakeApi {
  readonly ifMatch: { method: string; path: string; version: number | undefined }[] = [];
  calendar: (query: URLSearchParams) => unknown = () => ({ items: [], nextCursor: null });

  override get<T>(path: string): Promise<T> {
    if (path.startsWith('/api/events/calendar?')) {
      this.calls.push({ method: 'GET', path });
      return Promise.resolve(this.calendar(new URLSearchParams(path.split('?')[1])) as T);
    }
    return super.get<T>(path);
  }

  override patch<T>(path: string, body: unknown, options: RequestOptions = {}): Promise<T> {
    this.ifMatch.push({ method: 'PATCH', path, version: options.ifMatch });
    return super.patch<T>(path, body);
  }

  override delete<T>(path: string, options: RequestOptions = {}): Promise<T> {
    this.ifMatch.push({ method: 'DELETE', path, version: options.ifMatch });
    return super.delete<T>(path);
  }
}

export const SERIES_ID = '0193f1d2-0000-7000-8000-0000000000a1';
export const SINGLE_ID = '0193f1d2-0000-7000-8000-0000000000b2';

export function aSeries(overrides: Partial<CrmEvent> = {}): CrmEvent {
  return {
    id: SERIES_ID,
    ownerId: '0193f1d2-0000-7000-8000-0000000000c3',
    origin: 'ui',
    version: 3,
    createdAt: '2026-02-01T00:00:00.000Z',
    updatedAt: '2026-02-01T00:00:00.000Z',
    massUpdatedAt: null,
    deletedAt: null,
    title: 'Stand-up',
    start: '2026-03-02T09:00:00.000Z',
    end: '2026-03-02T09:30:00.000Z',
    timeZone: 'UTC',
    location: 'Room 1',
    recurrence: {
      pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday'], firstDayOfWeek: 'sunday' },
      range: { type: 'noEnd', startDate: '2026-03-02', recurrenceTimeZone: 'UTC' },
    },
    ...overrides,
  } as CrmEvent;
}

export function anItem(overrides: Partial<CalendarItem & { sync: EventSyncStatus }> = {}) {
  return {
    eventId: SERIES_ID,
    occurrenceDate: '2026-03-09',
    title: 'Stand-up',
    location: 'Room 1',
    start: '2026-03-09T09:00:00.000Z',
    end: '2026-03-09T09:30:00.000Z',
    isAllDay: false,
    startDate: null,
    endDate: null,
    timeZone: 'UTC',
    recurring: true,
    modified: false,
    ownerId: '0193f1d2-0000-7000-8000-0000000000c3',
    version: 3,
    sync: { state: 'inOutlook' } as EventSyncStatus,
    ...overrides,
  };
}
