import type { SyncResource } from '../../../sync/model';
import { useIntegrationT } from '../../integration-i18n';
import { ConfirmDialog } from '../confirm-dialog';

/** Turning a sync off removes the Tandem calendar or folder from Outlook: ask first, say the CRM keeps all. */
export function ConfirmDeactivateDialog({
  resource,
  onConfirm,
  onCancel,
}: {
  resource: SyncResource | null;
  onConfirm: (resource: SyncResource) => void;
  onCancel: () => void;
}) {
  const ti = useIntegrationT();
  const calendar = resource === 'calendar';
  return (
    <ConfirmDialog
      open={resource !== null}
      title={ti(calendar ? 'integration.confirm.calendar.title' : 'integration.confirm.contacts.title')}
      confirmLabel={ti('integration.confirm.turnOff')}
      cancelLabel={ti('integration.confirm.keep')}
      onConfirm={() => resource && onConfirm(resource)}
      onCancel={onCancel}
    >
      {ti(calendar ? 'integration.confirm.calendar.body' : 'integration.confirm.contacts.body')}
    </ConfirmDialog>
  );
}
