import { Field, ProgressBar } from '@fluentui/react-components';
import type { SyncProgress } from '../../sync-views';
import { useIntegrationT, type IntegrationKey } from '../../integration-i18n';
import { resourceName } from './sync-errors';

/** The running sync's phase and, where the engine counts, how far it got. */
export function SyncProgressBar({ progress }: { progress: SyncProgress }) {
  const ti = useIntegrationT();
  const phase = ti(`integration.phase.${progress.phase}` as IntegrationKey);
  // Only applying changes counts items; the other phases' 0-of-1 steps would read as noise.
  const counted = progress.phase === 'apply' && progress.total > 0;
  const label = ti('integration.progress', { resource: resourceName(ti, progress.resource), phase });
  return (
    <Field
      label={label}
      validationState="none"
      validationMessage={
        counted ? ti('integration.progressCount', { done: progress.done, total: progress.total }) : undefined
      }
      aria-live="polite"
    >
      <ProgressBar
        thickness="large"
        {...(counted ? { value: Math.min(1, progress.done / progress.total) } : {})}
      />
    </Field>
  );
}
