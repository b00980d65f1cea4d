import { makeStyles, Text } from '@fluentui/react-components';
import type { SyncResource } from '../../../sync/model';
import { useIntegrationT } from '../../integration-i18n';
import type { MassDeleteRefusal } from '../../sync-views';
import { ConfirmDialog } from '../confirm-dialog';

export interface PendingDeletes {
  resource: SyncResource;
  refusal: MassDeleteRefusal;
}

const useStyles = makeStyles({
  deletions: { display: 'flex', flexDirection: 'column', gap: '8px' },
});

const form = (n: number) => (n === 1 ? 'one' : 'other');

/**
 * Going ahead with a run the mass-delete guard stopped: says exactly what it deletes on each side
 * (in Tandem, restorably, to the recycle bin) and that the guard still stops any more.
 */
export function ConfirmDeletesDialog({
  pending,
  onConfirm,
  onCancel,
}: {
  pending: PendingDeletes | null;
  onConfirm: (pending: PendingDeletes) => void;
  onCancel: () => void;
}) {
  const ti = useIntegrationT();
  return (
    <ConfirmDialog
      open={pending !== null}
      title={
        pending
          ? ti(`integration.deletes.title.${pending.resource}`, {
              total: pending.refusal.deletions.crm + pending.refusal.deletions.graph,
              linked: pending.refusal.linked,
            })
          : ''
      }
      confirmLabel={ti('integration.deletes.confirm')}
      cancelLabel={ti('integration.deletes.cancel')}
      onConfirm={() => pending && onConfirm(pending)}
      onCancel={onCancel}
    >
      {pending && (
        <>
          <DeletionsList {...pending} />
          <Text as="p">{ti('integration.deletes.rest')}</Text>
        </>
      )}
    </ConfirmDialog>
  );
}

/** One line per side that loses items; a side with none is not mentioned. */
function DeletionsList({ resource, refusal }: PendingDeletes) {
  const ti = useIntegrationT();
  const styles = useStyles();
  const { crm, graph } = refusal.deletions;
  return (
    <ul className={`tandem-list ${styles.deletions}`}>
      {crm > 0 && (
        <li>
          <Text weight="semibold">
            {ti(`integration.deletes.crm.${resource}.${form(crm)}`, { count: crm })}
          </Text>
        </li>
      )}
      {graph > 0 && (
        <li>
          <Text weight="semibold">
            {ti(`integration.deletes.graph.${resource}.${form(graph)}`, { count: graph })}
          </Text>
        </li>
      )}
    </ul>
  );
}
