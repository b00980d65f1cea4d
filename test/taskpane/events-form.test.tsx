/** @jest-environment jsdom */
import { fireEvent, screen, within } from '@testing-library/react';
import { EventForm, type FormTarget } from '../../src/taskpane/events/event-form';
import { aSeries, EventsApi, SERIES_ID } from './events-fakes';
import { renderScreen } from './support/render';

function setup(target: FormTarget = { kind: 'new', day: '2026-03-02' }, locale: 'en' | 'es' = 'en') {
  const api = new EventsApi();
  const onDone = jest.fn();
  renderScreen(<EventForm api={api} target={target} onDone={onDone} onCancel={jest.fn()} />, locale);
  const form = screen.getByRole('form');
  const field = (label: RegExp) => within(form).getByLabelText(label) as HTMLInputElement;
  const type = (label: RegExp, value: string) => fireEvent.change(field(label), { target: { value } });
  const choose = (label: RegExp, value: string) => fireEvent.change(field(label), { target: { value } });
  const save = () => fireEvent.click(within(form).getByRole('button', { name: 'Save' }));
  return { api, onDone, form, field, type, choose, save };
}

/** The message Fluent's Field shows under the control labelled `label`. */
function messageOf(label: RegExp): string | null | undefined {
  const input = screen.queryByLabelText(label) ?? screen.getByRole('group', { name: label });
  const id = input.getAttribute('aria-describedby') ?? '';
  return id
    .split(' ')
    .map((i) => document.getElementById(i)?.textContent)
    .filter(Boolean)
    .join(' ');
}

test('creates a weekly series in the browser’s zone, with participants, reminder and an end after N times', async () => {
  const { api, onDone, type, choose, save } = setup();
  api.on('POST /api/events', { id: SERIES_ID });
  type(/^Title/, 'Stand-up');
  type(/^Location/, 'Room 1');
  type(/^Participants/, 'ada@example.com, grace@example.com');
  choose(/^Reminder/, '30');
  choose(/^Repeat/, 'weekly');
  fireEvent.click(screen.getByRole('checkbox', { name: 'Wed' }));
  choose(/^Ends/, 'after');
  type(/^Number of times/, '6');
  save();
  await screen.findByRole('button', { name: 'Save' });
  expect(onDone).toHaveBeenCalledWith('form.saved');
  expect(api.callsTo('POST /api/events')).toEqual([
    {
      origin: 'ui',
      title: 'Stand-up',
      timeZone: 'UTC',
      isAllDay: false,
      start: '2026-03-02T09:00:00.000Z',
      end: '2026-03-02T10:00:00.000Z',
      startDate: null,
      endDate: null,
      location: 'Room 1',
      description: null,
      attendees: [{ email: 'ada@example.com' }, { email: 'grace@example.com' }],
      reminderMinutes: 30,
      recurrence: {
        pattern: {
          type: 'weekly',
          interval: 1,
          daysOfWeek: ['monday', 'wednesday'],
          firstDayOfWeek: 'sunday',
        },
        range: {
          type: 'numbered',
          startDate: '2026-03-02',
          numberOfOccurrences: 6,
          recurrenceTimeZone: 'UTC',
        },
      },
    },
  ]);
});

test('an all-day event stores its end date exclusive; a monthly series ending on a date', async () => {
  const { api, type, choose, save } = setup();
  api.on('POST /api/events', { id: SERIES_ID });
  type(/^Title/, 'Offsite');
  fireEvent.click(screen.getByRole('checkbox', { name: 'All day' }));
  type(/^End date(?! of)/, '2026-03-03');
  choose(/^Repeat/, 'monthly');
  choose(/^Ends/, 'onDate');
  type(/^End date of the series/, '2026-12-31');
  save();
  await screen.findByRole('button', { name: 'Save' });
  expect(api.callsTo('POST /api/events')[0]).toMatchObject({
    isAllDay: true,
    start: null,
    startDate: '2026-03-02',
    endDate: '2026-03-04',
    recurrence: {
      pattern: { type: 'absoluteMonthly', interval: 1, dayOfMonth: 2 },
      range: { type: 'endDate', startDate: '2026-03-02', endDate: '2026-12-31' },
    },
  });
});

