/** @jest-environment jsdom */
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { EventsWorkspace } from '../../src/taskpane/events';
import { aSeries, anItem, EventsApi, SERIES_ID, SINGLE_ID } from './events-fakes';
import { renderScreen } from './support/render';

const single = anItem({
  eventId: SINGLE_ID,
  occurrenceDate: null,
  title: 'Lunch with Ada',
  location: 'Café',
  start: '2026-03-03T12:00:00.000Z',
  end: '2026-03-03T13:00:00.000Z',
  recurring: false,
  sync: { state: 'notSynced', reason: 'imported' },
});
const holiday = anItem({
  eventId: '0193f1d2-0000-7000-8000-0000000000d4',
  occurrenceDate: null,
  title: 'Holiday',
  isAllDay: true,
  startDate: '2026-03-05',
  endDate: '2026-03-07',
  start: '2026-03-05T00:00:00.000Z',
  end: '2026-03-07T00:00:00.000Z',
  recurring: false,
  sync: { state: 'waiting' },
});

function setup(options: { locale?: 'en' | 'es'; view?: 'agenda' | 'week' | 'month'; api?: EventsApi } = {}) {
  const api = options.api ?? new EventsApi();
  if (!options.api) {
    api.calendar = () => ({
      items: [
        anItem({
          occurrenceDate: '2026-03-02',
          start: '2026-03-02T09:00:00.000Z',
          end: '2026-03-02T09:30:00.000Z',
        }),
        single,
        holiday,
        anItem({ sync: { state: 'conflict' }, modified: true }),
      ],
      nextCursor: null,
    });
  }
  renderScreen(
    <EventsWorkspace api={api} initialDay="2026-03-02" initialView={options.view ?? 'agenda'} />,
    options.locale,
  );
  return api;
}

test('the agenda groups the window’s occurrences by day, with times, places and sync status', async () => {
  const api = setup();
  await screen.findByRole('heading', { name: 'Monday 2 March' });
  screen.getByRole('heading', { name: 'Tuesday 3 March' });
  // An all-day event from 5 to 7 March (end exclusive) shows on both of its days.
  screen.getByRole('heading', { name: 'Thursday 5 March' });
  screen.getByRole('heading', { name: 'Friday 6 March' });
  expect(screen.queryByRole('heading', { name: 'Saturday 7 March' })).toBeNull();
  const lunch = screen.getByRole('button', { name: /Lunch with Ada/ });
  expect(lunch.textContent).toContain('12:00 – 13:00 · Café');
  expect(lunch.textContent).toContain('Not synced: imported (a mass update makes it sync)');
  expect(screen.getAllByText(/^All day/)).toHaveLength(2);
  screen.getAllByText('In Outlook');
  screen.getAllByText('Waiting to sync');
  screen.getByText('Conflict: open the integration page');
  screen.getByText('Changed occurrence');
  // The window asked for is the agenda's 30 days from the chosen day, only the user's own.
  const query = new URLSearchParams(api.calls[0]!.path.split('?')[1]);
  expect(query.get('from')).toBe('2026-03-02T00:00:00.000Z');
  expect(query.get('to')).toBe('2026-04-01T00:00:00.000Z');
  expect(query.get('owner')).toBe('me');
});

test('the agenda pages with “Show more” and moves by period', async () => {
  const api = new EventsApi();
  api.calendar = (q) =>
    q.get('cursor') === '1'
      ? { items: [single], nextCursor: null }
      : {
          items: [anItem({ occurrenceDate: '2026-03-02', start: '2026-03-02T09:00:00.000Z' })],
          nextCursor: '1',
        };
  setup({ api });
  fireEvent.click(await screen.findByRole('button', { name: 'Show more' }));
  await screen.findByRole('button', { name: /Lunch with Ada/ });
  expect(screen.queryByRole('button', { name: 'Show more' })).toBeNull();
  fireEvent.click(screen.getByRole('button', { name: 'Next' }));
  await waitFor(() => {
    const last = new URLSearchParams(api.calls[api.calls.length - 1]!.path.split('?')[1]);
    expect(last.get('from')).toBe('2026-04-01T00:00:00.000Z');
  });
});

