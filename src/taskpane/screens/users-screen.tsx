import {
  Badge,
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Dropdown,
  MessageBar,
  MessageBarBody,
  Option,
  Spinner,
  Text,
  Subtitle2,
} from '@fluentui/react-components';
import { useCallback, useEffect, useState } from 'react';
import type { Api } from '../api-client';
import type { Directory } from '../directory';
import { describeError, formatDate, useLocale, useT } from '../i18n';
import type { Me } from '../me';
import type { Invitation, InviteResult, Invitee, JoinRequest, Member, Profile } from '../onboarding';
import { useAction } from '../use-action';
import { ApproveDialog } from './approve-dialog';
import { ErrorBar } from './error-bar';
import { NewUserDialog } from './new-user-dialog';
import { UserPickerDialog } from './user-picker-dialog';

export interface UsersScreenProps {
  api: Api;
  directory: Directory;
  me: Me;
  /** A join request to open "Approve and add" for (the approval email's link). */
  approveRequestId?: string | undefined;
  onApproveClosed?: () => void;
}

interface UsersData {
  members: Member[];
  profiles: Profile[];
  invitations: Invitation[];
  requests: JoinRequest[];
}

type OpenDialog =
  | { kind: 'picker' }
  | { kind: 'new-user' }
  | { kind: 'approve'; requestId: string }
  | { kind: 'deactivate'; member: Member };

