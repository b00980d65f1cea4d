import { makeStyles, MessageBar, MessageBarBody, Text, tokens } from '@fluentui/react-components';
import type { SyncTrouble } from '../../../sync/sync-views';
import { useIntegrationT, type IntegrationTranslate } from '../../integration-i18n';

const useStyles = makeStyles({
  // The raw error is one long token (a Graph path with an id): it wraps instead of running off the edge.
  details: { minWidth: 0, maxWidth: '100%' },
  summary: { cursor: 'pointer', color: tokens.colorNeutralForeground2 },
  raw: {
    display: 'block',
    marginTop: '4px',
    whiteSpace: 'pre-wrap',
    overflowWrap: 'anywhere',
    wordBreak: 'break-word',
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase200,
    color: tokens.colorNeutralForeground2,
  },
  body: { minWidth: 0, overflowWrap: 'anywhere' },
});

/** A sync failure in people's words. */
export function troubleText(ti: IntegrationTranslate, reason: SyncTrouble): string {
  return ti(`integration.trouble.${reason}`);
}

/** The raw error, folded away behind "Details" and wrapped to the width it has. */
export function RawDetails({ details }: { details: string | readonly string[] | undefined }) {
  const ti = useIntegrationT();
  const styles = useStyles();
  const lines = typeof details === 'string' ? [details] : (details ?? []);
  if (lines.length === 0 || lines.every((l) => !l)) return null;
  return (
    <details className={styles.details}>
      <summary className={styles.summary}>
        <Text size={200}>{ti('integration.details')}</Text>
      </summary>
      {lines.map((line, i) => (
        <code key={i} className={styles.raw}>
          {line}
        </code>
      ))}
    </details>
  );
}

/** A failed sync action: what happened in people's words, the raw error behind "Details". */
export function TroubleBar({ message, details }: { message: string; details?: string | undefined }) {
  const styles = useStyles();
  return (
    <MessageBar intent="error" role="alert" layout="multiline">
      <MessageBarBody className={styles.body}>
        <div>{message}</div>
        <RawDetails details={details} />
      </MessageBarBody>
    </MessageBar>
  );
}
