import {
  Button,
  Checkbox,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  Select,
  Text,
} from '@fluentui/react-components';
import { useEffect, useMemo, useState } from 'react';
import {
  eventBody,
  eventToForm,
  newEventForm,
  validateEventForm,
  type EventForm,
  type EventFormErrors,
  type Repeat,
} from './event-form';
import type { GraphCalendar, GraphEvent, SandboxGraph } from './graph-client';

export type EditorTarget =
  | { kind: 'new'; calendarId: string; date: string }
  | { kind: 'existing'; calendarId: string; event: GraphEvent };

function zoneChoices(current: string, viewZone: string): string[] {
  const all = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return [...new Set([current, viewZone, 'UTC', ...all])];
}

/** Create or edit one event (an occurrence opens its series), or delete it, as Outlook's editor does. */
export function EventEditor(props: {
  graph: SandboxGraph;
  user: string;
  calendars: GraphCalendar[];
  target: EditorTarget;
  onClose(changed: boolean): void;
}) {
  const { graph, user, target, onClose } = props;
  const [form, setForm] = useState<EventForm | undefined>(
    target.kind === 'new' ? newEventForm(target.calendarId, target.date, graph.viewZone) : undefined,
  );
  const [errors, setErrors] = useState<EventFormErrors>({});
  const [failure, setFailure] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const existing = target.kind === 'existing' ? target.event : undefined;
  const inSeries =
    existing !== undefined && existing.seriesMasterId !== null && existing.type !== 'seriesMaster';
  const editedId = existing ? (inSeries ? existing.seriesMasterId! : existing.id) : undefined;

  useEffect(() => {
    if (!editedId) return;
    graph.call<GraphEvent>(user, 'GET', `/me/events/${encodeURIComponent(editedId)}`).then(
      (event) => setForm(eventToForm(event, target.calendarId, graph.viewZone)),
      (e: unknown) => setFailure(e instanceof Error ? e.message : String(e)),
    );
  }, [graph, user, editedId, target.calendarId]);

  const zones = useMemo(
    () => zoneChoices(form?.timeZone ?? graph.viewZone, graph.viewZone),
    [form?.timeZone, graph.viewZone],
  );
  const set = <K extends keyof EventForm>(key: K, value: EventForm[K]) =>
    setForm((old) => (old ? { ...old, [key]: value } : old));

  const run = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setFailure(undefined);
    try {
      await action();
      onClose(true);
    } catch (e) {
      setFailure(e instanceof Error ? e.message : String(e));
      setBusy(false);
    }
  };

  const save = () => {
    if (!form) return;
    const found = validateEventForm(form);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    void run(() =>
      editedId
        ? graph.call(user, 'PATCH', `/me/events/${encodeURIComponent(editedId)}`, eventBody(form))
        : graph.call(
            user,
            'POST',
            `/me/calendars/${encodeURIComponent(form.calendarId)}/events`,
            eventBody(form),
          ),
    );
  };
  const remove = (id: string) =>
    void run(() => graph.call(user, 'DELETE', `/me/events/${encodeURIComponent(id)}`));

  const field = (key: keyof EventForm) => ({
    validationMessage: errors[key],
    validationState: errors[key] ? ('error' as const) : ('none' as const),
  });

  return (
    <Dialog open modalType="modal" onOpenChange={(_e, d) => !d.open && onClose(false)}>
      <DialogSurface>
        <DialogBody>
          <DialogTitle>{existing ? (inSeries ? 'Edit the series' : 'Edit event') : 'New event'}</DialogTitle>
          <DialogContent>
            {failure && (
              <MessageBar intent="error">
                <MessageBarBody>{failure}</MessageBarBody>
              </MessageBar>
            )}
            {inSeries && (
              <Text size={200}>This is one occurrence of a series: saving changes the whole series.</Text>
            )}
            {!form ? (
              <Text>Loading…</Text>
            ) : (
              <form
                className="ov-form"
                onSubmit={(e) => {
                  e.preventDefault();
                  save();
                }}
              >
                <Field label="Subject" required {...field('subject')}>
                  <Input value={form.subject} onChange={(_e, d) => set('subject', d.value)} />
                </Field>
                <Field label="Calendar" hint={existing ? 'An event stays in its calendar.' : undefined}>
                  <Select
                    value={form.calendarId}
                    disabled={existing !== undefined}
                    onChange={(_e, d) => set('calendarId', d.value)}
                  >
                    {props.calendars.map((c) => (
                      <option key={c.id} value={c.id}>
                        {c.name}
                      </option>
                    ))}
                  </Select>
                </Field>
                <Field label="Location">
                  <Input value={form.location} onChange={(_e, d) => set('location', d.value)} />
                </Field>
                <Checkbox
                  label="All day"
                  checked={form.allDay}
                  onChange={(_e, d) => set('allDay', d.checked === true)}
                />
                <div className="ov-pair">
                  <Field label="Start date" {...field('startDate')}>
                    <Input
                      type="date"
                      value={form.startDate}
                      onChange={(_e, d) => set('startDate', d.value)}
                    />
                  </Field>
                  {!form.allDay && (
                    <Field label="Start time" {...field('startTime')}>
                      <Input
                        type="time"
                        value={form.startTime}
                        onChange={(_e, d) => set('startTime', d.value)}
                      />
                    </Field>
                  )}
                </div>
                <div className="ov-pair">
                  <Field label="End date" {...field('endDate')}>
                    <Input type="date" value={form.endDate} onChange={(_e, d) => set('endDate', d.value)} />
                  </Field>
                  {!form.allDay && (
                    <Field label="End time" {...field('endTime')}>
                      <Input type="time" value={form.endTime} onChange={(_e, d) => set('endTime', d.value)} />
                    </Field>
                  )}
                </div>
                <Field label="Time zone" {...field('timeZone')}>
                  <Select value={form.timeZone} onChange={(_e, d) => set('timeZone', d.value)}>
                    {zones.map((z) => (
                      <option key={z} value={z}>
                        {z}
                      </option>
                    ))}
                  </Select>
                </Field>
                <div className="ov-pair">
                  <Field label="Repeat">
                    <Select value={form.repeat} onChange={(_e, d) => set('repeat', d.value as Repeat)}>
                      <option value="none">Does not repeat</option>
                      <option value="daily">Daily</option>
                      <option value="weekly">Weekly (on the start day)</option>
                      <option value="monthly">Monthly (on the start date)</option>
                      <option value="yearly">Yearly</option>
                    </Select>
                  </Field>
                  {form.repeat !== 'none' && (
                    <Field label="Every (interval)" {...field('interval')}>
                      <Input
                        value={form.interval}
                        inputMode="numeric"
                        onChange={(_e, d) => set('interval', d.value)}
                      />
                    </Field>
                  )}
                  {form.repeat !== 'none' && (
                    <Field label="Occurrences (empty: no end)" {...field('count')}>
                      <Input
                        value={form.count}
                        inputMode="numeric"
                        onChange={(_e, d) => set('count', d.value)}
                      />
                    </Field>
                  )}
                </div>
                <button type="submit" hidden />
              </form>
            )}
          </DialogContent>
          <DialogActions fluid>
            <Button appearance="primary" disabled={!form || busy} onClick={save}>
              Save
            </Button>
            {existing && inSeries && (
              <Button disabled={busy} onClick={() => remove(existing.id)}>
                Delete this occurrence
              </Button>
            )}
            {editedId && (
              <Button disabled={busy} onClick={() => remove(editedId)}>
                {inSeries ? 'Delete the series' : 'Delete'}
              </Button>
            )}
            <Button disabled={busy} onClick={() => onClose(false)}>
              Cancel
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
