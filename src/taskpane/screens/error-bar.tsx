import { MessageBar, MessageBarBody } from '@fluentui/react-components';

/** An error, announced to screen readers as it appears. */
export function ErrorBar({ message }: { message: string | undefined }) {
  if (!message) return null;
  return (
    <MessageBar intent="error" role="alert">
      <MessageBarBody>{message}</MessageBarBody>
    </MessageBar>
  );
}
