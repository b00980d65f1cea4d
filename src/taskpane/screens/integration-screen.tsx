import { Button, makeStyles, Spinner, Text, tokens } from '@fluentui/react-components';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { SyncResource } from '../../sync/model';
import { describeError, useT } from '../i18n';
import { useIntegrationT } from '../integration-i18n';
import {
  SYNC_RESOURCES,
  type SyncController,
  type SyncOverview,
  type SyncProgressView,
  type SyncRunView,
} from '../sync-views';
import { ErrorBar } from './error-bar';
import { ConfirmDeactivateDialog } from './integration/confirm-deactivate-dialog';
import { ConfirmDeletesDialog, type PendingDeletes } from './integration/confirm-deletes-dialog';
import { ConflictsList } from './integration/conflicts-list';
import { FieldMappingEditor } from './integration/field-mapping-editor';
import { Notice } from './integration/notice';
import { describeSyncError, resourceName, type SyncErrorView } from './integration/sync-errors';
import { ServerRunLine } from './integration/sync-health-view';
import { SyncResourceCard } from './integration/sync-resource-card';
import { TroubleBar } from './integration/sync-trouble';

const useStyles = makeStyles({
  cards: { display: 'flex', flexDirection: 'column', gap: '12px' },
  // Fluent's tokens follow the provider's theme, so the page reads in light and dark alike.
  page: {
    '& .tandem-sync-card': { padding: '12px', gap: '8px' },
    '& .tandem-last-run': { display: 'flex', flexDirection: 'column', gap: '4px' },
    '& .tandem-mapping': { display: 'flex', flexDirection: 'column', gap: '6px' },
    // A long Spanish option must not widen the row past a 320 px taskpane: the select shrinks instead.
    '& .tandem-mapping-row': { gridTemplateColumns: 'minmax(0, 45%) minmax(0, 1fr)' },
    '& .tandem-mapping-row .fui-Select': { minWidth: 0, maxWidth: '100%' },
    '& .tandem-mapping-row select': { minWidth: 0, textOverflow: 'ellipsis' },
    '& .tandem-imported': { display: 'flex', flexDirection: 'column', gap: '6px' },
    '& .tandem-counts li': { color: tokens.colorNeutralForeground2 },
  },
});

/**
 * The "Microsoft integration" page: calendar and contact sync switches with live progress and the
 * last run (going ahead with a run the mass-delete guard stopped, once confirmed), "Sync now", the
 * contact field mapping and the conflicts to review. Every operation comes
 * from `controller`, so the page runs the same in the add-in, the web app and the tests.
 */
