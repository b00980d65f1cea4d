import { Badge, Text } from '@fluentui/react-components';
import type { ContactSyncStatus } from '../../domain/contact-list';
import { useWt } from './workspace-i18n';

const COLOR = {
  synced: 'success',
  waiting: 'informative',
  conflict: 'danger',
  not_synced: 'subtle',
} as const;

/** A contact's place in Outlook: a short badge, with the reason spelt out when `explain` is set. */
export function SyncBadge({ status, explain = false }: { status: ContactSyncStatus; explain?: boolean }) {
  const t = useWt();
  const reason = status.reason ? t(`sync.reason.${status.reason}`) : undefined;
  return (
    <span className="tandem-sync-status" title={reason}>
      <Badge appearance="tint" color={COLOR[status.state]} shape="rounded">
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