describe('bad input: a message on the field, nothing saved, the form keeps what was typed', () => {
  test.each<[string, (s: ReturnType<typeof setup>) => void, RegExp, string]>([
    ['a missing title', () => {}, /^Title/, 'This is required.'],
    ['an over-long title', (s) => s.type(/^Title/, 'x'.repeat(256)), /^Title/, 'At most 255 characters.'],
    [
      'an over-long location',
      (s) => {
        s.type(/^Title/, 'T');
        s.type(/^Location/, 'y'.repeat(256));
      },
      /^Location/,
      'At most 255 characters.',
    ],
    [
      'an end before the start',
      (s) => {
        s.type(/^Title/, 'T');
        s.type(/^End time/, '08:00');
      },
      /^End time/,
      'The end must be after the start.',
    ],
    [
      'a missing start date',
      (s) => {
        s.type(/^Title/, 'T');
        s.type(/^Start date/, '');
      },
      /^Start date/,
      'This is required.',
    ],
    [
      'an unknown time zone',
      (s) => {
        s.type(/^Title/, 'T');
        s.type(/^Time zone/, 'Mars/Olympus');
      },
      /^Time zone/,
      'Not a known time zone (use a name like Europe/Madrid).',
    ],
    [
      'a participant that is not an email',
      (s) => {
        s.type(/^Title/, 'T');
        s.type(/^Participants/, 'ada@example.com, bob');
      },
      /^Participants/,
      'Not an email address: bob',
    ],
    [
      'a weekly series on no day',
      (s) => {
        s.type(/^Title/, 'T');
        s.choose(/^Repeat/, 'weekly');
        fireEvent.click(screen.getByRole('checkbox', { name: 'Mon' }));
      },
      /^On$/,
      'Choose at least one day.',
    ],
    [
      'an interval of 0',
      (s) => {
        s.type(/^Title/, 'T');
        s.choose(/^Repeat/, 'daily');
        s.type(/^Every how many/, '0');
      },
      /^Every how many/,
      'A whole number from 1 to 99.',
    ],
    [
      'a series that ends before it starts',
      (s) => {
        s.type(/^Title/, 'T');
        s.choose(/^Repeat/, 'daily');
        s.choose(/^Ends/, 'onDate');
        s.type(/^End date of the series/, '2026-03-01');
      },
      /^End date of the series/,
      'The series must end on or after its first day.',
    ],
    [
      'a count of 0',
      (s) => {
        s.type(/^Title/, 'T');
        s.choose(/^Repeat/, 'yearly');
        s.choose(/^Ends/, 'after');
        s.type(/^Number of times/, '0');
      },
      /^Number of times/,
      'A whole number from 1 to 999.',
    ],
  ])('%s', async (_, fill, label, message) => {
    const s = setup();
    s.type(/^Description/, 'Agenda: numbers');
    fill(s);
    s.save();
    await screen.findByText('Check the highlighted fields; nothing was saved.');
    expect(messageOf(label)).toContain(message);
    expect(s.api.calls).toHaveLength(0);
    expect(s.field(/^Description/).value).toBe('Agenda: numbers');
  });

  test('Spanish messages', async () => {
    const s = setup({ kind: 'new', day: '2026-03-02' }, 'es');
    fireEvent.click(within(s.form).getByRole('button', { name: 'Guardar' }));
    await screen.findByText('Revisa los campos marcados; no se ha guardado nada.');
    expect(messageOf(/^Título/)).toContain('Este campo es obligatorio.');
  });

  test('the server’s refusal lands on the field it names and keeps the form', async () => {
    const s = setup();
    s.api.fail('POST /api/events', 400, 'bad_request', 'end must not be before start');
    s.type(/^Title/, 'Kept');
    s.save();
    await screen.findByText('Check the highlighted fields; nothing was saved.');
    expect(messageOf(/^End time/)).toContain('end must not be before start');
    expect(s.field(/^Title/).value).toBe('Kept');
  });
});