test('the week view shows seven days from Monday; the month view a grid of six weeks', async () => {
  const api = setup({ view: 'week' });
  await screen.findByRole('heading', { name: 'Sunday 8 March' });
  expect(screen.getAllByRole('heading', { level: 3 })).toHaveLength(7);
  screen.getByText('2 Mar – 8 Mar');
  fireEvent.click(screen.getByRole('tab', { name: 'Month' }));
  const grid = await screen.findByRole('grid', { name: 'March 2026' });
  expect(within(grid).getAllByRole('gridcell')).toHaveLength(42);
  within(within(grid).getByRole('gridcell', { name: 'Tuesday 3 March' })).getByRole('button', {
    name: 'Lunch with Ada · 12:00 – 13:00',
  });
  const last = new URLSearchParams(api.calls[api.calls.length - 1]!.path.split('?')[1]);
  expect([last.get('from'), last.get('to')]).toEqual([
    '2026-02-23T00:00:00.000Z',
    '2026-04-06T00:00:00.000Z',
  ]);
});

test('Spanish: labels, dates and sync status in Spanish', async () => {
  setup({ locale: 'es' });
  await screen.findByRole('heading', { name: 'lunes, 2 de marzo' });
  screen.getByRole('button', { name: 'Nuevo evento' });
  screen.getByText('No se sincroniza: importado (una actualización masiva lo incluye)');
  screen.getAllByText(/^Todo el día/);
});

test('an empty period says so', async () => {
  const api = new EventsApi();
  setup({ api });
  await screen.findByText('No events in this period.');
});

test('opening a repeated occurrence asks: this occurrence or the series; editing one sends only it, with its version', async () => {
  const api = setup();
  api.on(`GET /api/events/${SERIES_ID}`, aSeries());
  api.on(`PATCH /api/events/${SERIES_ID}/occurrences/2026-03-09`, aSeries({ version: 4 }));
  fireEvent.click(await screen.findByRole('button', { name: /Stand-up.*Conflict/ }));
  await screen.findByText('Change only the occurrence on Monday 9 March, or the whole series?');
  fireEvent.click(screen.getByRole('button', { name: 'This occurrence' }));
  const form = await screen.findByRole('form', { name: 'Edit this occurrence (2026-03-09)' });
  // One occurrence has no repeat, time zone or participants of its own.
  expect(within(form).queryByLabelText('Repeat')).toBeNull();
  fireEvent.change(within(form).getByLabelText(/^Title/), { target: { value: 'Stand-up (late)' } });
  fireEvent.change(within(form).getByLabelText(/^Start time/), { target: { value: '10:00' } });
  fireEvent.change(within(form).getByLabelText(/^End time/), { target: { value: '10:30' } });
  fireEvent.click(within(form).getByRole('button', { name: 'Save' }));
  await screen.findByText('Event saved.');
  expect(api.callsTo(`PATCH /api/events/${SERIES_ID}/occurrences/2026-03-09`)).toEqual([
    {
      title: 'Stand-up (late)',
      location: 'Room 1',
      description: null,
      start: '2026-03-09T10:00:00.000Z',
      end: '2026-03-09T10:30:00.000Z',
    },
  ]);
  expect(api.ifMatch).toEqual([
    { method: 'PATCH', path: `/api/events/${SERIES_ID}/occurrences/2026-03-09`, version: 3 },
  ]);
});

test('deleting one occurrence vs the whole series', async () => {
  const api = setup();
  api.on(`GET /api/events/${SERIES_ID}`, aSeries());
  api.on(`DELETE /api/events/${SERIES_ID}/occurrences/2026-03-09`, aSeries({ version: 4 }));
  api.on(`DELETE /api/events/${SERIES_ID}`, undefined);
  fireEvent.click(await screen.findByRole('button', { name: /Stand-up.*Conflict/ }));
  fireEvent.click(await screen.findByRole('button', { name: 'This occurrence' }));
  fireEvent.click(await screen.findByRole('button', { name: 'Delete this occurrence' }));
  await screen.findByText('Event deleted.');
  fireEvent.click(await screen.findByRole('button', { name: /Stand-up.*Conflict/ }));
  fireEvent.click(await screen.findByRole('button', { name: 'The whole series' }));
  fireEvent.click(await screen.findByRole('button', { name: 'Delete the series' }));
  await screen.findByText('Event deleted.');
  expect(api.ifMatch).toEqual([
    { method: 'DELETE', path: `/api/events/${SERIES_ID}/occurrences/2026-03-09`, version: 3 },
    { method: 'DELETE', path: `/api/events/${SERIES_ID}`, version: 3 },
  ]);
});

test('an event deleted elsewhere before it opens is said to be deleted', async () => {
  const api = setup();
  api.fail(`GET /api/events/${SINGLE_ID}`, 404, 'not_found', 'Event not found.');
  fireEvent.click(await screen.findByRole('button', { name: /Lunch with Ada/ }));
  await screen.findByText('This event was deleted');
});
