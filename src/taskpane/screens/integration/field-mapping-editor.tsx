import { Badge, Button, Field, Select, Spinner, Text, Title3 } from '@fluentui/react-components';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { graphTargetsFor, type ContactFieldMapping } from '../../../domain/contact-field-mapping';
import { ApiError } from '../../api-client';
import { describeError, useLocale, useT } from '../../i18n';
import { useIntegrationT } from '../../integration-i18n';
import type { ContactMappingView, SyncController } from '../../sync-views';
import { ConfirmDialog } from '../confirm-dialog';
import { ErrorBar } from '../error-bar';
import { Notice } from './notice';

/** Errors whose server wording is the explanation itself (the mapping's problems, a running sync). */
const SHOWN_AS_IS = new Set(['invalid_mapping', 'sync_running']);

/** The fields people tell contacts apart by: a mapping that syncs none of them is saved only once confirmed. */
export const IDENTIFYING_FIELDS = ['firstName', 'lastName', 'email', 'accountName'] as const;

function identifiesNothing(mapping: ContactFieldMapping): boolean {
  return IDENTIFYING_FIELDS.every((field) => !mapping[field]);
}

/**
 * The contact field mapping: one dropdown per Tandem field offering only the Outlook fields it may
 * map to (type-compatible, exposed by Graph, not taken by another field of the draft).
 */
export function FieldMappingEditor({
  controller,
  refreshKey = 0,
}: {
  controller: SyncController;
  /** Changes after each run or page action: a "saved" notice belongs to the moment it was said in. */
  refreshKey?: number;
}) {
  const t = useT();
  const ti = useIntegrationT();
  const locale = useLocale();
  const [view, setView] = useState<ContactMappingView>();
  const [draft, setDraft] = useState<ContactFieldMapping>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [confirmingEmpty, setConfirmingEmpty] = useState(false);
  const noticeKey = useRef(refreshKey);

  useEffect(() => {
    if (refreshKey !== noticeKey.current) setNotice(undefined);
  }, [refreshKey]);

  const show = useCallback((next: ContactMappingView) => {
    setView(next);
    setDraft(next.mapping);
  }, []);

  const describe = (e: unknown) =>
    e instanceof ApiError && SHOWN_AS_IS.has(e.code) ? e.message : describeError(t, e);

  const act = async (action: () => Promise<ContactMappingView>, done: string) => {
    setBusy(true);
    setError(undefined);
    setNotice(undefined);
    try {
      show(await action());
      noticeKey.current = refreshKey;
      setNotice(done);
    } catch (e) {
      setError(describe(e));
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    controller.contactMapping().then(show, (e: unknown) => setError(describeError(t, e)));
  }, [controller, show, t]);

  const graphLabels = useMemo(
    () => new Map(view?.graphFields.map((g) => [g.id, g.label[locale]]) ?? []),
    [view, locale],
  );

  const heading = (
    <Title3 as="h2" id="tandem-mapping-title">
      {ti('integration.mapping.title')}
    </Title3>
  );
  if (!view) {
    return (
      <section aria-labelledby="tandem-mapping-title" className="tandem-form">
        {heading}
        {error ? <ErrorBar message={error} /> : <Spinner size="small" label={t('app.loading')} />}
      </section>
    );
  }

  const changed = Object.keys({ ...draft, ...view.mapping }).some((k) => draft[k] !== view.mapping[k]);
  const save = () => act(() => controller.saveContactMapping(draft), ti('integration.mapping.saved'));

  return (
    <section aria-labelledby="tandem-mapping-title" className="tandem-form">
      {heading}
      <Text size={200}>{ti('integration.mapping.hint')}</Text>
      <div className="tandem-badges">
        {changed ? (
          <Badge appearance="tint" color="warning">
            {ti('integration.mapping.unsaved')}
          </Badge>
        ) : (
          <Badge appearance="tint" color={view.isDefault ? 'informative' : 'brand'}>
            {ti(view.isDefault ? 'integration.mapping.default' : 'integration.mapping.custom')}
          </Badge>
        )}
      </div>
      <div className="tandem-mapping">
        {view.crmFields.map((crm) => {
          const label = crm.label[locale];
          const offered = graphTargetsFor(crm.key, {
            customFields: view.customFields,
            mapping: draft,
          }).filter((g) => graphLabels.has(g.id));
          return (
            <Field key={crm.key} label={label} orientation="horizontal" className="tandem-mapping-row">
              <Select
                aria-label={ti('integration.mapping.fieldOf', { field: label })}
                value={draft[crm.key] ?? ''}
                disabled={busy}
                onChange={(_, data) => {
                  const next = { ...draft };
                  if (data.value) next[crm.key] = data.value;
                  else delete next[crm.key];
                  setDraft(next);
                  setNotice(undefined);
                }}
              >
                <option value="">{ti('integration.mapping.none')}</option>
                {offered.map((g) => (
                  <option key={g.id} value={g.id}>
                    {graphLabels.get(g.id)}
                  </option>
                ))}
              </Select>
            </Field>
          );
        })}
      </div>
      <ErrorBar message={error} />
      <Notice message={notice} />
      <div className="tandem-actions">
        <Button
          appearance="primary"
          disabled={busy || !changed}
          onClick={() => (identifiesNothing(draft) ? setConfirmingEmpty(true) : void save())}
        >
          {ti('integration.mapping.save')}
        </Button>
        <Button
          disabled={busy || (view.isDefault && !changed)}
          onClick={() => void act(() => controller.resetContactMapping(), ti('integration.mapping.wasReset'))}
        >
          {ti('integration.mapping.reset')}
        </Button>
      </div>
      <ConfirmDialog
        open={confirmingEmpty}
        title={ti('integration.mapping.emptyTitle')}
        confirmLabel={ti('integration.mapping.emptySave')}
        cancelLabel={ti('integration.mapping.emptyCancel')}
        onConfirm={() => {
          setConfirmingEmpty(false);
          void save();
        }}
        onCancel={() => setConfirmingEmpty(false)}
      >
        {ti('integration.mapping.emptyBody')}
      </ConfirmDialog>
    </section>
  );
}
