import { MessageBar, MessageBarBody, Text } from '@fluentui/react-components';
import type { SandboxGraph } from './graph-client';
import { usePolled } from './use-poll';

function plainText(body: { contentType: string; content: string }): string {
  if (body.contentType !== 'html') return body.content;
  const doc = new DOMParser().parseFromString(body.content, 'text/html');
  return doc.body.textContent ?? '';
}

/** The user's inbox, newest first: invitations, cancellations and Tandem's own mail land here. */
export function InboxView({ graph, user, tick }: { graph: SandboxGraph; user: string; tick: number }) {
  const { data, error } = usePolled(() => graph.inbox(user), [graph, user], tick);
  const messages = [...(data ?? [])].sort((a, b) => b.receivedDateTime.localeCompare(a.receivedDateTime));
  return (
    <section aria-label="Inbox" className="ov-calendar">
      {error && (
        <MessageBar intent="error">
          <MessageBarBody>{error}</MessageBarBody>
        </MessageBar>
      )}
      {data && messages.length === 0 && <Text>The inbox is empty.</Text>}
      <ul className="ov-list">
        {messages.map((m) => (
          <li key={m.id} className="ov-row">
            <details className="ov-message ov-person">
              <summary>
                <Text weight="semibold">{m.subject || '(no subject)'}</Text>
                <br />
                <Text size={200}>
                  {m.from.name ? `${m.from.name} <${m.from.address}>` : m.from.address} ·{' '}
                  {new Date(m.receivedDateTime).toLocaleString()}
                </Text>
              </summary>
              <p>{plainText(m.body)}</p>
            </details>
          </li>
        ))}
      </ul>
    </section>
  );
}
