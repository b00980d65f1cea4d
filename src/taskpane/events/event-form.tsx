import {
  Button,
  Checkbox,
  Field,
  Input,
  makeStyles,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Select,
  Textarea,
  Text,
  tokens,
} from '@fluentui/react-components';
import { useId, useMemo, useState, type ReactNode } from 'react';
import type { CalendarItem } from '../../domain/event-calendar';
import type { CrmEvent } from '../../domain/event';
import { DAYS_OF_WEEK, type DayOfWeek } from '../../domain/recurrence';
import { instantToLocal, localToInstant } from '../../domain/time-zones';
import { ApiError, type Api } from '../api-client';
import {
  draftOf,
  fieldOfServerMessage,
  fieldsOf,
  newDraft,
  REMINDER_CHOICES,
  validateDraft,
  type DraftErrors,
  type DraftField,
  type EventDraft,
} from './event-form-model';
import { useEventsT, type EventsTranslate } from './events-i18n';

export type FormTarget =
  | { kind: 'new'; day: string }
  | { kind: 'series'; event: CrmEvent }
  | { kind: 'occurrence'; event: CrmEvent; item: CalendarItem };

export interface EventFormProps {
  api: Api;
  target: FormTarget;
  /** Saved or deleted: the message to show and the list to reload. */
  onDone: (message: 'form.saved' | 'form.deleted') => void;
  onCancel: () => void;
}

const useStyles = makeStyles({
  form: { display: 'flex', flexDirection: 'column', gap: '12px', maxWidth: '720px' },
  row: { display: 'flex', flexWrap: 'wrap', gap: '8px', '> *': { flex: '1 1 140px', minWidth: 0 } },
  days: { display: 'flex', flexWrap: 'wrap', columnGap: '4px' },
  dayGroup: { border: 'none', padding: 0, margin: 0, minWidth: 0 },
  error: { color: tokens.colorPaletteRedForeground1, fontSize: tokens.fontSizeBase200 },
  actions: { display: 'flex', flexWrap: 'wrap', gap: '8px' },
  compare: {
    borderCollapse: 'collapse',
    width: '100%',
    '& th, & td': {
      textAlign: 'start',
      padding: '4px',
      borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
      overflowWrap: 'anywhere',
      verticalAlign: 'top',
    },
  },
});

const OCCURRENCE_FIELDS: DraftField[] = [
  'title',
  'startDate',
  'startTime',
  'endDate',
  'endTime',
  'location',
  'description',
];

/** The draft of one occurrence: the series' values with this date's exception applied. */
function occurrenceDraft(event: CrmEvent, item: CalendarItem): EventDraft {
  const base = draftOf(event);
  const x = (event.exceptions ?? []).find((e) => e.originalStartDate === item.occurrenceDate);
  const zone = base.timeZone;
  const start = instantToLocal(x?.start ?? item.start, zone);
  const end = instantToLocal(x?.end ?? item.end, zone);
  return {
    ...base,
    title: x?.title ?? base.title,
    location: x?.location !== undefined ? (x.location ?? '') : base.location,
    description: x?.description !== undefined ? (x.description ?? '') : base.description,
    startDate: event.isAllDay ? (item.startDate ?? base.startDate) : start.slice(0, 10),
    startTime: start.slice(11, 16),
    endDate: event.isAllDay ? (item.startDate ?? base.endDate) : end.slice(0, 10),
    endTime: end.slice(11, 16),
  };
}

function initialDraft(target: FormTarget): EventDraft {
  if (target.kind === 'new') return newDraft(target.day);
  if (target.kind === 'series') return draftOf(target.event);
  return occurrenceDraft(target.event, target.item);
}

type Trouble =
  | { kind: 'none' }
  | { kind: 'fix' }
  | { kind: 'server'; message: string }
  | { kind: 'conflict'; theirs: CrmEvent; theirsDraft: EventDraft }
  | { kind: 'deleted' };

