import { Button, Checkbox, MessageBar, MessageBarBody, Text } from '@fluentui/react-components';
import { useMemo, useState } from 'react';
import { addDays, dayOfWeek } from '../domain/calendar-dates';
import { instantToLocal, localToInstant } from '../domain/time-zones';
import { EventEditor, type EditorTarget } from './event-editor';
import type { GraphCalendar, GraphEvent, SandboxGraph } from './graph-client';
import { usePolled } from './use-poll';

interface WeekEvent extends GraphEvent {
  calendarId: string;
}

/** Colours for calendars whose colour is "auto" (no hexColor), in Outlook's spirit. */
const PALETTE = ['#0f6cbd', '#c239b3', '#107c10', '#ca5010', '#8764b8', '#038387'];

function mondayOf(date: string): string {
  return addDays(date, -((dayOfWeek(date) + 6) % 7));
}

function dayLabel(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString(undefined, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    timeZone: 'UTC',
  });
}

/** Does the event cover this day (its start day, or a later day it still runs into)? */
function onDay(event: GraphEvent, day: string): boolean {
  const start = event.start.dateTime.slice(0, 10);
  const end = event.end.dateTime;
  // The end is exclusive: an event ending at midnight does not run into that day.
  return start <= day && (start === day || end.slice(0, 19) > `${day}T00:00:00`);
}

/** A week of the user's calendars, each listed and shown or hidden, with events to open and edit. */
export function CalendarView({ graph, user, tick }: { graph: SandboxGraph; user: string; tick: number }) {
  const today = instantToLocal(new Date(), graph.viewZone).slice(0, 10);
  const [weekStart, setWeekStart] = useState(() => mondayOf(today));
  const [hidden, setHidden] = useState<Set<string>>(new Set());
  const [editing, setEditing] = useState<EditorTarget | undefined>(undefined);
  const days = useMemo(() => Array.from({ length: 7 }, (_, i) => addDays(weekStart, i)), [weekStart]);

  const { data, error, reload } = usePolled(
    async () => {
      const calendars = await graph.list<GraphCalendar>(user, '/me/calendars?$top=100');
      const from = localToInstant(`${weekStart}T00:00:00`, graph.viewZone).toISOString();
      const to = localToInstant(`${addDays(weekStart, 7)}T00:00:00`, graph.viewZone).toISOString();
      // One calendar at a time: Outlook allows 4 requests at once per mailbox, and the sync needs them.
      const events: WeekEvent[] = [];
      for (const c of calendars) {
        const page = await graph.list<GraphEvent>(
          user,
          `/me/calendars/${encodeURIComponent(c.id)}/calendarView?startDateTime=${from}&endDateTime=${to}&$top=200`,
        );
        events.push(...page.map((e): WeekEvent => ({ ...e, calendarId: c.id })));
      }
      return { calendars, events };
    },
    [graph, user, weekStart],
    tick,
  );

  const calendars = data?.calendars ?? [];
  const colorOf = new Map(calendars.map((c, i) => [c.id, c.hexColor || PALETTE[i % PALETTE.length]!]));
  const visible = (data?.events ?? []).filter((e) => !hidden.has(e.calendarId));
  const toggle = (id: string, shown: boolean) =>
    setHidden((old) => {
      const next = new Set(old);
      if (shown) next.delete(id);
      else next.add(id);
      return next;
    });
  const defaultCalendar = calendars.find((c) => c.isDefaultCalendar) ?? calendars[0];

  return (
    <section aria-label="Calendar" className="ov-calendar">
      <div className="ov-actions">
        <Button onClick={() => setWeekStart(addDays(weekStart, -7))}>Previous week</Button>
        <Button onClick={() => setWeekStart(mondayOf(today))}>This week</Button>
        <Button onClick={() => setWeekStart(addDays(weekStart, 7))}>Next week</Button>
        <Button
          appearance="primary"
          disabled={!defaultCalendar}
          onClick={() =>
            defaultCalendar &&
            setEditing({
              kind: 'new',
              calendarId: defaultCalendar.id,
              date: weekStart <= today && today < addDays(weekStart, 7) ? today : weekStart,
            })
          }
        >
          New event
        </Button>
      </div>
      <fieldset className="ov-calendars">
        <legend>
          <Text weight="semibold">Calendars</Text>
        </legend>
        {calendars.map((c) => (
          <Checkbox
            key={c.id}
            checked={!hidden.has(c.id)}
            onChange={(_e, d) => toggle(c.id, d.checked === true)}
            label={
              <span>
                <span className="ov-swatch" style={{ background: colorOf.get(c.id) }} aria-hidden="true" />
                {c.name}
              </span>
            }
          />
        ))}
      </fieldset>
      {error && (
        <MessageBar intent="error">
          <MessageBarBody>{error}</MessageBarBody>
        </MessageBar>
      )}
      <ol className="ov-week" aria-label={`Week of ${dayLabel(weekStart)}`}>
        {days.map((day) => {
          const events = visible
            .filter((e) => onDay(e, day))
            .sort(
              (a, b) =>
                Number(b.isAllDay) - Number(a.isAllDay) || a.start.dateTime.localeCompare(b.start.dateTime),
            );
          return (
            <li key={day} className="ov-day" data-today={day === today} aria-label={dayLabel(day)}>
              <h3>{dayLabel(day)}</h3>
              {events.map((e) => (
                <button
                  key={`${e.calendarId}/${e.id}`}
                  type="button"
                  className="ov-event"
                  style={{ ['--ov-color' as string]: colorOf.get(e.calendarId) }}
                  onClick={() => setEditing({ kind: 'existing', calendarId: e.calendarId, event: e })}
                >
                  <span>
                    {e.isAllDay
                      ? 'All day'
                      : `${e.start.dateTime.slice(11, 16)}–${e.end.dateTime.slice(11, 16)}`}
                    {e.type !== 'singleInstance' ? ' ↻' : ''}
                  </span>
                  <strong>{e.subject || '(no subject)'}</strong>
                  {e.location?.displayName ? <span>{e.location.displayName}</span> : null}
                </button>
              ))}
            </li>
          );
        })}
      </ol>
      {editing && (
        <EventEditor
          graph={graph}
          user={user}
          calendars={calendars}
          target={editing}
          onClose={(changed) => {
            setEditing(undefined);
            if (changed) void reload();
          }}
        />
      )}
    </section>
  );
}
