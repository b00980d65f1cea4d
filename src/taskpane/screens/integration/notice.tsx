import { MessageBar, MessageBarBody } from '@fluentui/react-components';

/** A success message, announced politely. */
export function Notice({ message }: { message: string | undefined }) {
  if (!message) return null;
  return (
    <MessageBar intent="success" role="status">
      <MessageBarBody>{message}</MessageBarBody>
    </MessageBar>
  );
}
