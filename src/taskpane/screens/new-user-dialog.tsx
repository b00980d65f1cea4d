import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  Input,
} from '@fluentui/react-components';
import { useState } from 'react';
import { useT } from '../i18n';
import type { Invitee } from '../onboarding';
import { useAction } from '../use-action';
import { ErrorBar } from './error-bar';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface NewUserDialogProps {
  onInvite: (invitees: Invitee[]) => Promise<void>;
  onClose: () => void;
}

/** "New user": anyone, in Microsoft 365 or not, invited by email. */
export function NewUserDialog({ onInvite, onClose }: NewUserDialogProps) {
  const t = useT();
  const { busy, error, run } = useAction();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [touched, setTouched] = useState(false);
  const valid = EMAIL.test(email.trim());

  const send = () =>
    run(() => onInvite([{ email: email.trim(), ...(name.trim() ? { displayName: name.trim() } : {}) }]));

  return (
    <Dialog open modalType="modal" onOpenChange={(_, data) => !data.open && onClose()}>
      <DialogSurface aria-describedby={undefined}>
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            setTouched(true);
            if (valid) void send();
          }}
        >
          <DialogBody>
            <DialogTitle>{t('newUser.title')}</DialogTitle>
            <DialogContent className="tandem-dialog-content">
              <Field
                label={t('newUser.email')}
                required
                validationMessage={touched && !valid ? t('newUser.invalidEmail') : undefined}
              >
                <Input
                  type="email"
                  value={email}
                  onChange={(_, d) => setEmail(d.value)}
                  onBlur={() => setTouched(true)}
                />
              </Field>
              <Field label={t('newUser.name')}>
                <Input value={name} maxLength={200} onChange={(_, d) => setName(d.value)} />
              </Field>
              <ErrorBar message={error} />
            </DialogContent>
            <DialogActions>
              <Button appearance="primary" type="submit" disabled={busy}>
                {t('newUser.send')}
              </Button>
              <Button onClick={onClose}>{t('cancel')}</Button>
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  );
}