/** Create or edit an event, a series, or one occurrence of a series. */
export function EventForm({ api, target, onDone, onCancel }: EventFormProps) {
  const t = useEventsT();
  const styles = useStyles();
  const [draft, setDraft] = useState<EventDraft>(() => initialDraft(target));
  const [version, setVersion] = useState(target.kind === 'new' ? undefined : target.event.version);
  const [errors, setErrors] = useState<DraftErrors>({});
  const [trouble, setTrouble] = useState<Trouble>({ kind: 'none' });
  const [busy, setBusy] = useState(false);
  const zones = useMemo(() => {
    const supported = (Intl as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf;
    return supported ? supported('timeZone') : [];
  }, []);
  const zoneList = useId();
  const occurrence = target.kind === 'occurrence';
  const eventId = target.kind === 'new' ? undefined : target.event.id;

  const set = <K extends DraftField>(field: K, value: EventDraft[K]) => {
    setDraft((d) => ({ ...d, [field]: value }));
    setErrors((e) => ({ ...e, [field]: undefined }));
  };

  const reRead = async (): Promise<void> => {
    try {
      const theirs = await api.get<CrmEvent>(`/api/events/${eventId}`);
      if (theirs.deletedAt) return setTrouble({ kind: 'deleted' });
      const theirsDraft =
        target.kind === 'occurrence' ? occurrenceDraft(theirs, target.item) : draftOf(theirs);
      setTrouble({ kind: 'conflict', theirs, theirsDraft });
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return setTrouble({ kind: 'deleted' });
      setTrouble({ kind: 'server', message: (error as Error).message });
    }
  };

  const failed = async (error: unknown) => {
    if (error instanceof ApiError && error.status === 412) return reRead();
    if (error instanceof ApiError && error.status === 404 && eventId) return setTrouble({ kind: 'deleted' });
    if (error instanceof ApiError && error.status === 400) {
      const field = fieldOfServerMessage(error.message);
      if (field) {
        setErrors({ [field]: { key: 'form.error.server', values: { message: error.message } } });
        return setTrouble({ kind: 'fix' });
      }
    }
    setTrouble({ kind: 'server', message: error instanceof Error ? error.message : String(error) });
  };

  const save = async () => {
    const all = validateDraft(draft);
    const found = occurrence
      ? Object.fromEntries(Object.entries(all).filter(([k]) => OCCURRENCE_FIELDS.includes(k as DraftField)))
      : all;
    setErrors(found);
    if (Object.keys(found).length > 0) return setTrouble({ kind: 'fix' });
    setTrouble({ kind: 'none' });
    setBusy(true);
    try {
      if (target.kind === 'new') {
        await api.post('/api/events', { ...fieldsOf(draft), origin: 'ui' });
      } else if (target.kind === 'series') {
        await api.patch(`/api/events/${target.event.id}`, fieldsOf(draft), { ifMatch: version });
      } else {
        const f = fieldsOf(draft);
        await api.patch(
          `/api/events/${target.event.id}/occurrences/${target.item.occurrenceDate}`,
          {
            title: f.title,
            location: f.location,
            description: f.description,
            ...(target.event.isAllDay ? {} : { start: f.start, end: f.end }),
          },
          { ifMatch: version },
        );
      }
      onDone('form.saved');
    } catch (error) {
      await failed(error);
    } finally {
      setBusy(false);
    }
  };

  const remove = async (scope: 'series' | 'occurrence') => {
    if (!eventId) return;
    setBusy(true);
    try {
      const path =
        scope === 'occurrence' && target.kind === 'occurrence'
          ? `/api/events/${eventId}/occurrences/${target.item.occurrenceDate}`
          : `/api/events/${eventId}`;
      await api.delete(path, { ifMatch: version });
      onDone('form.deleted');
    } catch (error) {
      await failed(error);
    } finally {
      setBusy(false);
    }
  };

  const message = (field: DraftField) => {
    const e = errors[field];
    return e ? t(e.key, e.values) : undefined;
  };
  const fieldProps = (field: DraftField) => ({
    validationMessage: message(field),
    validationState: errors[field] ? ('error' as const) : ('none' as const),
  });
  const text = (field: 'title' | 'location', label: string, required = false) => (
    <Field label={label} required={required} {...fieldProps(field)}>
      <Input value={draft[field]} onChange={(_, data) => set(field, data.value)} />
    </Field>
  );

  const heading =
    target.kind === 'new'
      ? t('form.newTitle')
      : target.kind === 'series'
        ? t('form.editTitle')
        : t('form.editOccurrenceTitle', { date: target.item.occurrenceDate ?? '' });

  if (trouble.kind === 'deleted') {
    return (
      <section className={styles.form} aria-label={heading}>
        <MessageBar intent="warning">
          <MessageBarBody>
            <MessageBarTitle>{t('deleted.title')}</MessageBarTitle>
            {t('deleted.body')}
          </MessageBarBody>
        </MessageBar>
        <div className={styles.actions}>
          <Button onClick={onCancel}>{t('form.cancel')}</Button>
        </div>
      </section>
    );
  }

  return (
    <form
      className={styles.form}
      aria-label={heading}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <h2>{heading}</h2>
      {trouble.kind === 'fix' && (
        <MessageBar intent="error">
          <MessageBarBody>{t('form.error.fix')}</MessageBarBody>
        </MessageBar>
      )}
      {trouble.kind === 'server' && (
        <MessageBar intent="error">
          <MessageBarBody>{t('form.error.server', { message: trouble.message })}</MessageBarBody>
        </MessageBar>
      )}
      {trouble.kind === 'conflict' && (
        <ConflictPanel
          t={t}
          mine={draft}
          theirs={trouble.theirsDraft}
          fields={occurrence ? OCCURRENCE_FIELDS : undefined}
          tableClass={styles.compare}
          onKeepMine={() => {
            setVersion(trouble.theirs.version);
            setTrouble({ kind: 'none' });
          }}
          onTakeTheirs={() => {
            setVersion(trouble.theirs.version);
            setDraft(trouble.theirsDraft);
            setErrors({});
            setTrouble({ kind: 'none' });
          }}
        />
      )}
      {text('title', t('form.title'), true)}
      {!occurrence && (
        <Checkbox
          label={t('form.allDay')}
          checked={draft.isAllDay}
          onChange={(_, data) => set('isAllDay', data.checked === true)}
        />
      )}
      {!(occurrence && draft.isAllDay) && (
        <>
          <div className={styles.row}>
            <Field label={t('form.startDate')} required {...fieldProps('startDate')}>
              <Input type="date" value={draft.startDate} onChange={(_, d) => set('startDate', d.value)} />
            </Field>
            {!draft.isAllDay && (
              <Field label={t('form.startTime')} required {...fieldProps('startTime')}>
                <Input type="time" value={draft.startTime} onChange={(_, d) => set('startTime', d.value)} />
              </Field>
            )}
          </div>
          <div className={styles.row}>
            <Field label={t('form.endDate')} required {...fieldProps('endDate')}>
              <Input type="date" value={draft.endDate} onChange={(_, d) => set('endDate', d.value)} />
            </Field>
            {!draft.isAllDay && (
              <Field label={t('form.endTime')} required {...fieldProps('endTime')}>
                <Input type="time" value={draft.endTime} onChange={(_, d) => set('endTime', d.value)} />
              </Field>
            )}
          </div>
        </>
      )}
      {!occurrence && (
        <Field label={t('form.timeZone')} required {...fieldProps('timeZone')}>
          <Input value={draft.timeZone} list={zoneList} onChange={(_, d) => set('timeZone', d.value)} />
        </Field>
      )}
      {!occurrence && (
        <datalist id={zoneList}>
          {zones.map((z) => (
            <option key={z} value={z} />
          ))}
        </datalist>
      )}
      {text('location', t('form.location'))}
      <Field label={t('form.description')} {...fieldProps('description')}>
        <Textarea
          value={draft.description}
          resize="vertical"
          onChange={(_, d) => set('description', d.value)}
        />
      </Field>
      {!occurrence && (
        <>
          <Field label={t('form.participants')} {...fieldProps('participants')}>
            <Textarea value={draft.participants} onChange={(_, d) => set('participants', d.value)} />
          </Field>
          <Field label={t('form.reminder')} {...fieldProps('reminder')}>
            <Select value={draft.reminder} onChange={(_, d) => set('reminder', d.value)}>
              {REMINDER_CHOICES.map((m) => (
                <option key={m} value={m}>
                  {reminderLabel(t, m)}
                </option>
              ))}
            </Select>
          </Field>
          <RecurrenceEditor
            t={t}
            draft={draft}
            set={set}
            fieldProps={fieldProps}
            errors={errors}
            styles={styles}
          />
        </>
      )}
      <div className={styles.actions}>
        <Button appearance="primary" type="submit" disabled={busy}>
          {busy ? t('form.saving') : t('form.save')}
        </Button>
        <Button onClick={onCancel} disabled={busy}>
          {t('form.cancel')}
        </Button>
        {target.kind === 'occurrence' && (
          <Button onClick={() => void remove('occurrence')} disabled={busy}>
            {t('form.deleteOccurrence')}
          </Button>
        )}
        {target.kind !== 'new' && (
          <Button onClick={() => void remove('series')} disabled={busy}>
            {target.event.recurrence ? t('form.deleteSeries') : t('form.delete')}
          </Button>
        )}
      </div>
    </form>
  );
}

function reminderLabel(t: EventsTranslate, minutes: string): string {
  if (minutes === '') return t('form.reminder.none');
  if (minutes === '60') return t('form.reminder.hour');
  if (minutes === '1440') return t('form.reminder.day');
  return t('form.reminder.minutes', { count: minutes });
}

interface RecurrenceEditorProps {
  t: EventsTranslate;
  draft: EventDraft;
  set: <K extends DraftField>(field: K, value: EventDraft[K]) => void;
  fieldProps: (field: DraftField) => {
    validationMessage?: string | undefined;
    validationState: 'error' | 'none';
  };
  errors: DraftErrors;
  styles: ReturnType<typeof useStyles>;
}

/** Daily / weekly / monthly / yearly, every N, on which days, ending never, on a date or after N times. */
function RecurrenceEditor({ t, draft, set, fieldProps, errors, styles }: RecurrenceEditorProps) {
  const repeats = draft.repeat !== 'none';
  const daysId = useId();
  return (
    <fieldset
      style={{ border: 'none', padding: 0, margin: 0, display: 'flex', flexDirection: 'column', gap: 8 }}
    >
      <Field label={t('form.repeat')} {...fieldProps('repeat')}>
        <Select value={draft.repeat} onChange={(_, d) => set('repeat', d.value as EventDraft['repeat'])}>
          {(['none', 'daily', 'weekly', 'monthly', 'yearly'] as const).map((r) => (
            <option key={r} value={r}>
              {t(`form.repeat.${r}`)}
            </option>
          ))}
        </Select>
      </Field>
      {repeats && (
        <>
          <div className={styles.row}>
            <Field
              label={t('form.interval', { unit: t(`form.interval.${draft.repeat as 'daily'}`) })}
              {...fieldProps('interval')}
            >
              <Input
                type="number"
                min={1}
                max={99}
                value={draft.interval}
                onChange={(_, d) => set('interval', d.value)}
              />
            </Field>
          </div>
          <Field label={t('form.ends')}>
            <Select value={draft.ends} onChange={(_, d) => set('ends', d.value as EventDraft['ends'])}>
              <option value="never">{t('form.ends.never')}</option>
              <option value="onDate">{t('form.ends.onDate')}</option>
              <option value="after">{t('form.ends.after')}</option>
            </Select>
          </Field>
          {draft.repeat === 'weekly' && (
            <fieldset
              className={styles.dayGroup}
              aria-invalid={errors.days ? true : undefined}
              aria-describedby={errors.days ? `${daysId}-error` : undefined}
            >
              <legend>{t('form.days')}</legend>
              <div className={styles.days}>
                {DAYS_OF_WEEK.map((day, i) => (
                  <Checkbox
                    key={day}
                    label={t(`day.${i}` as 'day.0')}
                    checked={draft.days.includes(day)}
                    onChange={(_, d) =>
                      set(
                        'days',
                        d.checked ? [...draft.days, day] : draft.days.filter((x: DayOfWeek) => x !== day),
                      )
                    }
                  />
                ))}
              </div>
              {errors.days && (
                <Text id={`${daysId}-error`} className={styles.error}>
                  {t(errors.days.key)}
                </Text>
              )}
            </fieldset>
          )}
          {draft.ends === 'onDate' && (
            <Field label={t('form.ends.date')} required {...fieldProps('seriesEndDate')}>
              <Input
                type="date"
                value={draft.seriesEndDate}
                onChange={(_, d) => set('seriesEndDate', d.value)}
              />
            </Field>
          )}
          {draft.ends === 'after' && (
            <Field label={t('form.ends.count')} required {...fieldProps('count')}>
              <Input
                type="number"
                min={1}
                max={999}
                value={draft.count}
                onChange={(_, d) => set('count', d.value)}
              />
            </Field>
          )}
        </>
      )}
    </fieldset>
  );
}

const COMPARED: DraftField[] = [
  'title',
  'isAllDay',
  'startDate',
  'startTime',
  'endDate',
  'endTime',
  'timeZone',
  'location',
  'description',
  'participants',
  'reminder',
  'repeat',
  'interval',
  'days',
  'ends',
  'seriesEndDate',
  'count',
];

const LABELS: Partial<Record<DraftField, Parameters<EventsTranslate>[0]>> = {
  title: 'form.title',
  isAllDay: 'form.allDay',
  startDate: 'form.startDate',
  startTime: 'form.startTime',
  endDate: 'form.endDate',
  endTime: 'form.endTime',
  timeZone: 'form.timeZone',
  location: 'form.location',
  description: 'form.description',
  participants: 'form.participants',
  reminder: 'form.reminder',
  repeat: 'form.repeat',
  interval: 'form.interval',
  days: 'form.days',
  ends: 'form.ends',
  seriesEndDate: 'form.ends.date',
  count: 'form.ends.count',
};

function show(value: unknown): ReactNode {
  if (Array.isArray(value)) return value.join(', ');
  return String(value);
}

/** The 412 answer made visible: the fields that differ, the user's value beside the stored one. */
function ConflictPanel(props: {
  t: EventsTranslate;
  mine: EventDraft;
  theirs: EventDraft;
  fields: DraftField[] | undefined;
  tableClass: string;
  onKeepMine: () => void;
  onTakeTheirs: () => void;
}) {
  const { t, mine, theirs } = props;
  const differing = (props.fields ?? COMPARED).filter(
    (f) => JSON.stringify(mine[f]) !== JSON.stringify(theirs[f]),
  );
  return (
    <MessageBar intent="warning" layout="multiline">
      <MessageBarBody>
        <MessageBarTitle>{t('conflict.title')}</MessageBarTitle>
        <p>{t('conflict.body')}</p>
        <table className={props.tableClass}>
          <thead>
            <tr>
              <th scope="col">{t('conflict.field')}</th>
              <th scope="col">{t('conflict.yours')}</th>
              <th scope="col">{t('conflict.theirs')}</th>
            </tr>
          </thead>
          <tbody>
            {differing.map((f) => (
              <tr key={f}>
                <th scope="row">{t(LABELS[f] ?? 'form.title')}</th>
                <td>{show(mine[f])}</td>
                <td>{show(theirs[f])}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <div style={{ display: 'flex', gap: 8, flexWrap: 'wrap', marginTop: 8 }}>
          <Button onClick={props.onKeepMine}>{t('conflict.keepMine')}</Button>
          <Button onClick={props.onTakeTheirs}>{t('conflict.takeTheirs')}</Button>
        </div>
      </MessageBarBody>
    </MessageBar>
  );
}

/** `YYYY-MM-DD` of an instant in the browser's zone. */
export function localDay(date: Date): string {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  return instantToLocal(date.toISOString(), zone).slice(0, 10);
}

/** Midnight of a `YYYY-MM-DD` in the browser's zone. */
export function dayStart(day: string): Date {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  return localToInstant(`${day}T00:00:00`, zone);
}
