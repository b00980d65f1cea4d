import { Button, Subtitle2, Text } from '@fluentui/react-components';
import { formatDate, useLocale, useT } from '../i18n';
import type { Invitation } from '../onboarding';

export interface InvitationsListProps {
  invitations: Invitation[];
  /** An action is running: the buttons that write wait for it. */
  busy: boolean;
  /** The free edition sends no invitations, so none is sent again either. */
  free: boolean;
  onResend: (invitation: Invitation) => void;
  onRevoke: (invitation: Invitation) => void;
}

/** Pending invitations with when they were sent and until when they hold, to send again or withdraw. */
export function InvitationsList({ invitations, busy, free, onResend, onRevoke }: InvitationsListProps) {
  const t = useT();
  const locale = useLocale();
  return (
    <section className="tandem-group" aria-label={t('users.invitations')}>
      <Subtitle2 as="h2">{t('users.invitations')}</Subtitle2>
      {invitations.length === 0 ? (
        <Text>{t('users.none')}</Text>
      ) : (
        <ul className="tandem-list" aria-label={t('users.invitations')}>
          {invitations.map((i) => (
            <li key={i.id} className="tandem-row">
              <span className="tandem-person">
                <Text weight="semibold">{i.displayName ?? i.email}</Text>
                {i.displayName && <Text size={200}>{i.email}</Text>}
                <Text size={200}>
                  {t('users.invitation.sent', { date: formatDate(locale, i.sentAt) })}
                  {' · '}
                  {i.expired
                    ? t('users.invitation.expired')
                    : t('users.invitation.expires', { date: formatDate(locale, i.expiresAt) })}
                </Text>
              </span>
              <span className="tandem-row-actions">
                <Button
                  size="small"
                  disabled={busy || free}
                  aria-label={`${t('users.resend')}: ${i.email}`}
                  onClick={() => onResend(i)}
                >
                  {t('users.resend')}
                </Button>
                <Button
                  size="small"
                  disabled={busy}
                  aria-label={`${t('users.revoke')}: ${i.email}`}
                  onClick={() => onRevoke(i)}
                >
                  {t('users.revoke')}
                </Button>
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
