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
  Text,
} from '@fluentui/react-components';
import { useState } from 'react';
import { formatDate, useLocale, useT } from '../i18n';
import type { JoinRequest, Profile } from '../onboarding';
import { useAction } from '../use-action';
import { ErrorBar } from './error-bar';

export interface ApproveDialogProps {
  /** The request to answer; `null` when the link named a request that is no longer pending. */
  request: JoinRequest | null;
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

  return (
    <Dialog open modalType="modal" onOpenChange={(_, data) => !data.open && onClose()}>
      <DialogSurface aria-describedby={undefined}>
        <DialogBody>
          <DialogTitle>
            {request ? t('users.approve.title', { name: request.displayName }) : t('users.approve')}
          </DialogTitle>
          <DialogContent className="tandem-dialog-content">
            {request ? (
              <>
                <Text as="p">
                  {t('users.approve.body', {
                    name: request.displayName,
                    email: request.email,
                    date: formatDate(locale, request.createdAt, true),
                  })}
                </Text>
                {request.message && (
                  <Text as="p" italic>
                    {t('users.approve.message', { message: request.message })}
                  </Text>
                )}
                <Field label={t('users.approve.profile')}>
                  <Dropdown
                    value={profile?.name ?? ''}
                    selectedOptions={profileId ? [profileId] : []}
                    onOptionSelect={(_, data) => setProfileId(data.optionValue ?? '')}
                  >
                    {profiles.map((p) => (
                      <Option key={p.id} value={p.id}>
                        {p.name}
                      </Option>
                    ))}
                  </Dropdown>
                </Field>
                <ErrorBar message={error} />
              </>
            ) : (
              <Text as="p">{t('users.approve.missing')}</Text>
            )}
          </DialogContent>
          <DialogActions>
            {request && (
              <Button
                appearance="primary"
                disabled={busy || !profileId}
                onClick={() => void run(() => onApprove(request, profileId))}
              >
                {t('users.approve')}
              </Button>
            )}
            <Button onClick={onClose}>{request ? t('cancel') : t('close')}</Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
