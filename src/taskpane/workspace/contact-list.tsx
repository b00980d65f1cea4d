import {
  Button,
  Checkbox,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Dropdown,
  Field,
  Input,
  mergeClasses,
  MessageBar,
  MessageBarBody,
  Option,
  SearchBox,
  Text,
} from '@fluentui/react-components';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useRef, useState } from 'react';
import { CONTACT_SORTS, type ContactListItem, type ContactOwner } from '../../domain/contact-list';
import { describeError, useLocale, useT } from '../i18n';
import { contactName, fieldLabel, SECTIONS } from './contact-fields';
import { PAGE_SIZE, type ContactListQuery, type ContactsClient } from './contacts-client';
import { SyncBadge } from './sync-badge';
import { useWt } from './workspace-i18n';
import { useWorkspaceStyles } from './workspace-styles';

const ROW_HEIGHT = 60;

export interface ContactListProps {
  client: ContactsClient;
  query: ContactListQuery;
  onQuery(query: ContactListQuery): void;
  selectedId?: string | undefined;
  /** Bumped to read the list again (after a save, delete or restore). */
  revision: number;
  onOpen(id: string): void;
  onNew(): void;
  onBin(): void;
}

interface Loaded {
  total: number;
  pages: Map<number, ContactListItem[]>;
}

/**
 * The contacts of the chosen owner, searched and sorted by the server, read a page at a time as the
 * rows come into view; only the rows on screen are rendered, so ten thousand scroll like ten.
 */
export function ContactList({
  client,
  query,
  onQuery,
  selectedId,
  revision,
  onOpen,
  onNew,
  onBin,
}: ContactListProps) {
  const t = useT();
  const wt = useWt();
  const locale = useLocale();
  const styles = useWorkspaceStyles();
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [search, setSearch] = useState(query.q);
  const [owners, setOwners] = useState<ContactOwner[]>([]);
  const [selection, setSelection] = useState<Set<string>>(new Set());
  const [massOpen, setMassOpen] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const requested = useRef(new Set<number>());
  const generation = useRef(0);
  const scroller = useRef<HTMLDivElement>(null);

  useEffect(() => {
    void client.owners().then(setOwners, () => setOwners([]));
  }, [client]);

  // Typing searches after a short pause, not on every key.
  useEffect(() => {
    if (search === query.q) return;
    const timer = setTimeout(() => onQuery({ ...query, q: search }), 250);
    return () => clearTimeout(timer);
  }, [search, query, onQuery]);

  const loadPage = useCallback(
    async (page: number, gen: number) => {
      if (requested.current.has(page)) return;
      requested.current.add(page);
      try {
        const answer = await client.page(query, page * PAGE_SIZE);
        if (gen !== generation.current) return;
        setLoaded((prev) => {
          const pages = new Map(gen === generation.current && prev ? prev.pages : []);
          pages.set(page, answer.items);
          return { total: answer.total, pages };
        });
      } catch (error) {
        requested.current.delete(page);
        if (gen === generation.current) setFailure(describeError(t, error));
      }
    },
    [client, query, t],
  );

  useEffect(() => {
    generation.current += 1;
    requested.current = new Set();
    setLoaded(null);
    setFailure(null);
    void loadPage(0, generation.current);
  }, [loadPage, revision]);

  const total = loaded?.total ?? 0;
  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
    initialRect: { width: 320, height: 600 },
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;
  useEffect(() => {
    if (!loaded) return;
    for (let page = Math.floor(first / PAGE_SIZE); page <= Math.floor(last / PAGE_SIZE); page++) {
      if (!loaded.pages.has(page)) void loadPage(page, generation.current);
    }
  }, [first, last, loaded, loadPage]);

  const rowAt = (index: number) => loaded?.pages.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE];
  const toggle = (id: string, on: boolean) =>
    setSelection((s) => {
      const next = new Set(s);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });

  return (
    <section className={styles.pane} aria-label={wt('contacts.title')}>
      <div className={styles.toolbar}>
        <SearchBox
          className={styles.grow}
          aria-label={wt('contacts.search')}
          placeholder={wt('contacts.search')}
          value={search}
          maxLength={100}
          onChange={(_, data) => setSearch(data.value)}
        />
        <Button appearance="primary" onClick={onNew}>
          {wt('contacts.new')}
        </Button>
        <Button onClick={onBin}>{wt('contacts.bin')}</Button>
      </div>
      <div className={styles.toolbar}>
        <Field label={wt('contacts.owner')} className={styles.grow}>
          <Dropdown
            value={ownerLabel(query.owner, owners, wt)}
            selectedOptions={[query.owner]}
            onOptionSelect={(_, data) => data.optionValue && onQuery({ ...query, owner: data.optionValue })}
          >
            <Option value="me">{wt('contacts.owner.me')}</Option>
            {owners.length > 1 && <Option value="all">{wt('contacts.owner.all')}</Option>}
            {owners.length > 1 &&
              owners.map((o) => (
                <Option key={o.id} value={o.id} text={o.displayName}>
                  {o.displayName}
                </Option>
              ))}
          </Dropdown>
        </Field>
        <Field label={wt('contacts.sort')} className={styles.grow}>
          <Dropdown
            value={`${wt(`contacts.sort.${query.sort}`)} (${wt(`contacts.dir.${query.dir}`)})`}
            selectedOptions={[`${query.sort}:${query.dir}`]}
            onOptionSelect={(_, data) => {
              const [sort, dir] = (data.optionValue ?? 'name:asc').split(':') as [
                ContactListQuery['sort'],
                ContactListQuery['dir'],
              ];
              onQuery({ ...query, sort, dir });
            }}
          >
            {CONTACT_SORTS.flatMap((sort) =>
              (['asc', 'desc'] as const).map((dir) => (
                <Option key={`${sort}:${dir}`} value={`${sort}:${dir}`}>
                  {`${wt(`contacts.sort.${sort}`)} (${wt(`contacts.dir.${dir}`)})`}
                </Option>
              )),
            )}
          </Dropdown>
        </Field>
      </div>
      <div className={styles.toolbar} aria-live="polite">
        <Text>
          {loaded ? wt('contacts.count', { count: total.toLocaleString(locale) }) : t('app.loading')}
        </Text>
        {selection.size > 0 && (
          <>
            <Text weight="semibold">{wt('contacts.selected', { count: selection.size })}</Text>
            <Button size="small" onClick={() => setMassOpen(true)}>
              {wt('mass.open')}
            </Button>
            <Button size="small" appearance="subtle" onClick={() => setSelection(new Set())}>
              {wt('contacts.clearSelection')}
            </Button>
          </>
        )}
      </div>
      {failure && (
        <MessageBar intent="error">
          <MessageBarBody>{failure}</MessageBarBody>
        </MessageBar>
      )}
      {notice && (
        <MessageBar intent="success">
          <MessageBarBody>{notice}</MessageBarBody>
        </MessageBar>
      )}
      {loaded && total === 0 && <Text>{wt('contacts.empty')}</Text>}
      <div ref={scroller} className={styles.scroller} data-testid="contact-scroller">
        <ul
          aria-label={wt('contacts.title')}
          style={{
            height: virtualizer.getTotalSize(),
            position: 'relative',
            margin: 0,
            padding: 0,
            listStyle: 'none',
          }}
        >
          {items.map((item) => {
            const c = rowAt(item.index);
            return (
              <li
                key={item.key}
                className={mergeClasses(styles.row, c && c.id === selectedId && styles.rowActive)}
                style={{ top: item.start, height: item.size }}
                aria-setsize={total}
                aria-posinset={item.index + 1}
              >
                {c ? (
                  <>
                    <Checkbox
                      aria-label={wt('contacts.select', { name: contactName(c) || wt('contacts.unnamed') })}
                      checked={selection.has(c.id)}
                      onChange={(_, data) => toggle(c.id, data.checked === true)}
                    />
                    <button type="button" className={styles.rowButton} onClick={() => onOpen(c.id)}>
                      <Text weight="semibold" className={styles.ellipsis}>
                        {contactName(c) || wt('contacts.unnamed')}
                      </Text>
                      <Text size={200} className={mergeClasses(styles.ellipsis, styles.secondary)}>
                        {[c.email, c.accountName].filter(Boolean).join(' · ')}
                      </Text>
                    </button>
                    <SyncBadge status={c.sync} />
                  </>
                ) : (
                  <Text className={styles.secondary} style={{ paddingLeft: 12 }}>
                    {wt('contacts.loadingRow')}
                  </Text>
                )}
              </li>
            );
          })}
        </ul>
      </div>
      {massOpen && (
        <MassUpdateDialog
          count={selection.size}
          onClose={() => setMassOpen(false)}
          onApply={async (field, value) => {
            const { updated } = await client.massUpdate([...selection], {
              [field]: value === '' ? null : value,
            });
            setMassOpen(false);
            setSelection(new Set());
            setNotice(wt('mass.done', { count: updated }));
            onQuery({ ...query });
          }}
          fieldName={(key) => fieldLabel(key, locale)}
        />
      )}
    </section>
  );
}

