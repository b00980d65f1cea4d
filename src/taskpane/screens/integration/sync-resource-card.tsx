import { Button, Card, Switch, Text } from '@fluentui/react-components';
import type { SyncResource } from '../../../sync/model';
import { useIntegrationT } from '../../integration-i18n';
import type { MassDeleteRefusal, ResourceStatus, SyncProgressView } from '../../sync-views';
import { LastRunSummary } from './last-run-summary';
import { SyncHealthSummary } from './sync-health-view';
import { SyncProgressBar } from './sync-progress-bar';

/**
 * One resource's switch, its live progress while it syncs, and its last run; a run the mass-delete
 * guard stopped offers `onConfirmDeletes`.
 */
export function SyncResourceCard({
  resource,
  status,
  progress,
  disabled,
  turningOn,
  onToggle,
  onConfirmDeletes,
  onIncludeImported,
}: {
  resource: SyncResource;
  status: ResourceStatus;
  progress: SyncProgressView | undefined;
  disabled: boolean;
  /** Activation in progress: the switch already shows the state being reached. */
  turningOn: boolean;
  onToggle: (resource: SyncResource, on: boolean) => void;
  onConfirmDeletes: (resource: SyncResource, refusal: MassDeleteRefusal) => void;
  /** Makes the imported records that do not sync eligible (a mass update). */
  onIncludeImported: (resource: SyncResource) => void;
}) {
  const ti = useIntegrationT();
  const title = ti(resource === 'calendar' ? 'integration.calendar' : 'integration.contacts');
  const hintId = `tandem-sync-${resource}-hint`;
  const refusal = status.lastRun?.outcome === 'refused' ? status.lastRun.refused : null;
  return (
    <Card className="tandem-sync-card" aria-label={title}>
      <Switch
        label={title}
        checked={status.enabled || turningOn}
        disabled={disabled}
        aria-describedby={hintId}
        onChange={(_, data) => onToggle(resource, data.checked)}
      />
      <Text size={200} id={hintId}>
        {ti(resource === 'calendar' ? 'integration.calendar.hint' : 'integration.contacts.hint')}
      </Text>
      {progress ? (
        <SyncProgressBar progress={progress} />
      ) : (
        status.running && <Text size={200}>{ti('integration.running')}</Text>
      )}
      {/* When off, the last run only matters if it is what turned the sync off. */}
      {(status.enabled || status.lastRun?.outcome === 'deactivated') && !progress && (
        <LastRunSummary
          run={status.lastRun}
          disabled={disabled || status.running}
          {...(status.enabled && refusal
            ? { onConfirmDeletes: () => onConfirmDeletes(resource, refusal) }
            : {})}
        />
      )}
      {status.enabled && <SyncHealthSummary health={status.health} />}
      {status.enabled && status.importedNotSynced > 0 && !progress && (
        <div className="tandem-imported">
          <Text size={200}>
            {ti(`integration.imported.${resource}.${status.importedNotSynced === 1 ? 'one' : 'other'}`, {
              count: status.importedNotSynced,
            })}
          </Text>
          <div>
            <Button
              size="small"
              disabled={disabled || status.running}
              onClick={() => onIncludeImported(resource)}
            >
              {ti('integration.imported.include')}
            </Button>
          </div>
        </div>
      )}
    </Card>
  );
}
