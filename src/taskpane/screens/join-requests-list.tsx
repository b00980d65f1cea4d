import { Button, Subtitle2, Text } from '@fluentui/react-components';
import { useT } from '../i18n';
import type { JoinRequest } from '../onboarding';

export interface JoinRequestsListProps {
  requests: JoinRequest[];
  /** An action is running: the buttons that write wait for it. */
  busy: boolean;
  onApprove: (request: JoinRequest) => void;
  onReject: (request: JoinRequest) => void;
}

/** Requests to join, each with its message, to approve (choosing a profile) or reject. */
export function JoinRequestsList({ requests, busy, onApprove, onReject }: JoinRequestsListProps) {
  const t = useT();
  return (
    <section className="tandem-group" aria-label={t('users.requests')}>
      <Subtitle2 as="h2">{t('users.requests')}</Subtitle2>
      {requests.length === 0 ? (
        <Text>{t('users.none')}</Text>
      ) : (
        <ul className="tandem-list" aria-label={t('users.requests')}>
          {requests.map((r) => (
            <li key={r.id} className="tandem-row">
              <span className="tandem-person">
                <Text weight="semibold">{r.displayName}</Text>
                <Text size={200}>{r.email}</Text>
                {r.message && (
                  <Text size={200} italic>
                    {r.message}
                  </Text>
                )}
              </span>
              <span className="tandem-row-actions">
                <Button
                  appearance="primary"
                  size="small"
                  aria-label={`${t('users.approve')}: ${r.displayName}`}
                  onClick={() => onApprove(r)}
                >
                  {t('users.approve')}
                </Button>
                <Button
                  size="small"
                  disabled={busy}
                  aria-label={`${t('users.reject')}: ${r.displayName}`}
                  onClick={() => onReject(r)}
                >
                  {t('users.reject')}
                </Button>
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
