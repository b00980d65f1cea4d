import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  Select,
  Text,
} from '@fluentui/react-components';
import { useState } from 'react';
import {
  contactBody,
  contactName,
  contactToForm,
  EMPTY_CONTACT,
  validateContactForm,
  type ContactForm,
  type ContactFormErrors,
} from './contact-form';
import type { GraphContact, GraphContactFolder, SandboxGraph } from './graph-client';
import { usePolled } from './use-poll';

/** The default folder is `/me/contacts`; other folders are listed under `/me/contactFolders`. */
const DEFAULT_FOLDER = '';

function folderPath(folderId: string): string {
  return folderId === DEFAULT_FOLDER ? '/me' : `/me/contactFolders/${encodeURIComponent(folderId)}`;
}

type Editing = { kind: 'new' } | { kind: 'existing'; contact: GraphContact };

/** The user's contact folders and the contacts in the chosen one, to create, edit and delete. */
export function ContactsView({ graph, user, tick }: { graph: SandboxGraph; user: string; tick: number }) {
  const [folderId, setFolderId] = useState(DEFAULT_FOLDER);
  const [editing, setEditing] = useState<Editing | undefined>(undefined);
  const folders = usePolled(
    () => graph.list<GraphContactFolder>(user, '/me/contactFolders?$top=100'),
    [graph, user],
    tick,
  );
  const contacts = usePolled(
    () => graph.list<GraphContact>(user, `${folderPath(folderId)}/contacts?$top=200&$orderby=displayName`),
    [graph, user, folderId],
    tick,
  );
  const list = contacts.data ?? [];
  const error = folders.error ?? contacts.error;

  return (
    <section aria-label="Contacts" className="ov-calendar">
      <div className="ov-bar">
        <Field label="Contact folder">
          <Select value={folderId} onChange={(_e, d) => setFolderId(d.value)}>
            <option value={DEFAULT_FOLDER}>Contacts (default)</option>
            {(folders.data ?? []).map((f) => (
              <option key={f.id} value={f.id}>
                {f.displayName}
              </option>
            ))}
          </Select>
        </Field>
        <Button appearance="primary" onClick={() => setEditing({ kind: 'new' })}>
          New contact
        </Button>
      </div>
      {error && (
        <MessageBar intent="error">
          <MessageBarBody>{error}</MessageBarBody>
        </MessageBar>
      )}
      {contacts.data && (
        <Text size={200}>
          {list.length} contact{list.length === 1 ? '' : 's'} in this folder
        </Text>
      )}
      <ul className="ov-list" aria-label="Contacts in the folder">
        {list.map((c) => (
          <li key={c.id} className="ov-row">
            <div className="ov-person">
              <Text weight="semibold">{contactName(c)}</Text>
              <Text size={200}>
                {[c.emailAddresses?.[0]?.address, c.companyName, c.businessPhones?.[0] ?? c.mobilePhone]
                  .filter(Boolean)
                  .join(' · ')}
              </Text>
            </div>
            <Button
              size="small"
              aria-label={`Edit ${contactName(c)}`}
              onClick={() => setEditing({ kind: 'existing', contact: c })}
            >
              Edit
            </Button>
          </li>
        ))}
      </ul>
      {editing && (
        <ContactEditor
          graph={graph}
          user={user}
          folderId={folderId}
          editing={editing}
          onClose={(changed) => {
            setEditing(undefined);
            if (changed) void contacts.reload();
          }}
        />
      )}
    </section>
  );
}

function ContactEditor(props: {
  graph: SandboxGraph;
  user: string;
  folderId: string;
  editing: Editing;
  onClose(changed: boolean): void;
}) {
  const { graph, user, editing, onClose } = props;
  const existing = editing.kind === 'existing' ? editing.contact : undefined;
  const [form, setForm] = useState<ContactForm>(existing ? contactToForm(existing) : EMPTY_CONTACT);
  const [errors, setErrors] = useState<ContactFormErrors>({});
  const [failure, setFailure] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  const run = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setFailure(undefined);
    try {
      await action();
      onClose(true);
    } catch (e) {
      setFailure(e instanceof Error ? e.message : String(e));
      setBusy(false);
    }
  };
  const save = () => {
    const found = validateContactForm(form);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    void run(() =>
      existing
        ? graph.call(user, 'PATCH', `/me/contacts/${encodeURIComponent(existing.id)}`, contactBody(form))
        : graph.call(user, 'POST', `${folderPath(props.folderId)}/contacts`, contactBody(form)),
    );
  };
  const text = (key: keyof ContactForm, label: string, type: 'text' | 'email' | 'tel' = 'text') => (
    <Field label={label} validationMessage={errors[key]} validationState={errors[key] ? 'error' : 'none'}>
      <Input type={type} value={form[key]} onChange={(_e, d) => setForm({ ...form, [key]: d.value })} />
    </Field>
  );

  return (
    <Dialog open modalType="modal" onOpenChange={(_e, d) => !d.open && onClose(false)}>
      <DialogSurface>
        <DialogBody>
          <DialogTitle>{existing ? `Edit ${contactName(existing)}` : 'New contact'}</DialogTitle>
          <DialogContent>
            {failure && (
              <MessageBar intent="error">
                <MessageBarBody>{failure}</MessageBarBody>
              </MessageBar>
            )}
            <form
              className="ov-form"
              onSubmit={(e) => {
                e.preventDefault();
                save();
              }}
            >
              <div className="ov-pair">
                {text('givenName', 'First name')}
                {text('surname', 'Last name')}
              </div>
              {text('email', 'Email', 'email')}
              <div className="ov-pair">
                {text('companyName', 'Company')}
                {text('jobTitle', 'Job title')}
              </div>
              <div className="ov-pair">
                {text('businessPhone', 'Business phone', 'tel')}
                {text('mobilePhone', 'Mobile phone', 'tel')}
              </div>
              <button type="submit" hidden />
            </form>
          </DialogContent>
          <DialogActions fluid>
            <Button appearance="primary" disabled={busy} onClick={save}>
              Save
            </Button>
            {existing && (
              <Button
                disabled={busy}
                onClick={() =>
                  void run(() =>
                    graph.call(user, 'DELETE', `/me/contacts/${encodeURIComponent(existing.id)}`),
                  )
                }
              >
                Delete
              </Button>
            )}
            <Button disabled={busy} onClick={() => onClose(false)}>
              Cancel
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
