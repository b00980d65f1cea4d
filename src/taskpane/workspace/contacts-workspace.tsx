import { Link, mergeClasses, MessageBar, MessageBarBody } from '@fluentui/react-components';
import { useCallback, useMemo, useState } from 'react';
import type { Contact } from '../../domain/contact';
import type { Api } from '../api-client';
import { ContactDetail } from './contact-detail';
import { contactName } from './contact-fields';
import { ContactForm } from './contact-form';
import { ContactList } from './contact-list';
import { ContactsClient, type ContactListQuery } from './contacts-client';
import { RecycleBin } from './recycle-bin';
import { useWt } from './workspace-i18n';
import { useWorkspaceStyles } from './workspace-styles';

type View =
  | { name: 'list' }
  | { name: 'detail'; id: string }
  | { name: 'new' }
  | { name: 'edit'; contact: Contact }
  | { name: 'bin' };

const FIRST_QUERY: ContactListQuery = { q: '', owner: 'me', sort: 'name', dir: 'asc', deleted: false };

/**
 * The contacts workspace: the list beside the open contact at desktop width, one of them at a time
 * in a narrow taskpane.
 */
export function ContactsWorkspace({ api }: { api: Api }) {
  const wt = useWt();
  const styles = useWorkspaceStyles();
  const client = useMemo(() => new ContactsClient(api), [api]);
  const [view, setView] = useState<View>({ name: 'list' });
  const [query, setQueryState] = useState<ContactListQuery>(FIRST_QUERY);
  const [revision, setRevision] = useState(0);
  const [notice, setNotice] = useState<{ text: string; bin?: boolean } | null>(null);
  const refresh = () => setRevision((r) => r + 1);
  const setQuery = useCallback((next: ContactListQuery) => {
    setQueryState(next);
    setRevision((r) => r + 1);
  }, []);
  const go = (next: View) => {
    setNotice(null);
    setView(next);
  };

  if (view.name === 'bin') {
    return (
      <RecycleBin
        client={client}
        onBack={() => {
          refresh();
          go({ name: 'list' });
        }}
      />
    );
  }

  const side = (() => {
    switch (view.name) {
      case 'detail':
        return (
          <ContactDetail
            client={client}
            id={view.id}
            revision={revision}
            onBack={() => go({ name: 'list' })}
            onEdit={(contact) => go({ name: 'edit', contact })}
            onDeleted={(contact) => {
              refresh();
              setView({ name: 'list' });
              setNotice({ text: wt('delete.done', { name: contactName(contact) }), bin: true });
            }}
            onRestored={() => refresh()}
          />
        );
      case 'new':
      case 'edit':
        return (
          <ContactForm
            key={view.name === 'edit' ? view.contact.id : 'new'}
            client={client}
            contact={view.name === 'edit' ? view.contact : undefined}
            onCancel={() =>
              go(view.name === 'edit' ? { name: 'detail', id: view.contact.id } : { name: 'list' })
            }
            onSaved={(saved) => {
              refresh();
              go({ name: 'detail', id: saved.id });
            }}
          />
        );
      default:
        return null;
    }
  })();

  return (
    <div className={mergeClasses('tandem-workspace', styles.root)}>
      <div className={mergeClasses(styles.pane, side !== null && styles.hiddenWhenNarrow)}>
        {notice && (
          <MessageBar intent="success">
            <MessageBarBody>
              {notice.text}{' '}
              {notice.bin && <Link onClick={() => go({ name: 'bin' })}>{wt('delete.undo')}</Link>}
            </MessageBarBody>
          </MessageBar>
        )}
        <ContactList
          client={client}
          query={query}
          onQuery={setQuery}
          revision={revision}
          selectedId={view.name === 'detail' ? view.id : undefined}
          onOpen={(id) => go({ name: 'detail', id })}
          onNew={() => go({ name: 'new' })}
          onBin={() => go({ name: 'bin' })}
        />
      </div>
      {side && <div className={styles.pane}>{side}</div>}
    </div>
  );
}

export default ContactsWorkspace;
