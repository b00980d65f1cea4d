import {
  Badge,
  Button,
  makeStyles,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  Tab,
  TabList,
  Text,
  tokens,
} from '@fluentui/react-components';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { addDays } from '../../domain/calendar-dates';
import type { CrmEvent } from '../../domain/event';
import type { CalendarItem, EventSyncStatus } from '../../domain/event-calendar';
import { ApiError, type Api } from '../api-client';
import { useLocale } from '../i18n';
import { dayStart, EventForm, localDay, type FormTarget } from './event-form';
import { intlLocale, useEventsT, type EventsTranslate } from './events-i18n';

export type CalendarEntry = CalendarItem & { sync: EventSyncStatus };
interface CalendarPage {
  items: CalendarEntry[];
  nextCursor: string | null;
}

export type EventsView = 'agenda' | 'week' | 'month';

export interface EventsWorkspaceProps {
  api: Api;
  /** May see other users' events ("view all records"). */
  canViewAll?: boolean;
  /** The day the views open on (`YYYY-MM-DD`); today by default. */
  initialDay?: string;
  initialView?: EventsView;
}

const AGENDA_DAYS = 30;
const PAGE = 50;

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: '12px', padding: '8px 0', minWidth: 0 },
  toolbar: { display: 'flex', flexWrap: 'wrap', gap: '8px', alignItems: 'center' },
  period: { flexGrow: 1, minWidth: '120px', fontWeight: tokens.fontWeightSemibold },
  agenda: { listStyle: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: '4px' },
  dayHeading: {
    margin: '8px 0 0',
    fontSize: tokens.fontSizeBase300,
    color: tokens.colorNeutralForeground2,
  },
  item: {
    display: 'flex',
    flexDirection: 'column',
    alignItems: 'stretch',
    gap: '2px',
    width: '100%',
    textAlign: 'start',
    padding: '6px 8px',
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground1,
    color: tokens.colorNeutralForeground1,
    cursor: 'pointer',
    font: 'inherit',
    minWidth: 0,
    ':hover': { backgroundColor: tokens.colorNeutralBackground1Hover },
  },
  itemTitle: { fontWeight: tokens.fontWeightSemibold, overflowWrap: 'anywhere' },
  itemMeta: {
    color: tokens.colorNeutralForeground2,
    fontSize: tokens.fontSizeBase200,
    overflowWrap: 'anywhere',
  },
  badges: { display: 'flex', flexWrap: 'wrap', gap: '4px' },
  week: {
    display: 'grid',
    gap: '8px',
    gridTemplateColumns: 'repeat(auto-fill, minmax(150px, 1fr))',
  },
  weekDay: { display: 'flex', flexDirection: 'column', gap: '4px', minWidth: 0 },
  month: { display: 'grid', gridTemplateColumns: 'repeat(7, minmax(0, 1fr))', gap: '2px' },
  monthHead: { textAlign: 'center', fontSize: tokens.fontSizeBase200, color: tokens.colorNeutralForeground2 },
  monthCell: {
    minHeight: '64px',
    padding: '2px',
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusSmall,
    display: 'flex',
    flexDirection: 'column',
    gap: '2px',
    minWidth: 0,
    overflow: 'hidden',
  },
  outside: { opacity: 0.55 },
  monthChip: {
    border: 'none',
    padding: '0 2px',
    borderRadius: tokens.borderRadiusSmall,
    backgroundColor: tokens.colorBrandBackground2,
    color: tokens.colorNeutralForeground1,
    font: 'inherit',
    fontSize: tokens.fontSizeBase100,
    textAlign: 'start',
    cursor: 'pointer',
    whiteSpace: 'nowrap',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    '@media (max-width: 480px)': { fontSize: '0', minHeight: '6px' },
  },
  dayNumber: { fontSize: tokens.fontSizeBase200 },
});

function startOfWeek(day: string): string {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  return addDays(day, -((weekday + 6) % 7));
}

