import {
  Badge,
  Button,
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
import { describeError, formatDate, profileName, useLocale, useT } from '../i18n';
import type { Me } from '../me';
import type {
  Invitation,
  InviteResult,
  Invitee,
  JoinRequest,
  JoinRequestDetail,
  Member,
  Profile,
} from '../onboarding';
import { useAction } from '../use-action';
import { ApproveDialog } from './approve-dialog';
import { ConfirmDialog } from './confirm-dialog';
import { ErrorBar } from './error-bar';
import { NewUserDialog } from './new-user-dialog';
import { UserPickerDialog, type KnownPerson } from './user-picker-dialog';
import { UsersSyncHealth } from './users-sync-health';

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

/** An action that asks first: what the dialog says, and what runs on "yes". */
interface Confirmation {
  title: string;
  body: string;
  confirmLabel: string;
  work: () => Promise<unknown>;
  done: string;
}

type OpenDialog =
  | { kind: 'picker' }
  | { kind: 'new-user' }
  /** `detail` is undefined while the request is looked up, null when it does not exist. */
  | { kind: 'approve'; requestId: string; detail: JoinRequestDetail | null | undefined }
  | { kind: 'confirm'; confirmation: Confirmation };

/** Brings the lists up to date when the page is shown again or its link changes. */
const REFRESH_EVENTS = ['focus', 'hashchange'] as const;

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

  // Another administrator (or the invitee) may have acted since: refresh whenever the page is seen again.
  useEffect(() => {
    const refresh = () => {
      if (document.visibilityState !== 'hidden') void reload();
    };
    for (const event of REFRESH_EVENTS) window.addEventListener(event, refresh);
    document.addEventListener('visibilitychange', refresh);
    return () => {
      for (const event of REFRESH_EVENTS) window.removeEventListener(event, refresh);
      document.removeEventListener('visibilitychange', refresh);
    };
  }, [reload]);

  // The approval mail's link: ask the server about that very request, not the list loaded earlier.
  useEffect(() => {
    if (!approveRequestId) return;
    let live = true;
    setDialog({ kind: 'approve', requestId: approveRequestId, detail: undefined });
    api.get<JoinRequestDetail>(`/api/join-requests/${approveRequestId}`).then(
      (detail) => live && setApproveDetail(approveRequestId, detail),
      () => live && setApproveDetail(approveRequestId, null),
    );
    return () => {
      live = false;
    };
  }, [api, approveRequestId]);

  const setApproveDetail = (requestId: string, detail: JoinRequestDetail | null) =>
    setDialog((current) =>
      current?.kind === 'approve' && current.requestId === requestId ? { ...current, detail } : current,
    );

  const closeDialog = () => {
    if (dialog?.kind === 'approve') onApproveClosed?.();
    setDialog(null);
  };

  /** Runs an action on a row, says what happened, and refreshes the lists (after a failure too: it may be stale). */
  const act = async (work: () => Promise<unknown>, done: string) => {
    setNotice(undefined);
    const ok = await action.run(async () => {
      await work();
      return true;
    });
    if (ok) setNotice(done);
    await reload();
  };

  const confirm = (confirmation: Confirmation) => setDialog({ kind: 'confirm', confirmation });

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
    try {
      await api.post(`/api/join-requests/${request.id}/approve`, { profileId });
    } finally {
      await reload();
    }
    setNotice(t('users.approved', { name: request.displayName }));
    closeDialog();
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

  const known = new Map<string, KnownPerson>();
  for (const i of data.invitations) known.set(i.email.toLowerCase(), 'invited');
  for (const m of data.members) known.set(m.email.toLowerCase(), m.id === me.user.id ? 'you' : 'member');

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

      <div className="tandem-groups">
        <section className="tandem-group" aria-label={t('users.requests')}>
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
                      aria-label={`${t('users.approve')}: ${r.displayName}`}
                      onClick={() =>
                        setDialog({
                          kind: 'approve',
                          requestId: r.id,
                          detail: { ...r, status: 'pending', decidedAt: null, decidedBy: null },
                        })
                      }
                    >
                      {t('users.approve')}
                    </Button>
                    <Button
                      size="small"
                      disabled={action.busy}
                      aria-label={`${t('users.reject')}: ${r.displayName}`}
                      onClick={() =>
                        confirm({
                          title: t('users.reject.title', { name: r.displayName }),
                          body: t('users.reject.body', { name: r.displayName }),
                          confirmLabel: t('users.reject'),
                          work: () => api.post(`/api/join-requests/${r.id}/reject`),
                          done: t('users.rejected', { name: r.displayName }),
                        })
                      }
                    >
                      {t('users.reject')}
                    </Button>
                  </span>
                </li>
              ))}
            </ul>
          )}
        </section>

        <section className="tandem-group" aria-label={t('users.invitations')}>
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
                        confirm({
                          title: t('users.revoke.title', { email: i.email }),
                          body: t('users.revoke.body', { email: i.email }),
                          confirmLabel: t('users.revoke'),
                          work: () => api.delete(`/api/invitations/${i.id}`),
                          done: t('users.revoked', { email: i.email }),
                        })
                      }
                    >
                      {t('users.revoke')}
                    </Button>
                  </span>
                </li>
              ))}
            </ul>
          )}
        </section>

        <section className="tandem-group" aria-label={t('users.members')}>
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
                      value={profileName(t, m.profile.name)}
                      selectedOptions={[m.profile.id]}
                      disabled={locked || action.busy}
                      onOptionSelect={(_, d) => {
                        const profile = data.profiles.find((p) => p.id === d.optionValue);
                        if (!profile || profile.id === m.profile.id) return;
                        void act(
                          () => api.patch(`/api/users/${m.id}`, { profileId: profile.id }),
                          t('users.profileChanged', {
                            name: m.displayName,
                            profile: profileName(t, profile.name),
                          }),
                        );
                      }}
                    >
                      {data.profiles.map((p) => (
                        <Option key={p.id} value={p.id}>
                          {profileName(t, p.name)}
                        </Option>
                      ))}
                    </Dropdown>
                    {m.status === 'active' ? (
                      <Button
                        size="small"
                        disabled={locked || action.busy}
                        aria-label={`${t('users.deactivate')}: ${m.displayName}`}
                        onClick={() =>
                          confirm({
                            title: t('users.deactivate.title', { name: m.displayName }),
                            body: t('users.deactivate.body', { name: m.displayName }),
                            confirmLabel: t('users.deactivate'),
                            work: () => api.post(`/api/users/${m.id}/deactivate`),
                            done: t('users.deactivated', { name: m.displayName }),
                          })
                        }
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
        </section>

        <UsersSyncHealth api={api} />
      </div>

      {dialog?.kind === 'picker' && (
        <UserPickerDialog directory={directory} known={known} onInvite={invite} onClose={closeDialog} />
      )}
      {dialog?.kind === 'new-user' && <NewUserDialog onInvite={invite} onClose={closeDialog} />}
      {dialog?.kind === 'approve' && (
        <ApproveDialog
          request={dialog.detail}
          profiles={data.profiles}
          onApprove={approve}
          onClose={closeDialog}
        />
      )}
      {dialog?.kind === 'confirm' && (
        <ConfirmDialog
          open
          title={dialog.confirmation.title}
          confirmLabel={dialog.confirmation.confirmLabel}
          cancelLabel={t('cancel')}
          onCancel={closeDialog}
          onConfirm={() => {
            const { work, done } = dialog.confirmation;
            closeDialog();
            void act(work, done);
          }}
        >
          {dialog.confirmation.body}
        </ConfirmDialog>
      )}
    </section>
  );
}
