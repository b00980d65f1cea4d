import {
  Badge,
  Button,
  Checkbox,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  SearchBox,
  Spinner,
  Text,
} from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import type { Directory, DirectoryUser } from '../directory';
import { useT } from '../i18n';
import type { Invitee } from '../onboarding';
import { useAction } from '../use-action';
import { ErrorBar } from './error-bar';

/** Someone the organisation already knows: members (and you) cannot be invited; invitees can, again. */
export type KnownPerson = 'you' | 'member' | 'invited';

export interface UserPickerDialogProps {
  directory: Directory;
  /** By lower-case email. */
  known?: ReadonlyMap<string, KnownPerson>;
  onInvite: (invitees: Invitee[]) => Promise<void>;
  onClose: () => void;
  /** Wait after the last keystroke before searching. */
  debounceMs?: number;
}

/** "Microsoft 365 user": search the tenant's directory, page through it, pick several, invite them. */
export function UserPickerDialog({
  directory,
  known = new Map(),
  onInvite,
  onClose,
  debounceMs = 300,
}: UserPickerDialogProps) {
  const t = useT();
  const [query, setQuery] = useState('');
  const [users, setUsers] = useState<DirectoryUser[]>([]);
  const [nextLink, setNextLink] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [graphError, setGraphError] = useState<string>();
  const [selected, setSelected] = useState<Map<string, DirectoryUser>>(new Map());
  const invite = useAction();
  // "Show more" goes away on the last page: keyboard focus moves to the first person it added.
  const [focusId, setFocusId] = useState<string>();
  useEffect(() => {
    if (focusId) document.getElementById(focusId)?.focus();
  }, [focusId]);

  useEffect(() => {
    let live = true;
    setLoading(true);
    const timer = setTimeout(
      () => {
        directory.search(query).then(
          (page) => {
            if (!live) return;
            setUsers(page.users);
            setNextLink(page.nextLink);
            setGraphError(undefined);
            setLoading(false);
          },
          (e: unknown) => {
            if (!live) return;
            setGraphError(t('picker.graphFailed', { message: e instanceof Error ? e.message : String(e) }));
            setLoading(false);
          },
        );
      },
      query ? debounceMs : 0,
    );
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [directory, query, debounceMs, t]);

  const more = async () => {
    if (!nextLink) return;
    setLoading(true);
    try {
      const page = await directory.next(nextLink);
      const added = page.users.filter((u) => !users.some((c) => c.id === u.id));
      setUsers([...users, ...added]);
      setNextLink(page.nextLink);
      if (added[0]) setFocusId(checkboxId(added[0]));
    } catch (e) {
      setGraphError(t('picker.graphFailed', { message: e instanceof Error ? e.message : String(e) }));
    } finally {
      setLoading(false);
    }
  };

  const toggle = (user: DirectoryUser, on: boolean) =>
    setSelected((current) => {
      const next = new Map(current);
      if (on) next.set(user.id, user);
      else next.delete(user.id);
      return next;
    });

  const inviteSelected = () =>
    invite.run(() =>
      onInvite(
        [...selected.values()].map((u) => ({ email: u.email, displayName: u.displayName, msObjectId: u.id })),
      ),
    );

  return (
    <Dialog open modalType="modal" onOpenChange={(_, data) => !data.open && onClose()}>
      <DialogSurface aria-describedby={undefined}>
        <DialogBody>
          <DialogTitle>{t('picker.title')}</DialogTitle>
          <DialogContent className="tandem-dialog-content">
            <Field label={t('picker.search')}>
              <SearchBox value={query} onChange={(_, d) => setQuery(d.value)} />
            </Field>
            <ErrorBar message={graphError} />
            <div role="group" aria-label={t('picker.results')} className="tandem-picker-list">
              {users.map((u) => {
                const person = known.get(u.email.toLowerCase());
                const member = person === 'you' || person === 'member';
                return (
                  <Checkbox
                    key={u.id}
                    id={checkboxId(u)}
                    className="tandem-picker-row"
                    checked={!member && selected.has(u.id)}
                    disabled={member}
                    onChange={(_, d) => toggle(u, d.checked === true)}
                    label={
                      <span className="tandem-person">
                        <Text weight="semibold">{u.displayName}</Text>
                        <Text size={200}>{u.email}</Text>
                        {person && (
                          <span className="tandem-badges">
                            <Badge
                              appearance="tint"
                              color={member ? 'informative' : 'warning'}
                              shape="rounded"
                            >
                              {t(`picker.known.${person}`)}
                            </Badge>
                          </span>
                        )}
                      </span>
                    }
                  />
                );
              })}
              {!loading && !graphError && users.length === 0 && <Text>{t('picker.empty')}</Text>}
            </div>
            {loading && <Spinner size="tiny" label={t('app.loading')} />}
            {nextLink && (
              <Button disabledFocusable={loading} onClick={() => void more()}>
                {t('picker.more')}
              </Button>
            )}
            <Text role="status">{t('picker.selected', { count: String(selected.size) })}</Text>
            <ErrorBar message={invite.error} />
          </DialogContent>
          <DialogActions>
            <Button
              appearance="primary"
              disabled={invite.busy || selected.size === 0}
              onClick={() => void inviteSelected()}
            >
              {t('picker.invite')}
            </Button>
            <Button onClick={onClose}>{t('cancel')}</Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}

const checkboxId = (user: DirectoryUser) => `picker-${user.id}`;
