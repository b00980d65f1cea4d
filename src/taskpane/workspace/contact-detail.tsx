import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  MessageBar,
  MessageBarBody,
  Spinner,
  Subtitle2,
  Text,
  Title3,
} from '@fluentui/react-components';
import { useCallback, useEffect, useState } from 'react';
import type { Address, Contact } from '../../domain/contact';
import type { ContactSyncStatus } from '../../domain/contact-list';
import { ApiError } from '../api-client';
import { describeError, formatDate, useLocale, useT } from '../i18n';
import { ADDRESS_PARTS, contactName, fieldLabel, SECTIONS } from './contact-fields';
import type { ContactsClient } from './contacts-client';
import { SyncBadge } from './sync-badge';
import { useWt } from './workspace-i18n';
import { useWorkspaceStyles } from './workspace-styles';

export interface ContactDetailProps {
  client: ContactsClient;
  id: string;
  /** Bumped by the workspace to read the contact again (after a save elsewhere in the screen). */
  revision?: number;
  onEdit(contact: Contact): void;
  onDeleted(contact: Contact): void;
  onRestored(contact: Contact): void;
  onBack(): void;
}

type State =
  | { phase: 'loading' }
  | { phase: 'gone' }
  | { phase: 'error'; message: string }
  | { phase: 'ready'; contact: Contact; sync: ContactSyncStatus | null };