export function IntegrationScreen({ controller }: { controller: SyncController }) {
  const t = useT();
  const ti = useIntegrationT();
  const styles = useStyles();
  const [overview, setOverview] = useState<SyncOverview>();
  const [loadError, setLoadError] = useState<string>();
  const [progress, setProgress] = useState<Partial<Record<SyncResource, SyncProgressView>>>({});
  const [serverRuns, setServerRuns] = useState<Partial<Record<SyncResource, SyncRunView>>>({});
  const [working, setWorking] = useState(false);
  const [errors, setErrors] = useState<SyncErrorView[]>([]);
  const [notice, setNotice] = useState<string>();
  const [confirming, setConfirming] = useState<SyncResource | null>(null);
  const [confirmingDeletes, setConfirmingDeletes] = useState<PendingDeletes | null>(null);
  const [activating, setActivating] = useState<SyncResource | null>(null);
  const [refreshKey, setRefreshKey] = useState(0);
  const mounted = useRef(true);

  useEffect(
    () => () => {
      mounted.current = false;
    },
    [],
  );

  const reload = useCallback(async () => {
    try {
      const next = await controller.overview();
      if (!mounted.current) return;
      setOverview(next);
      setLoadError(undefined);
      setRefreshKey((k) => k + 1);
    } catch (e) {
      if (mounted.current) setLoadError(describeError(t, e));
    }
  }, [controller, t]);

  useEffect(() => {
    void reload();
  }, [reload]);

  // Opening the page is enough to mend a background sync waiting for the user to sign in again.
  useEffect(() => {
    controller.reconnect().then(
      (reconnected) => {
        if (reconnected && mounted.current) void reload();
      },
      () => undefined,
    );
  }, [controller, reload]);

  const onServerRun = useCallback((run: SyncRunView) => {
    if (mounted.current) setServerRuns((old) => ({ ...old, [run.resource]: run }));
  }, []);

  const onProgress = useCallback((p: SyncProgressView) => {
    if (mounted.current) setProgress((old) => ({ ...old, [p.resource]: p }));
  }, []);

  /** Runs one user action; the overview is re-read afterwards whatever happened. */
  const work = async (action: () => Promise<{ errors: SyncErrorView[]; notice?: string }>) => {
    setWorking(true);
    setErrors([]);
    setNotice(undefined);
    try {
      const outcome = await action();
      setErrors(outcome.errors);
      setNotice(outcome.notice);
    } finally {
      setProgress({});
      setWorking(false);
      await reload();
    }
  };

  const activate = (resource: SyncResource) =>
    work(async () => {
      setActivating(resource);
      try {
        await controller.activate(resource, onProgress);
        return { errors: [], notice: ti('integration.turnedOn', { resource: resourceName(ti, resource) }) };
      } catch (e) {
        return { errors: [describeSyncError(t, ti, resource, e)] };
      } finally {
        setActivating(null);
      }
    });

  const deactivate = (resource: SyncResource) =>
    work(async () => {
      try {
        await controller.deactivate(resource);
        return { errors: [], notice: ti('integration.turnedOff', { resource: resourceName(ti, resource) }) };
      } catch (e) {
        return { errors: [describeSyncError(t, ti, resource, e)] };
      }
    });

  /** The run the guard stopped, once more, letting through the deletions the user confirmed. */
  const confirmDeletes = ({ resource, refusal }: PendingDeletes) =>
    work(async () => {
      try {
        const run = await controller.sync(resource, onProgress, { confirmedDeletions: refusal });
        return { errors: run.outcome === 'refused' ? [{ message: ti('integration.deletes.again') }] : [] };
      } catch (e) {
        return { errors: [describeSyncError(t, ti, resource, e)] };
      }
    });

  const syncNow = () =>
    work(async () => {
      try {
        setServerRuns({});
        const results = await controller.syncNow(onProgress, onServerRun);
        return {
          errors: results.flatMap((r) =>
            'error' in r ? [describeSyncError(t, ti, r.resource, r.error)] : [],
          ),
        };
      } catch (e) {
        return { errors: [{ message: describeError(t, e) }] };
      }
    });

  /** The imported records of a resource join the sync: a mass update the next run picks up. */
  const includeImported = (resource: SyncResource) =>
    work(async () => {
      try {
        const count = await controller.includeImported(resource);
        return { errors: [], notice: ti('integration.imported.included', { count }) };
      } catch (e) {
        return { errors: [{ message: describeError(t, e) }] };
      }
    });

  const onToggle = (resource: SyncResource, on: boolean) => {
    if (on) void activate(resource);
    else setConfirming(resource);
  };

  if (!overview) {
    return (
      <section className="tandem-screen" aria-label={t('nav.integration')}>
        {loadError ? (
          <>
            <ErrorBar message={loadError} />
            <Button onClick={() => void reload()}>{t('retry')}</Button>
          </>
        ) : (
          <Spinner label={t('app.loading')} />
        )}
      </section>
    );
  }

  const anyEnabled = SYNC_RESOURCES.some((r) => overview[r].enabled);
  return (
    <section className={`tandem-screen ${styles.page}`} aria-label={t('nav.integration')}>
      <Text>{ti('integration.intro')}</Text>
      <div className={styles.cards}>
        {SYNC_RESOURCES.map((resource) => (
          <SyncResourceCard
            key={resource}
            resource={resource}
            status={overview[resource]}
            progress={progress[resource]}
            disabled={working}
            turningOn={activating === resource}
            onToggle={onToggle}
            onConfirmDeletes={(r, refusal) => setConfirmingDeletes({ resource: r, refusal })}
            onIncludeImported={(r) => void includeImported(r)}
          />
        ))}
      </div>
      <div className="tandem-actions">
        <Button
          appearance="primary"
          disabled={working || !anyEnabled}
          onClick={() => void syncNow()}
          icon={working ? <Spinner size="tiny" /> : undefined}
        >
          {working ? ti('integration.syncing') : ti('integration.syncNow')}
        </Button>
        {!anyEnabled && !working && <Text size={200}>{ti('integration.syncNowNothing')}</Text>}
      </div>
      {SYNC_RESOURCES.map((resource) => {
        const run = serverRuns[resource];
        return run ? (
          <ServerRunLine key={resource} run={run} resourceName={resourceName(ti, resource)} />
        ) : null;
      })}
      {errors.map((error) => (
        <TroubleBar key={error.message} message={error.message} details={error.details} />
      ))}
      <ErrorBar message={loadError} />
      <Notice message={notice} />
      <FieldMappingEditor controller={controller} refreshKey={refreshKey} />
      <ConflictsList controller={controller} refreshKey={refreshKey} />
      <ConfirmDeactivateDialog
        resource={confirming}
        onCancel={() => setConfirming(null)}
        onConfirm={(resource) => {
          setConfirming(null);
          void deactivate(resource);
        }}
      />
      <ConfirmDeletesDialog
        pending={confirmingDeletes}
        onCancel={() => setConfirmingDeletes(null)}
        onConfirm={(pending) => {
          setConfirmingDeletes(null);
          void confirmDeletes(pending);
        }}
      />
    </section>
  );
}