describe('changed or deleted elsewhere', () => {
  test('a 412 shows both versions; taking theirs fills the form and saves over the new version', async () => {
    const s = setup({ kind: 'series', event: aSeries() });
    s.api
      .fail(`PATCH /api/events/${SERIES_ID}`, 412, 'precondition_failed', 'changed')
      .on(`GET /api/events/${SERIES_ID}`, aSeries({ version: 5, title: 'Daily sync', location: 'Room 9' }));
    s.type(/^Title/, 'My title');
    s.save();
    await screen.findByText('This event changed; review the new values');
    const table = screen.getByRole('table');
    const rows = within(table)
      .getAllByRole('row')
      .map((r) => r.textContent);
    expect(rows).toEqual(['FieldYoursSaved now', 'TitleMy titleDaily sync', 'LocationRoom 1Room 9']);
    expect(s.field(/^Title/).value).toBe('My title');
    fireEvent.click(screen.getByRole('button', { name: 'Take theirs' }));
    expect(s.field(/^Title/).value).toBe('Daily sync');
    s.api.on(`PATCH /api/events/${SERIES_ID}`, aSeries({ version: 6 }));
    s.save();
    await screen.findByRole('button', { name: 'Save' });
    expect(s.onDone).toHaveBeenCalledWith('form.saved');
    expect(s.api.ifMatch.map((c) => c.version)).toEqual([3, 5]);
  });

  test('keeping mine saves the typed values over the new version', async () => {
    const s = setup({ kind: 'series', event: aSeries() });
    s.api
      .fail(`PATCH /api/events/${SERIES_ID}`, 412, 'precondition_failed', 'changed')
      .on(`GET /api/events/${SERIES_ID}`, aSeries({ version: 7, title: 'Theirs' }));
    s.type(/^Title/, 'Mine');
    s.save();
    fireEvent.click(await screen.findByRole('button', { name: 'Keep mine' }));
    s.api.on(`PATCH /api/events/${SERIES_ID}`, aSeries({ version: 8 }));
    s.save();
    await screen.findByRole('button', { name: 'Save' });
    expect(s.api.callsTo(`PATCH /api/events/${SERIES_ID}`)[1]).toMatchObject({ title: 'Mine' });
    expect(s.api.ifMatch.map((c) => c.version)).toEqual([3, 7]);
  });

  test('deleted while open: said so, nothing saved', async () => {
    const s = setup({ kind: 'series', event: aSeries() });
    s.api
      .fail(`PATCH /api/events/${SERIES_ID}`, 412, 'precondition_failed', 'changed')
      .on(`GET /api/events/${SERIES_ID}`, aSeries({ version: 4, deletedAt: '2026-03-01T00:00:00.000Z' }));
    s.save();
    await screen.findByText('This event was deleted');
    screen.getByText('It was deleted while you had it open. Nothing was saved.');
  });

  test('a 404 on save is a deletion too', async () => {
    const s = setup({ kind: 'series', event: aSeries() });
    s.api.fail(`PATCH /api/events/${SERIES_ID}`, 404, 'not_found', 'Event not found.');
    s.save();
    await screen.findByText('This event was deleted');
  });
});

test('editing a series shows its recurrence as stored', () => {
  const s = setup({ kind: 'series', event: aSeries() });
  expect(s.field(/^Repeat/).value).toBe('weekly');
  expect((screen.getByRole('checkbox', { name: 'Mon' }) as HTMLInputElement).checked).toBe(true);
  expect(s.field(/^Ends/).value).toBe('never');
  expect(s.field(/^Start time/).value).toBe('09:00');
  expect(s.field(/^Time zone/).value).toBe('UTC');
});