/** Users (needs "manage users"): members, pending invitations and requests to join, and inviting. */
export function UsersScreen({ api, directory, me, approveRequestId, onApproveClosed }: UsersScreenProps) {
  const t = useT();
  const locale = useLocale();
  const [data, setData] = useState<UsersData>();
  const [loadError, setLoadError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [dialog, setDialog] = useState<OpenDialog | null>(null);
  const action = useAction();
  const free = me.org.edition === 'free';

  const reload = useCallback(async () => {
    try {
      const list = <T,>(path: string) => api.get<{ items: T[] }>(path).then((r) => r.items);
      const [members, profiles, invitations, requests] = await Promise.all([
        list<Member>('/api/users'),
        list<Profile>('/api/profiles'),
        list<Invitation>('/api/invitations'),
        list<JoinRequest>('/api/join-requests'),
      ]);
      setData({ members, profiles, invitations, requests });
      setLoadError(undefined);
    } catch (e) {
      setLoadError(describeError(t, e));
    }
  }, [api, t]);

  useEffect(() => {
    void reload();
  }, [reload]);

  useEffect(() => {
    if (approveRequestId) setDialog({ kind: 'approve', requestId: approveRequestId });
  }, [approveRequestId]);

  const closeDialog = () => {
    if (dialog?.kind === 'approve') onApproveClosed?.();
    setDialog(null);
  };

  /** Runs an action on a row, then says what happened and refreshes the lists. */
  const act = async (work: () => Promise<unknown>, done: string) => {
    setNotice(undefined);
    const ok = await action.run(async () => {
      await work();
      return true;
    });
    if (ok) {
      setNotice(done);
      await reload();
    }
  };

  const invite = async (invitees: Invitee[]) => {
    // Errors (e.g. the free edition's refusal) stay in the dialog that asked.
    const result = await api.post<InviteResult>('/api/invitations', { invitees, language: locale });
    const parts = [t('users.invited', { count: String(result.invited.length) })];
    if (result.skipped.length > 0) {
      const list = result.skipped.map((s) => t(`users.skip.${s.reason}`, { email: s.email })).join(', ');
      parts.push(t('users.skipped', { list }));
    }
    setNotice(parts.join(' '));
    setDialog(null);
    await reload();
  };

  const approve = async (request: JoinRequest, profileId: string) => {
    await api.post(`/api/join-requests/${request.id}/approve`, { profileId });
    setNotice(t('users.approved', { name: request.displayName }));
    closeDialog();
    await reload();
  };

  if (loadError && !data) {
    return (
      <section className="tandem-screen" aria-label={t('users.title')}>
        <ErrorBar message={loadError} />
        <Button onClick={() => void reload()}>{t('retry')}</Button>
      </section>
    );
  }
  if (!data) return <Spinner className="tandem-screen" label={t('app.loading')} />;

  const approving =
    dialog?.kind === 'approve' ? (data.requests.find((r) => r.id === dialog.requestId) ?? null) : undefined;

  return (
    <section className="tandem-screen" aria-label={t('users.title')}>
      {free && (
        <MessageBar intent="warning">
          <MessageBarBody>{t('users.freeEdition')}</MessageBarBody>
        </MessageBar>
      )}
      <div className="tandem-actions">
        <Button appearance="primary" disabled={free} onClick={() => setDialog({ kind: 'picker' })}>
          {t('users.inviteM365')}
        </Button>
        <Button disabled={free} onClick={() => setDialog({ kind: 'new-user' })}>
          {t('users.newUser')}
        </Button>
      </div>
      {notice && (
        <MessageBar intent="success" role="status">
          <MessageBarBody>{notice}</MessageBarBody>
        </MessageBar>
      )}
      <ErrorBar message={action.error ?? loadError} />

      <Subtitle2 as="h2">{t('users.requests')}</Subtitle2>
      {data.requests.length === 0 ? (
        <Text>{t('users.none')}</Text>
      ) : (
        <ul className="tandem-list" aria-label={t('users.requests')}>
          {data.requests.map((r) => (
            <li key={r.id} className="tandem-row">
              <span className="tandem-person">
                <Text weight="semibold">{r.displayName}</Text>
                <Text size={200}>{r.email}</Text>
                {r.message && (
                  <Text size={200} italic>
                    {r.message}
                  </Text>
                )}
              </span>
              <span className="tandem-row-actions">
                <Button
                  appearance="primary"
                  size="small"
                  onClick={() => setDialog({ kind: 'approve', requestId: r.id })}
                >
                  {t('users.approve')}
                </Button>
                <Button
                  size="small"
                  disabled={action.busy}
                  onClick={() =>
                    void act(
                      () => api.post(`/api/join-requests/${r.id}/reject`),
                      t('users.rejected', { name: r.displayName }),
                    )
                  }
                >
                  {t('users.reject')}
                </Button>
              </span>
            </li>
          ))}
        </ul>
      )}

      <Subtitle2 as="h2">{t('users.invitations')}</Subtitle2>
      {data.invitations.length === 0 ? (
        <Text>{t('users.none')}</Text>
      ) : (
        <ul className="tandem-list" aria-label={t('users.invitations')}>
          {data.invitations.map((i) => (
            <li key={i.id} className="tandem-row">
              <span className="tandem-person">
                <Text weight="semibold">{i.displayName ?? i.email}</Text>
                {i.displayName && <Text size={200}>{i.email}</Text>}
                <Text size={200}>
                  {t('users.invitation.sent', { date: formatDate(locale, i.sentAt) })}
                  {' · '}
                  {i.expired
                    ? t('users.invitation.expired')
                    : t('users.invitation.expires', { date: formatDate(locale, i.expiresAt) })}
                </Text>
              </span>
              <span className="tandem-row-actions">
                <Button
                  size="small"
                  disabled={action.busy || free}
                  aria-label={`${t('users.resend')}: ${i.email}`}
                  onClick={() =>
                    void act(
                      () => api.post(`/api/invitations/${i.id}/resend`),
                      t('users.resent', { email: i.email }),
                    )
                  }
                >
                  {t('users.resend')}
                </Button>
                <Button
                  size="small"
                  disabled={action.busy}
                  aria-label={`${t('users.revoke')}: ${i.email}`}
                  onClick={() =>
                    void act(
                      () => api.delete(`/api/invitations/${i.id}`),
                      t('users.revoked', { email: i.email }),
                    )
                  }
                >
                  {t('users.revoke')}
                </Button>
              </span>
            </li>
          ))}
        </ul>
      )}

      <Subtitle2 as="h2">{t('users.members')}</Subtitle2>
      <ul className="tandem-list" aria-label={t('users.members')}>
        {data.members.map((m) => {
          const self = m.id === me.user.id;
          const locked = self || m.isSuperAdmin;
          return (
            <li key={m.id} className="tandem-row">
              <span className="tandem-person">
                <Text weight="semibold">
                  {m.displayName}
                  {self ? ` (${t('users.you')})` : ''}
                </Text>
                <Text size={200}>{m.email}</Text>
                <span className="tandem-badges">
                  <Badge
                    appearance="tint"
                    color={m.status === 'active' ? 'success' : 'subtle'}
                    shape="rounded"
                  >
                    {t(m.status === 'active' ? 'users.status.active' : 'users.status.deactivated')}
                  </Badge>
                  {m.isSuperAdmin && (
                    <Badge appearance="tint" color="brand" shape="rounded">
                      {t('users.superAdmin')}
                    </Badge>
                  )}
                </span>
              </span>
              <span className="tandem-row-actions">
                <Dropdown
                  size="small"
                  className="tandem-profile"
                  aria-label={t('users.profileOf', { name: m.displayName })}
                  value={m.profile.name}
                  selectedOptions={[m.profile.id]}
                  disabled={locked || action.busy}
                  onOptionSelect={(_, d) => {
                    const profile = data.profiles.find((p) => p.id === d.optionValue);
                    if (!profile || profile.id === m.profile.id) return;
                    void act(
                      () => api.patch(`/api/users/${m.id}`, { profileId: profile.id }),
                      t('users.profileChanged', { name: m.displayName, profile: profile.name }),
                    );
                  }}
                >
                  {data.profiles.map((p) => (
                    <Option key={p.id} value={p.id}>
                      {p.name}
                    </Option>
                  ))}
                </Dropdown>
                {m.status === 'active' ? (
                  <Button
                    size="small"
                    disabled={locked || action.busy}
                    aria-label={`${t('users.deactivate')}: ${m.displayName}`}
                    onClick={() => setDialog({ kind: 'deactivate', member: m })}
                  >
                    {t('users.deactivate')}
                  </Button>
                ) : (
                  <Button
                    size="small"
                    disabled={action.busy}
                    aria-label={`${t('users.reactivate')}: ${m.displayName}`}
                    onClick={() =>
                      void act(
                        () => api.post(`/api/users/${m.id}/reactivate`),
                        t('users.reactivated', { name: m.displayName }),
                      )
                    }
                  >
                    {t('users.reactivate')}
                  </Button>
                )}
              </span>
            </li>
          );
        })}
      </ul>

      {dialog?.kind === 'picker' && (
        <UserPickerDialog directory={directory} onInvite={invite} onClose={closeDialog} />
      )}
      {dialog?.kind === 'new-user' && <NewUserDialog onInvite={invite} onClose={closeDialog} />}
      {approving !== undefined && (
        <ApproveDialog
          request={approving}
          profiles={data.profiles}
          onApprove={approve}
          onClose={closeDialog}
        />
      )}
      {dialog?.kind === 'deactivate' && (
        <Dialog open modalType="alert" onOpenChange={(_, d) => !d.open && closeDialog()}>
          <DialogSurface>
            <DialogBody>
              <DialogTitle>{t('users.deactivate.title', { name: dialog.member.displayName })}</DialogTitle>
              <DialogContent>{t('users.deactivate.body', { name: dialog.member.displayName })}</DialogContent>
              <DialogActions>
                <Button
                  appearance="primary"
                  onClick={() => {
                    const member = dialog.member;
                    closeDialog();
                    void act(
                      () => api.post(`/api/users/${member.id}/deactivate`),
                      t('users.deactivated', { name: member.displayName }),
                    );
                  }}
                >
                  {t('users.deactivate')}
                </Button>
                <Button onClick={closeDialog}>{t('cancel')}</Button>
              </DialogActions>
            </DialogBody>
          </DialogSurface>
        </Dialog>
      )}
    </section>
  );
}