/** Every field of one contact, its place in Outlook, and what can be done with it. */
export function ContactDetail({
  client,
  id,
  revision = 0,
  onEdit,
  onDeleted,
  onRestored,
  onBack,
}: ContactDetailProps) {
  const t = useT();
  const wt = useWt();
  const locale = useLocale();
  const styles = useWorkspaceStyles();
  const [state, setState] = useState<State>({ phase: 'loading' });
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const contact = await client.get(id);
      const sync = await client.syncStatus(id).catch(() => null);
      setState({ phase: 'ready', contact, sync });
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) setState({ phase: 'gone' });
      else setState({ phase: 'error', message: describeError(t, error) });
    }
  }, [client, id, t]);

  useEffect(() => {
    setState({ phase: 'loading' });
    setNotice(null);
    setFailure(null);
    void load();
  }, [load, revision]);

  const act = async (work: () => Promise<void>) => {
    setBusy(true);
    setFailure(null);
    try {
      await work();
    } catch (error) {
      // Changed or deleted meanwhile: show what is there now.
      if (error instanceof ApiError && (error.status === 412 || error.status === 404)) await load();
      else setFailure(describeError(t, error));
    } finally {
      setBusy(false);
    }
  };

  if (state.phase === 'loading') return <Spinner label={t('app.loading')} />;
  if (state.phase === 'gone' || state.phase === 'error') {
    return (
      <section className={styles.pane}>
        <MessageBar intent={state.phase === 'gone' ? 'warning' : 'error'}>
          <MessageBarBody>{state.phase === 'gone' ? wt('detail.gone') : state.message}</MessageBarBody>
        </MessageBar>
        <Button onClick={onBack}>{wt('detail.back')}</Button>
      </section>
    );
  }
  const { contact, sync } = state;
  const name = contactName(contact) || wt('contacts.unnamed');
  const rows = (keys: readonly string[]) =>
    keys.flatMap((key) => {
      const value = (contact as Record<string, unknown>)[key];
      if (value === undefined || value === null || value === '') return [];
      if (key === 'mailingAddress' || key === 'otherAddress') {
        const text = ADDRESS_PARTS.map((p) => (value as Address)[p])
          .filter(Boolean)
          .join('\n');
        return text ? [[fieldLabel(key, locale), text] as const] : [];
      }
      if (key === 'birthdate')
        return [[fieldLabel(key, locale), formatDate(locale, `${String(value)}T12:00:00Z`)] as const];
      return [[fieldLabel(key, locale), String(value)] as const];
    });
  const custom = Object.entries(contact.custom ?? {}).filter(([, v]) => v !== null && v !== '');

  return (
    <section className={styles.pane} aria-label={name}>
      <Button appearance="subtle" onClick={onBack} style={{ alignSelf: 'flex-start' }}>
        {wt('detail.back')}
      </Button>
      <Title3 as="h2">{name}</Title3>
      {sync && <SyncBadge status={sync} explain />}
      {sync?.reason === 'imported' && !contact.deletedAt && (
        <Button
          disabled={busy}
          style={{ alignSelf: 'flex-start' }}
          onClick={() =>
            act(async () => {
              await client.massUpdate([contact.id], {});
              setNotice(wt('detail.includedInSync'));
              await load();
            })
          }
        >
          {wt('detail.includeInSync')}
        </Button>
      )}
      {contact.deletedAt && (
        <MessageBar intent="warning">
          <MessageBarBody>{wt('detail.deleted')}</MessageBarBody>
        </MessageBar>
      )}
      {notice && (
        <MessageBar intent="success">
          <MessageBarBody>{notice}</MessageBarBody>
        </MessageBar>
      )}
      {failure && (
        <MessageBar intent="error">
          <MessageBarBody>{failure}</MessageBarBody>
        </MessageBar>
      )}
      <div className={styles.actions}>
        {contact.deletedAt ? (
          <Button
            appearance="primary"
            disabled={busy}
            onClick={() => act(async () => onRestored(await client.restore(contact.id)))}
          >
            {wt('detail.restore')}
          </Button>
        ) : (
          <>
            <Button appearance="primary" onClick={() => onEdit(contact)}>
              {wt('detail.edit')}
            </Button>
            <Button disabled={busy} onClick={() => setConfirming(true)}>
              {wt('detail.delete')}
            </Button>
          </>
        )}
      </div>
      {(Object.keys(SECTIONS) as (keyof typeof SECTIONS)[]).map((section) => {
        const list = rows(SECTIONS[section]);
        if (list.length === 0) return null;
        return (
          <div key={section}>
            <Subtitle2 as="h3">{wt(`section.${section}`)}</Subtitle2>
            <dl className={styles.fields}>
              {list.map(([label, value]) => (
                <div key={label} style={{ display: 'contents' }}>
                  <dt>{label}</dt>
                  <dd>{value}</dd>
                </div>
              ))}
            </dl>
          </div>
        );
      })}
      {custom.length > 0 && (
        <div>
          <Subtitle2 as="h3">{wt('detail.custom')}</Subtitle2>
          <dl className={styles.fields}>
            {custom.map(([key, value]) => (
              <div key={key} style={{ display: 'contents' }}>
                <dt>{key}</dt>
                <dd>{String(value)}</dd>
              </div>
            ))}
          </dl>
        </div>
      )}
      <Text size={200} className={styles.secondary}>
        {wt('detail.meta', {
          created: formatDate(locale, contact.createdAt, true),
          updated: formatDate(locale, contact.updatedAt, true),
          version: contact.version,
        })}
      </Text>
      {confirming && (
        <Dialog open modalType="alert" onOpenChange={(_, data) => setConfirming(data.open)}>
          <DialogSurface>
            <DialogBody>
              <DialogTitle>{wt('detail.delete')}</DialogTitle>
              <DialogContent>{wt('delete.confirm', { name })}</DialogContent>
              <DialogActions>
                <Button
                  appearance="primary"
                  onClick={() => {
                    setConfirming(false);
                    void act(async () => {
                      await client.remove(contact.id, contact.version);
                      onDeleted(contact);
                    });
                  }}
                >
                  {wt('detail.delete')}
                </Button>
                <Button onClick={() => setConfirming(false)}>{wt('form.cancel')}</Button>
              </DialogActions>
            </DialogBody>
          </DialogSurface>
        </Dialog>
      )}
    </section>
  );
}