/** The window a view shows around `anchor`, as local days `[first, last+1)`. */
function windowOf(view: EventsView, anchor: string): { first: string; after: string } {
  if (view === 'agenda') return { first: anchor, after: addDays(anchor, AGENDA_DAYS) };
  if (view === 'week') {
    const first = startOfWeek(anchor);
    return { first, after: addDays(first, 7) };
  }
  const first = startOfWeek(`${anchor.slice(0, 8)}01`);
  return { first, after: addDays(first, 42) };
}

function shift(view: EventsView, anchor: string, direction: 1 | -1): string {
  if (view === 'agenda') return addDays(anchor, direction * AGENDA_DAYS);
  if (view === 'week') return addDays(anchor, direction * 7);
  const [y, m] = anchor.split('-').map(Number) as [number, number];
  const month = new Date(Date.UTC(y, m - 1 + direction, 1));
  return month.toISOString().slice(0, 10);
}

/** The local days an item covers within the window (all-day items by their own dates). */
function daysOf(item: CalendarItem): string[] {
  if (item.isAllDay && item.startDate && item.endDate) {
    const days: string[] = [];
    for (let d = item.startDate; d < item.endDate && days.length < 42; d = addDays(d, 1)) days.push(d);
    return days;
  }
  return [localDay(new Date(item.start))];
}

