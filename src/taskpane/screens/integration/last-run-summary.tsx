import { Button, Text } from '@fluentui/react-components';
import { formatDate, useLocale } from '../../i18n';
import { useIntegrationT, type IntegrationKey } from '../../integration-i18n';
import type { PortErrorKind } from '../../../sync/ports';
import type { LastRun, SyncTrouble } from '../../sync-views';
import { RawDetails, troubleText } from './sync-trouble';

const ACTIONS = [
  'createGraph',
  'createCrm',
  'update',
  'deleteGraph',
  'deleteCrm',
  'unlink',
  'deleteDuplicate',
] as const;

/** Failures listed under a summary; the count is always the full one. */
const SHOWN_FAILURES = 5;

/**
 * When the last run was, how it ended, what it changed, what failed, and why the guard stopped it;
 * with `onConfirmDeletes`, a refusal offers to go ahead (the page asks first).
 */
export function LastRunSummary({
  run,
  onConfirmDeletes,
  disabled = false,
}: {
  run: LastRun | null;
  onConfirmDeletes?: () => void;
  disabled?: boolean;
}) {
  const ti = useIntegrationT();
  const locale = useLocale();
  if (!run) return <Text size={200}>{ti('integration.last.never')}</Text>;
  const counts = ACTIONS.filter((a) => (run.applied[a] ?? 0) > 0);
  const failed = run.outcome === 'failed';
  return (
    <div className="tandem-last-run" aria-label={ti('integration.last.when', { when: '' }).trim()}>
      <Text size={200} weight="semibold">
        {ti('integration.last.when', { when: formatDate(locale, run.at, true) })} ·{' '}
        {ti(`integration.outcome.${run.outcome}` as IntegrationKey)}
      </Text>
      {failed ? (
        <>
          <Text size={200} role="note">
            {run.error ? troubleText(ti, run.error.reason) : ti('integration.trouble.permanent')}
          </Text>
          <RawDetails details={run.error?.message} />
        </>
      ) : run.refused ? (
        <>
          <Text size={200} role="note">
            {ti('integration.refused', {
              crm: run.refused.deletions.crm,
              graph: run.refused.deletions.graph,
              linked: run.refused.linked,
            })}
          </Text>
          {onConfirmDeletes && (
            <div>
              <Button size="small" disabled={disabled} onClick={onConfirmDeletes}>
                {ti('integration.refused.goAhead')}
              </Button>
            </div>
          )}
        </>
      ) : (
        run.outcome !== 'deactivated' && (
          <ul className="tandem-list tandem-counts">
            {counts.length === 0 && (
              <li>
                <Text size={200}>{ti('integration.applied.none')}</Text>
              </li>
            )}
            {counts.map((a) => (
              <li key={a}>
                <Text size={200}>
                  {ti(`integration.applied.${a}` as IntegrationKey, { count: run.applied[a] ?? 0 })}
                </Text>
              </li>
            ))}
            {run.conflicts > 0 && (
              <li>
                <Text size={200}>{ti('integration.conflictCount', { count: run.conflicts })}</Text>
              </li>
            )}
          </ul>
        )
      )}
      {run.failureCount > 0 && (
        <>
          <Text size={200} weight="semibold">
            {ti('integration.failures', { count: run.failureCount })}
          </Text>
          <ul className="tandem-list">
            {failureKinds(run).map(([reason, count]) => (
              <li key={reason}>
                <Text size={200}>
                  {ti('integration.failedKinds', { count, what: troubleText(ti, reason) })}
                </Text>
              </li>
            ))}
          </ul>
          <RawDetails details={run.failures.slice(0, SHOWN_FAILURES).map((f) => f.message)} />
        </>
      )}
    </div>
  );
}

/** Item failures by kind, in people's words (the kept ones; the heading has the full count). */
function failureKinds(run: LastRun): [SyncTrouble, number][] {
  const counts = new Map<SyncTrouble, number>();
  for (const f of run.failures) {
    const reason = ITEM_TROUBLE[f.kind] ?? 'permanent';
    counts.set(reason, (counts.get(reason) ?? 0) + 1);
  }
  return [...counts];
}

const ITEM_TROUBLE: Record<PortErrorKind, SyncTrouble> = {
  cursorExpired: 'cursorExpired',
  temporary: 'unavailable',
  auth: 'auth',
  notFound: 'notFound',
  conflict: 'conflict',
  invalid: 'invalid',
  permanent: 'permanent',
};
