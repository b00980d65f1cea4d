import { Badge, makeStyles, Text } from '@fluentui/react-components';
import type { ContactSyncStatus } from '../../domain/contact-list';
import { useWt } from './workspace-i18n';

const COLOR = {
  synced: 'success',
  waiting: 'informative',
  conflict: 'danger',
  not_synced: 'subtle',
} as const;

const useStyles = makeStyles({
  badge: { whiteSpace: 'nowrap', flexShrink: 0 },
  explained: { display: 'flex', flexDirection: 'column', alignItems: 'flex-start', gap: '4px' },
});

/** A contact's place in Outlook: a short badge, with the reason spelt out when `explain` is set. */
export function SyncBadge({ status, explain = false }: { status: ContactSyncStatus; explain?: boolean }) {
  const t = useWt();
  const styles = useStyles();
  const reason = status.reason ? t(`sync.reason.${status.reason}`) : undefined;
  return (
    <span className={explain ? styles.explained : styles.badge} title={reason}>
      <Badge appearance="tint" color={COLOR[status.state]} shape="rounded" className={styles.badge}>
        {t(`sync.${status.state}`)}
      </Badge>
      {explain && reason && (
        <Text as="p" size={200}>
          {reason}
        </Text>
      )}
    </span>
  );
}
