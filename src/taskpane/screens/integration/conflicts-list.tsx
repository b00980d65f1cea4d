import { Badge, Button, makeStyles, Spinner, Text, Title3 } from '@fluentui/react-components';
import { useCallback, useEffect, useState } from 'react';
import { CRM_CONTACT_FIELDS } from '../../../domain/contact';
import type { SyncResource } from '../../../sync/model';
import { describeError, formatDate, useLocale, useT, type Locale } from '../../i18n';
import { useIntegrationT, type IntegrationKey, type IntegrationTranslate } from '../../integration-i18n';
import { SYNC_RESOURCES, type ConflictView, type SyncController } from '../../sync-views';
import { ErrorBar } from '../error-bar';
import { resourceName } from './sync-errors';
import { EVENT_FIELDS } from '../../../sync/mapping/event-mapper';

type Item = ConflictView & { resource: SyncResource };

// The row stretches its children; the button keeps its own height beside the facts.
const useStyles = makeStyles({ dismiss: { alignSelf: 'flex-start' } });

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

  const dismiss = async (item: Item) => {
    setBusy(true);
    setError(undefined);
    try {
      await controller.dismissConflict(item.resource, item.id);
      setItems((old) => old?.filter((c) => c.id !== item.id));
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
                <dd>{showValue(ti, c.crmValue)}</dd>
                <dt>{ti('integration.conflicts.graph')}</dt>
                <dd>{showValue(ti, c.graphValue)}</dd>
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
              <Button
                size="small"
                className={styles.dismiss}
                disabled={busy}
                aria-label={ti('integration.conflicts.dismissOne', { field: fieldLabel(ti, locale, c) })}
                onClick={() => void dismiss(c)}
              >
                {ti('integration.conflicts.dismiss')}
              </Button>
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

function showValue(ti: IntegrationTranslate, value: unknown): string {
  if (value === null || value === undefined || value === '') return ti('integration.empty');
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}
