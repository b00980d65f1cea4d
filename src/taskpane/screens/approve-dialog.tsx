import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Dropdown,
  Field,
  Option,
  Spinner,
  Text,
} from '@fluentui/react-components';
import { useState } from 'react';
import { formatDate, profileName, useLocale, useT } from '../i18n';
import type { JoinRequest, JoinRequestDetail, Profile } from '../onboarding';
import { useAction } from '../use-action';
import { ErrorBar } from './error-bar';

export interface ApproveDialogProps {
  /** The request as the server has it now; `undefined` while it is looked up, `null` when there is none. */
  request: JoinRequestDetail | null | undefined;
  profiles: Profile[];
  onApprove: (request: JoinRequest, profileId: string) => Promise<void>;
  onClose: () => void;
}

/** "Approve and add": what the approval email's link opens. */
export function ApproveDialog({ request, profiles, onApprove, onClose }: ApproveDialogProps) {
  const t = useT();
  const locale = useLocale();
  const { busy, error, run } = useAction();
  const fallback = profiles.find((p) => p.isDefault) ?? profiles[0];
  const [profileId, setProfileId] = useState(fallback?.id ?? '');
  const profile = profiles.find((p) => p.id === profileId);
  const pending = request?.status === 'pending' ? request : undefined;

  return (
    <Dialog open modalType="modal" onOpenChange={(_, data) => !data.open && onClose()}>
      <DialogSurface aria-describedby={undefined}>
        <DialogBody>
          <DialogTitle>
            {request ? t('users.approve.title', { name: request.displayName }) : t('users.approve')}
          </DialogTitle>
          <DialogContent className="tandem-dialog-content">
            {request === undefined && <Spinner size="small" label={t('app.loading')} />}
            {request === null && <Text as="p">{t('users.approve.missing')}</Text>}
            {request && !pending && (
              <Text as="p">
                {t(
                  request.status === 'approved' ? 'users.approve.wasApproved' : 'users.approve.wasRejected',
                  {
                    name: request.displayName,
                    date: request.decidedAt ? formatDate(locale, request.decidedAt, true) : '',
                    by: request.decidedBy ?? '',
                  },
                )}
              </Text>
            )}
            {pending && (
              <>
                <Text as="p">
                  {t('users.approve.body', {
                    name: pending.displayName,
                    email: pending.email,
                    date: formatDate(locale, pending.createdAt, true),
                  })}
                </Text>
                {pending.message && (
                  <Text as="p" italic>
                    {t('users.approve.message', { message: pending.message })}
                  </Text>
                )}
                <Field label={t('users.approve.profile')}>
                  <Dropdown
                    value={profile ? profileName(t, profile.name) : ''}
                    selectedOptions={profileId ? [profileId] : []}
                    onOptionSelect={(_, data) => setProfileId(data.optionValue ?? '')}
                  >
                    {profiles.map((p) => (
                      <Option key={p.id} value={p.id}>
                        {profileName(t, p.name)}
                      </Option>
                    ))}
                  </Dropdown>
                </Field>
                <ErrorBar message={error} />
              </>
            )}
          </DialogContent>
          <DialogActions>
            {pending && (
              <Button
                appearance="primary"
                disabled={busy || !profileId}
                onClick={() => void run(() => onApprove(pending, profileId))}
              >
                {t('users.approve')}
              </Button>
            )}
            <Button onClick={onClose}>{pending ? t('cancel') : t('close')}</Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
