import { Button, MessageBar, MessageBarBody, Spinner } from '@fluentui/react-components';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { userAdmin, type Api } from '../api-client';
import type { Directory } from '../directory';
import { describeError, profileName, useLocale, useT } from '../i18n';
import type { Me } from '../me';
import type { Invitation, Invitee, JoinRequest, JoinRequestDetail, Member, Profile } from '../onboarding';
import { useAction } from '../use-action';
import { ApproveDialog } from './approve-dialog';
import { ConfirmDialog } from './confirm-dialog';
import { ErrorBar } from './error-bar';
import { InvitationsList } from './invitations-list';
import { JoinRequestsList } from './join-requests-list';
import { MembersList } from './members-list';
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
  const users = useMemo(() => userAdmin(api), [api]);

  const reload = useCallback(async () => {
    try {
      const [members, profiles, invitations, requests] = await Promise.all([
        users.members(),
        users.profiles(),
        users.invitations(),
        users.joinRequests(),
      ]);
      setData({ members, profiles, invitations, requests });
      setLoadError(undefined);
    } catch (e) {
      setLoadError(describeError(t, e));
    }
  }, [users, t]);

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
    users.joinRequest(approveRequestId).then(
      (detail) => live && setApproveDetail(approveRequestId, detail),
      () => live && setApproveDetail(approveRequestId, null),
    );
    return () => {
      live = false;
    };
  }, [users, approveRequestId]);

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
    const result = await users.invite(invitees, locale);
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
      await users.approve(request.id, profileId);
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
        <JoinRequestsList
          requests={data.requests}
          busy={action.busy}
          onApprove={(r) =>
            setDialog({
              kind: 'approve',
              requestId: r.id,
              detail: { ...r, status: 'pending', decidedAt: null, decidedBy: null },
            })
          }
          onReject={(r) =>
            confirm({
              title: t('users.reject.title', { name: r.displayName }),
              body: t('users.reject.body', { name: r.displayName }),
              confirmLabel: t('users.reject'),
              work: () => users.reject(r.id),
              done: t('users.rejected', { name: r.displayName }),
            })
          }
        />
        <InvitationsList
          invitations={data.invitations}
          busy={action.busy}
          free={free}
          onResend={(i) =>
            void act(() => users.resendInvitation(i.id), t('users.resent', { email: i.email }))
          }
          onRevoke={(i) =>
            confirm({
              title: t('users.revoke.title', { email: i.email }),
              body: t('users.revoke.body', { email: i.email }),
              confirmLabel: t('users.revoke'),
              work: () => users.revokeInvitation(i.id),
              done: t('users.revoked', { email: i.email }),
            })
          }
        />
        <MembersList
          members={data.members}
          profiles={data.profiles}
          selfId={me.user.id}
          busy={action.busy}
          onProfile={(m, profile) =>
            void act(
              () => users.setProfile(m.id, profile.id),
              t('users.profileChanged', { name: m.displayName, profile: profileName(t, profile.name) }),
            )
          }
          onDeactivate={(m) =>
            confirm({
              title: t('users.deactivate.title', { name: m.displayName }),
              body: t('users.deactivate.body', { name: m.displayName }),
              confirmLabel: t('users.deactivate'),
              work: () => users.deactivate(m.id),
              done: t('users.deactivated', { name: m.displayName }),
            })
          }
          onReactivate={(m) =>
            void act(() => users.reactivate(m.id), t('users.reactivated', { name: m.displayName }))
          }
        />
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