/** Agenda, week and month views of the CRM's events, with create, edit and delete. */
export function EventsWorkspace({
  api,
  canViewAll = false,
  initialDay,
  initialView = 'agenda',
}: EventsWorkspaceProps) {
  const t = useEventsT();
  const locale = intlLocale(useLocale());
  const styles = useStyles();
  const today = useMemo(() => initialDay ?? localDay(new Date()), [initialDay]);
  const [view, setView] = useState<EventsView>(initialView);
  const [anchor, setAnchor] = useState(today);
  const [owner, setOwner] = useState<'me' | 'all'>('me');
  const [items, setItems] = useState<CalendarEntry[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [form, setForm] = useState<FormTarget | null>(null);
  const [choosing, setChoosing] = useState<{ item: CalendarEntry; event: CrmEvent } | null>(null);
  const [reload, setReload] = useState(0);

  const range = windowOf(view, anchor);
  const query = useCallback(
    (cursor?: string) =>
      `/api/events/calendar?from=${encodeURIComponent(dayStart(range.first).toISOString())}` +
      `&to=${encodeURIComponent(dayStart(range.after).toISOString())}&owner=${owner}` +
      `&limit=${view === 'agenda' ? PAGE : 500}${cursor ? `&cursor=${cursor}` : ''}`,
    [range.first, range.after, owner, view],
  );

  useEffect(() => {
    let live = true;
    setLoading(true);
    setError(null);
    api
      .get<CalendarPage>(query())
      .then((page) => {
        if (!live) return;
        setItems(page.items);
        setNextCursor(page.nextCursor);
      })
      .catch((e: unknown) => live && setError(e instanceof Error ? e.message : String(e)))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [api, query, reload]);

  const more = async () => {
    if (!nextCursor) return;
    try {
      const page = await api.get<CalendarPage>(query(nextCursor));
      setItems((current) => [...current, ...page.items]);
      setNextCursor(page.nextCursor);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  const open = async (item: CalendarEntry) => {
    setNotice(null);
    try {
      const event = await api.get<CrmEvent>(`/api/events/${item.eventId}`);
      if (event.deletedAt) throw new ApiError(404, 'not_found', 'deleted');
      if (item.occurrenceDate) setChoosing({ item, event });
      else setForm({ kind: 'series', event });
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) {
        setNotice(t('deleted.title'));
        setReload((n) => n + 1);
      } else setError(e instanceof Error ? e.message : String(e));
    }
  };

  const timeFormat = useMemo(() => new Intl.DateTimeFormat(locale, { timeStyle: 'short' }), [locale]);
  const dayFormat = useMemo(
    () =>
      new Intl.DateTimeFormat(locale, { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' }),
    [locale],
  );
  const monthFormat = useMemo(
    () => new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric', timeZone: 'UTC' }),
    [locale],
  );
  const shortDay = useMemo(
    () => new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', timeZone: 'UTC' }),
    [locale],
  );
  const dayLabel = (day: string) => dayFormat.format(new Date(`${day}T00:00:00Z`));

  if (form) {
    return (
      <div className={styles.root}>
        <EventForm
          api={api}
          target={form}
          onCancel={() => setForm(null)}
          onDone={(message) => {
            setForm(null);
            setNotice(t(message));
            setReload((n) => n + 1);
          }}
        />
      </div>
    );
  }

  const byDay = new Map<string, CalendarEntry[]>();
  for (const item of items) {
    for (const day of daysOf(item)) {
      if (day < range.first || day >= range.after) continue;
      byDay.set(day, [...(byDay.get(day) ?? []), item]);
    }
  }

  const when = (item: CalendarEntry) =>
    item.isAllDay
      ? t('events.allDay')
      : `${timeFormat.format(new Date(item.start))} – ${timeFormat.format(new Date(item.end))}`;

  const card = (item: CalendarEntry, day: string) => (
    <li key={`${item.eventId}/${item.occurrenceDate ?? ''}/${day}`}>
      <button type="button" className={styles.item} onClick={() => void open(item)}>
        <span className={styles.itemTitle}>{item.title}</span>
        <span className={styles.itemMeta}>
          {when(item)}
          {item.location ? ` · ${item.location}` : ''}
        </span>
        <span className={styles.badges}>
          <SyncBadge t={t} status={item.sync} />
          {item.recurring && (
            <Badge appearance="outline" color="informative">
              {item.modified ? t('events.modified') : t('events.recurring')}
            </Badge>
          )}
        </span>
      </button>
    </li>
  );

  const period =
    view === 'month'
      ? monthFormat.format(new Date(`${anchor.slice(0, 8)}01T00:00:00Z`))
      : `${shortDay.format(new Date(`${range.first}T00:00:00Z`))} – ${shortDay.format(new Date(`${addDays(range.after, -1)}T00:00:00Z`))}`;

  const days: string[] = [];
  for (let d = range.first; d < range.after; d = addDays(d, 1)) days.push(d);

  return (
    <section className={styles.root} aria-label={t('events.title')}>
      <div className={styles.toolbar}>
        <TabList
          size="small"
          selectedValue={view}
          aria-label={t('events.view')}
          onTabSelect={(_, data) => setView(data.value as EventsView)}
        >
          <Tab value="agenda">{t('events.view.agenda')}</Tab>
          <Tab value="week">{t('events.view.week')}</Tab>
          <Tab value="month">{t('events.view.month')}</Tab>
        </TabList>
        <Button appearance="primary" onClick={() => setForm({ kind: 'new', day: anchor })}>
          {t('events.new')}
        </Button>
      </div>
      <div className={styles.toolbar}>
        <Button
          size="small"
          onClick={() => setAnchor(shift(view, anchor, -1))}
          aria-label={t('events.previous')}
        >
          ‹
        </Button>
        <Button size="small" onClick={() => setAnchor(today)}>
          {t('events.today')}
        </Button>
        <Button size="small" onClick={() => setAnchor(shift(view, anchor, 1))} aria-label={t('events.next')}>
          ›
        </Button>
        <Text className={styles.period} aria-live="polite">
          {period}
        </Text>
        {canViewAll && (
          <TabList
            size="small"
            selectedValue={owner}
            aria-label={t('events.owner')}
            onTabSelect={(_, data) => setOwner(data.value as 'me' | 'all')}
          >
            <Tab value="me">{t('events.owner.me')}</Tab>
            <Tab value="all">{t('events.owner.all')}</Tab>
          </TabList>
        )}
      </div>
      {notice && (
        <MessageBar intent="info">
          <MessageBarBody>{notice}</MessageBarBody>
        </MessageBar>
      )}
      {error && (
        <MessageBar intent="error">
          <MessageBarBody>{t('load.failed', { message: error })}</MessageBarBody>
        </MessageBar>
      )}
      {choosing && (
        <MessageBar intent="info" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>{t('form.scope.title')}</MessageBarTitle>
            {t('form.scope.body', { date: dayLabel(choosing.item.occurrenceDate!) })}
            <div className={styles.toolbar} style={{ marginTop: 8 }}>
              <Button
                onClick={() => {
                  setForm({ kind: 'occurrence', event: choosing.event, item: choosing.item });
                  setChoosing(null);
                }}
              >
                {t('form.scope.occurrence')}
              </Button>
              <Button
                onClick={() => {
                  setForm({ kind: 'series', event: choosing.event });
                  setChoosing(null);
                }}
              >
                {t('form.scope.series')}
              </Button>
              <Button appearance="subtle" onClick={() => setChoosing(null)}>
                {t('form.cancel')}
              </Button>
            </div>
          </MessageBarBody>
        </MessageBar>
      )}
      {loading ? (
        <Spinner size="small" />
      ) : view === 'agenda' ? (
        <div>
          {byDay.size === 0 && <Text>{t('events.empty')}</Text>}
          {[...byDay.keys()].sort().map((day) => (
            <div key={day}>
              <h3 className={styles.dayHeading}>{dayLabel(day)}</h3>
              <ul className={styles.agenda}>{byDay.get(day)!.map((item) => card(item, day))}</ul>
            </div>
          ))}
          {nextCursor && (
            <Button style={{ marginTop: 8 }} onClick={() => void more()}>
              {t('events.loadMore')}
            </Button>
          )}
        </div>
      ) : view === 'week' ? (
        <div className={styles.week}>
          {days.map((day) => (
            <div key={day} className={styles.weekDay}>
              <h3 className={styles.dayHeading}>{dayLabel(day)}</h3>
              <ul className={styles.agenda}>{(byDay.get(day) ?? []).map((item) => card(item, day))}</ul>
            </div>
          ))}
        </div>
      ) : (
        <div className={styles.month} role="grid" aria-label={period}>
          {days.slice(0, 7).map((day) => (
            <div key={`h${day}`} className={styles.monthHead} role="columnheader">
              {t(`day.${new Date(`${day}T00:00:00Z`).getUTCDay()}` as 'day.0')}
            </div>
          ))}
          {days.map((day) => {
            const dayItems = byDay.get(day) ?? [];
            return (
              <div
                key={day}
                role="gridcell"
                aria-label={dayLabel(day)}
                className={`${styles.monthCell} ${day.slice(0, 7) === anchor.slice(0, 7) ? '' : styles.outside}`}
              >
                <span className={styles.dayNumber}>{Number(day.slice(8))}</span>
                {dayItems.slice(0, 3).map((item) => (
                  <button
                    type="button"
                    key={`${item.eventId}/${item.occurrenceDate ?? ''}`}
                    className={styles.monthChip}
                    title={`${item.title} · ${when(item)}`}
                    aria-label={`${item.title} · ${when(item)}`}
                    onClick={() => void open(item)}
                  >
                    {item.title}
                  </button>
                ))}
                {dayItems.length > 3 && (
                  <Text size={100}>{t('events.more', { count: dayItems.length - 3 })}</Text>
                )}
              </div>
            );
          })}
        </div>
      )}
    </section>
  );
}

function SyncBadge({ t, status }: { t: EventsTranslate; status: EventSyncStatus }) {
  const label =
    status.state === 'notSynced' ? t(`sync.notSynced.${status.reason}`) : t(`sync.${status.state}`);
  const color =
    status.state === 'inOutlook'
      ? 'success'
      : status.state === 'conflict'
        ? 'danger'
        : status.state === 'waiting'
          ? 'informative'
          : 'subtle';
  return (
    <Badge
      appearance="tint"
      shape="rounded"
      color={color}
      style={{ maxWidth: '100%', height: 'auto', whiteSpace: 'normal' }}
    >
      {label}
    </Badge>
  );
}
