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
  Text,
  Title3,
} from '@fluentui/react-components';
import { useCallback, useEffect, useState } from 'react';
import type { ContactListItem } from '../../domain/contact-list';
import { describeError, formatDate, useLocale, useT } from '../i18n';
import { contactName } from './contact-fields';
import { PAGE_SIZE, type ContactsClient } from './contacts-client';
import { useWt } from './workspace-i18n';
import { useWorkspaceStyles } from './workspace-styles';

const BIN_QUERY = { q: '', owner: 'me', sort: 'updated', dir: 'desc', deleted: true } as const;

/** Deleted contacts, latest first: restore them, or delete them for good. */
export function RecycleBin({ client, onBack }: { client: ContactsClient; onBack(): void }) {
  const t = useT();
  const wt = useWt();
  const locale = useLocale();
  const styles = useWorkspaceStyles();
  const [items, setItems] = useState<ContactListItem[] | null>(null);
  const [next, setNext] = useState<number | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [purging, setPurging] = useState<ContactListItem | null>(null);

  const load = useCallback(
    async (offset: number) => {
      try {
        const page = await client.page(BIN_QUERY, offset, PAGE_SIZE);
        setItems((prev) => (offset === 0 ? page.items : [...(prev ?? []), ...page.items]));
        setNext(page.nextOffset);
      } catch (error) {
        setFailure(describeError(t, error));
      }
    },
    [client, t],
  );
  useEffect(() => {
    void load(0);
  }, [load]);

  const run = async (work: () => Promise<string>) => {
    setFailure(null);
    setNotice(null);
    try {
      setNotice(await work());
      await load(0);
    } catch (error) {
      setFailure(describeError(t, error));
    }
  };

  return (
    <section className={styles.pane} aria-label={wt('bin.title')}>
      <Button appearance="subtle" onClick={onBack} style={{ alignSelf: 'flex-start' }}>
        {wt('bin.back')}
      </Button>
      <Title3 as="h2">{wt('bin.title')}</Title3>
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
      {items === null && !failure && <Spinner label={t('app.loading')} />}
      {items?.length === 0 && <Text>{wt('bin.empty')}</Text>}
      {items && items.length > 0 && (
        <ul
          style={{
            listStyle: 'none',
            margin: 0,
            padding: 0,
            display: 'flex',
            flexDirection: 'column',
            gap: 8,
          }}
        >
          {items.map((c) => {
            const name = contactName(c) || wt('contacts.unnamed');
            return (
              <li key={c.id} className={styles.pane} aria-label={name}>
                <Text weight="semibold" className={styles.ellipsis}>
                  {name}
                </Text>
                <Text size={200} className={styles.secondary}>
                  {wt('bin.deletedAt', { date: formatDate(locale, c.deletedAt ?? c.updatedAt, true) })}
                </Text>
                <div className={styles.actions}>
                  <Button
                    size="small"
                    onClick={() =>
                      run(async () => {
                        await client.restore(c.id);
                        return wt('bin.restored', { name });
                      })
                    }
                  >
                    {wt('bin.restore')}
                  </Button>
                  <Button size="small" appearance="subtle" onClick={() => setPurging(c)}>
                    {wt('bin.purge')}
                  </Button>
                </div>
              </li>
            );
          })}
        </ul>
      )}
      {next !== null && <Button onClick={() => void load(next)}>{wt('bin.more')}</Button>}
      {purging && (
        <Dialog open modalType="alert" onOpenChange={(_, data) => !data.open && setPurging(null)}>
          <DialogSurface>
            <DialogBody>
              <DialogTitle>{wt('bin.purge')}</DialogTitle>
              <DialogContent>
                {wt('bin.purgeConfirm', {
                  name: purging ? contactName(purging) || wt('contacts.unnamed') : '',
                })}
              </DialogContent>
              <DialogActions>
                <Button
                  appearance="primary"
                  onClick={() => {
                    const target = purging;
                    setPurging(null);
                    if (target)
                      void run(async () => {
                        await client.purge(target.id);
                        return wt('bin.purged', { name: contactName(target) || wt('contacts.unnamed') });
                      });
                  }}
                >
                  {wt('bin.purge')}
                </Button>
                <Button onClick={() => setPurging(null)}>{wt('form.cancel')}</Button>
              </DialogActions>
            </DialogBody>
          </DialogSurface>
        </Dialog>
      )}
    </section>
  );
}
