import { Field, ProgressBar, Text, makeStyles, tokens } from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import { useIntegrationT, type IntegrationKey } from '../../integration-i18n';
import type { RetryNotice, SyncProgressView } from '../../sync-views';
import { resourceName } from './sync-errors';

const useStyles = makeStyles({
  retry: { color: tokens.colorPaletteDarkOrangeForeground1, overflowWrap: 'anywhere' },
});

/**
 * The running sync's phase and how far the whole run got; while applying, how many of the changes
 * are done. While Outlook is being retried, why and when the next attempt goes.
 */
export function SyncProgressBar({ progress }: { progress: SyncProgressView }) {
  const ti = useIntegrationT();
  const phase = ti(`integration.phase.${progress.phase}` as IntegrationKey);
  // Only applying changes counts items; the other phases' 0-of-1 steps would read as noise, so the bar
  // runs without a value until then. The count and the bar say the same: the bar is the count.
  const counted = progress.phase === 'apply' && progress.total > 0;
  const label = ti('integration.progress', { resource: resourceName(ti, progress.resource), phase });
  // Once every change is applied the bar stays full while the run finishes, never falling back to the
  // sliding stripe of an unknown amount.
  const fraction =
    progress.phase === 'done'
      ? 1
      : counted
        ? Math.min(1, Math.max(0, progress.done / progress.total))
        : undefined;
  return (
    <>
      <Field
        label={label}
        validationState="none"
        validationMessage={
          counted
            ? ti('integration.progressCount', { done: progress.done, total: progress.total })
            : undefined
        }
        aria-live="polite"
      >
        <ProgressBar
          thickness="large"
          {...(fraction === undefined ? {} : { value: fraction, max: 1 })}
          color={progress.retry ? 'warning' : 'brand'}
        />
      </Field>
      {progress.retry && <RetryLine retry={progress.retry} />}
    </>
  );
}

/** "Outlook is not answering right now. Trying again in 8 s (attempt 3)." — counting down. */
function RetryLine({ retry }: { retry: RetryNotice }) {
  const ti = useIntegrationT();
  const styles = useStyles();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [retry.at]);
  const seconds = Math.ceil((Date.parse(retry.at) - now) / 1000);
  const when =
    seconds > 0
      ? ti('integration.retry.in', { seconds, attempt: retry.attempt })
      : ti('integration.retry.now', { attempt: retry.attempt });
  return (
    <Text size={200} role="status" className={styles.retry}>
      {ti(`integration.retry.${retry.reason}`)} {when}
    </Text>
  );
}
