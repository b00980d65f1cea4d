import { Badge, Button, makeStyles, Spinner, Text, Title3 } from '@fluentui/react-components';
import { useCallback, useEffect, useState } from 'react';
import { CRM_CONTACT_FIELDS } from '../../../domain/contact';
import type { SyncResource } from '../../../sync/model';
import { describeError, formatDate, useLocale, useT, type Locale } from '../../i18n';
import { useIntegrationT, type IntegrationKey, type IntegrationTranslate } from '../../integration-i18n';
import { SYNC_RESOURCES, type ConflictView, type SyncController } from '../../sync-views';
import { ErrorBar } from '../error-bar';
import { Notice } from './notice';
import { resourceName } from './sync-errors';
import { EVENT_FIELDS } from '../../../sync/mapping/event-mapper';

type Item = ConflictView & { resource: SyncResource };

// The row stretches its children; the buttons keep their own height beside the facts.
const useStyles = makeStyles({
  actions: { display: 'flex', flexWrap: 'wrap', gap: '6px', alignSelf: 'flex-start' },
  value: { whiteSpace: 'pre-line', overflowWrap: 'anywhere' },
});

/** Open conflicts of both resources: the field, both values, which one was kept; each can be dismissed. */
export function ConflictsList({
  controller,
  refreshKey,
}: {
  controller: SyncController;
  refreshKey: number;
}) {
  const t = useT();
  const ti = useIntegrationT();
  const locale = useLocale();
  const styles = useStyles();
  const [items, setItems] = useState<Item[]>();
  const [next, setNext] = useState<Partial<Record<SyncResource, string>>>({});
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string>();

  const load = useCallback(async () => {
    try {
      const pages = await Promise.all(SYNC_RESOURCES.map((r) => controller.conflicts(r)));
      setItems(pages.flatMap((p, i) => p.items.map((c) => ({ ...c, resource: SYNC_RESOURCES[i]! }))));
      setNext(
        Object.fromEntries(pages.flatMap((p, i) => (p.next ? [[SYNC_RESOURCES[i]!, p.next] as const] : []))),
      );
      setError(undefined);
    } catch (e) {
      setError(describeError(t, e));
    }
  }, [controller, t]);

  useEffect(() => {
    // After a run the list is read again, and what was said about a choice belongs to before it.
    setNotice(undefined);
    void load();
  }, [load, refreshKey]);

  const more = async () => {
    setBusy(true);
    try {
      for (const resource of SYNC_RESOURCES) {
        const before = next[resource];
        if (!before) continue;
        const page = await controller.conflicts(resource, before);
        setItems((old) => [...(old ?? []), ...page.items.map((c) => ({ ...c, resource }))]);
        setNext((old) => ({ ...old, [resource]: page.next ?? undefined }));
      }
    } catch (e) {
      setError(describeError(t, e));
    } finally {
      setBusy(false);
    }
  };

  /** Dismisses a conflict, or first keeps one side's value of it. */
  const settle = async (item: Item, use?: 'crm' | 'graph') => {
    setBusy(true);
    setError(undefined);
    setNotice(undefined);
    try {
      if (use) await controller.resolveConflict(item.resource, item.id, use);
      else await controller.dismissConflict(item.resource, item.id);
      setItems((old) => old?.filter((c) => c.id !== item.id));
      if (use) setNotice(ti('integration.conflicts.chosen'));
    } catch (e) {
      setError(describeError(t, e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="tandem-conflicts-title" className="tandem-form">
      <Title3 as="h2" id="tandem-conflicts-title">
        {ti('integration.conflicts.title')}
      </Title3>
      <Text size={200}>{ti('integration.conflicts.hint')}</Text>
      <ErrorBar message={error} />
      <Notice message={notice} />
      {!items && !error && <Spinner size="small" label={t('app.loading')} />}
      {items?.length === 0 && <Text>{ti('integration.conflicts.none')}</Text>}
      {items && items.length > 0 && (
        <ul className="tandem-list" aria-label={ti('integration.conflicts.title')}>
          {items.map((c) => (
            <li key={c.id} className="tandem-row">
              <dl className="tandem-facts">
                {c.record && (
                  <>
                    <dt>{ti('integration.conflicts.record')}</dt>
                    <dd>
                      {c.record.deleted
                        ? ti('integration.conflicts.deleted', { label: c.record.label })
                        : c.record.label}
                    </dd>
                  </>
                )}
                <dt>{ti('integration.conflicts.field')}</dt>
                <dd>
                  {fieldLabel(ti, locale, c)}{' '}
                  <Badge appearance="outline">{resourceName(ti, c.resource)}</Badge>
                </dd>
                <dt>{ti('integration.conflicts.crm')}</dt>
                <dd className={styles.value}>{showValue(ti, locale, c.crmValue)}</dd>
                <dt>{ti('integration.conflicts.graph')}</dt>
                <dd className={styles.value}>{showValue(ti, locale, c.graphValue)}</dd>
                <dt>{ti('integration.conflicts.winner')}</dt>
                <dd>
                  {ti(
                    c.winner === 'crm'
                      ? 'integration.conflicts.winner.crm'
                      : 'integration.conflicts.winner.graph',
                  )}{' '}
                  · {formatDate(locale, c.createdAt, true)}
                </dd>
              </dl>
              <div className={styles.actions}>
                {c.record && !c.record.deleted && (
                  <>
                    <Button
                      size="small"
                      disabled={busy}
                      aria-label={ti('integration.conflicts.useGraphOne', {
                        field: fieldLabel(ti, locale, c),
                      })}
                      onClick={() => void settle(c, 'graph')}
                    >
                      {ti('integration.conflicts.useGraph')}
                    </Button>
                    <Button
                      size="small"
                      disabled={busy}
                      aria-label={ti('integration.conflicts.useCrmOne', { field: fieldLabel(ti, locale, c) })}
                      onClick={() => void settle(c, 'crm')}
                    >
                      {ti('integration.conflicts.useCrm')}
                    </Button>
                  </>
                )}
                <Button
                  size="small"
                  disabled={busy}
                  aria-label={ti('integration.conflicts.dismissOne', { field: fieldLabel(ti, locale, c) })}
                  onClick={() => void settle(c)}
                >
                  {ti('integration.conflicts.dismiss')}
                </Button>
              </div>
            </li>
          ))}
        </ul>
      )}
      {Object.values(next).some(Boolean) && (
        <Button disabled={busy} onClick={() => void more()}>
          {ti('integration.conflicts.more')}
        </Button>
      )}
    </section>
  );
}

/** The field in the user's words: the contact catalogue's label, or the event field's name. */
function fieldLabel(ti: IntegrationTranslate, locale: Locale, item: Item): string {
  if (item.resource === 'contacts') {
    return CRM_CONTACT_FIELDS.find((f) => f.key === item.field)?.label[locale] ?? item.field;
  }
  const key = `integration.eventField.${item.field}`;
  return key in EVENT_FIELD_KEYS ? ti(key as IntegrationKey) : item.field;
}

const EVENT_FIELD_KEYS = Object.fromEntries(EVENT_FIELDS.map((f) => [`integration.eventField.${f}`, true]));

/**
 * A field's value as people read it: an address on one line as it is written on an envelope, a
 * participant as "name <email>", a list one item per line, a time in the page's language; never JSON.
 */
export function showValue(ti: IntegrationTranslate, locale: Locale, value: unknown): string {
  if (value === null || value === undefined || value === '') return ti('integration.empty');
  if (typeof value === 'boolean') return ti(value ? 'integration.yes' : 'integration.no');
  if (typeof value === 'number') return value.toLocaleString(locale);
  if (typeof value === 'string') {
    return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value) && !Number.isNaN(Date.parse(value))
      ? formatDate(locale, value, true)
      : value;
  }
  if (Array.isArray(value)) {
    return value.length === 0
      ? ti('integration.empty')
      : value.map((v) => showValue(ti, locale, v)).join('\n');
  }
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    const text = (k: string) => (typeof o[k] === 'string' ? (o[k] as string).trim() : '');
    if (['street', 'city', 'postalCode', 'state', 'country'].some((k) => k in o)) {
      const place = [text('postalCode'), text('city')].filter(Boolean).join(' ');
      const line = [text('street'), place, text('state'), text('country')].filter(Boolean).join(', ');
      return line || ti('integration.empty');
    }
    if ('email' in o || 'address' in o) {
      const email = text('email') || text('address');
      const name = text('name');
      return name && email ? `${name} <${email}>` : name || email || ti('integration.empty');
    }
    const parts = Object.entries(o)
      .filter(([, v]) => v !== null && v !== undefined && v !== '')
      .map(([k, v]) => `${k}: ${showValue(ti, locale, v).replace(/\n/g, ', ')}`);
    return parts.length > 0 ? parts.join('; ') : ti('integration.empty');
  }
  return String(value);
}
