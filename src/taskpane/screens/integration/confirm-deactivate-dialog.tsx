import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
} from '@fluentui/react-components';
import type { SyncResource } from '../../../sync/model';
import { useIntegrationT } from '../../integration-i18n';

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
  return (
    <Dialog
      open={resource !== null}
      modalType="alert"
      onOpenChange={(_, data) => {
        if (!data.open) onCancel();
      }}
    >
      <DialogSurface>
        {resource && (
          <DialogBody>
            <DialogTitle>
              {ti(
                resource === 'calendar'
                  ? 'integration.confirm.calendar.title'
                  : 'integration.confirm.contacts.title',
              )}
            </DialogTitle>
            <DialogContent>
              {ti(
                resource === 'calendar'
                  ? 'integration.confirm.calendar.body'
                  : 'integration.confirm.contacts.body',
              )}
            </DialogContent>
            <DialogActions>
              <Button appearance="primary" onClick={() => onConfirm(resource)}>
                {ti('integration.confirm.turnOff')}
              </Button>
              <Button onClick={onCancel}>{ti('integration.confirm.keep')}</Button>
            </DialogActions>
          </DialogBody>
        )}
      </DialogSurface>
    </Dialog>
  );
}