function ownerLabel(owner: string, owners: ContactOwner[], wt: ReturnType<typeof useWt>): string {
  if (owner === 'me') return wt('contacts.owner.me');
  if (owner === 'all') return wt('contacts.owner.all');
  return owners.find((o) => o.id === owner)?.displayName ?? owner;
}

/** The fields a mass update can set: plain text ones (addresses and notes are edited one by one). */
const MASS_FIELDS = [...SECTIONS.work, 'salutation', 'website'] as const;

function MassUpdateDialog({
  count,
  onClose,
  onApply,
  fieldName,
}: {
  count: number;
  onClose(): void;
  onApply(field: string, value: string): Promise<void>;
  fieldName(key: string): string;
}) {
  const t = useT();
  const wt = useWt();
  const [field, setField] = useState<string>('accountName');
  const [value, setValue] = useState('');
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <Dialog open onOpenChange={(_, data) => !data.open && onClose()}>
      <DialogSurface>
        <DialogBody>
          <DialogTitle>{wt('mass.title', { count })}</DialogTitle>
          <DialogContent style={{ display: 'flex', flexDirection: 'column', gap: 8 }}>
            <Text>{wt('mass.explain')}</Text>
            <Field label={wt('mass.field')}>
              <Dropdown
                value={fieldName(field)}
                selectedOptions={[field]}
                onOptionSelect={(_, data) => data.optionValue && setField(data.optionValue)}
              >
                {MASS_FIELDS.map((key) => (
                  <Option key={key} value={key}>
                    {fieldName(key)}
                  </Option>
                ))}
              </Dropdown>
            </Field>
            <Field label={wt('mass.value')} validationMessage={failure ?? undefined}>
              <Input value={value} onChange={(_, data) => setValue(data.value)} />
            </Field>
          </DialogContent>
          <DialogActions>
            <Button
              appearance="primary"
              disabled={busy}
              onClick={async () => {
                setBusy(true);
                setFailure(null);
                try {
                  await onApply(field, value.trim());
                  setValue('');
                } catch (error) {
                  setFailure(describeError(t, error));
                } finally {
                  setBusy(false);
                }
              }}
            >
              {wt('mass.apply')}
            </Button>
            <Button onClick={onClose}>{wt('form.cancel')}</Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
