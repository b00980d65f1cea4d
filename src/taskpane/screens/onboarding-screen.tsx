import {
  Button,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  Spinner,
  Text,
  Textarea,
  Subtitle1,
  Title3,
} from '@fluentui/react-components';
import { useEffect, useState, type ReactNode } from 'react';
import { ApiError, onboardingApi, type Api, type CodeSent } from '../api-client';
import { describeError, formatDate, formatTime, isMessageKey, useLocale, useT } from '../i18n';
import type { InvitationPreview, OnboardingState } from '../onboarding';
import { useAction } from '../use-action';
import { AssociatePanel, wrongCodeMessage } from './associate-panel';
import { ErrorBar } from './error-bar';
import { TermsAcceptance } from './terms-acceptance';

export interface OnboardingScreenProps {
  api: Api;
  state: OnboardingState;
  /** The token of an invitation link (`#/invite/<token>`), when the app was opened from one. */
  inviteToken?: string | undefined;
  userName: string;
  /** The user became a member: load the app. */
  onJoined: () => void;
  /** Ask the server again (e.g. whether a pending request was answered). */
  onReload: () => void;
  onSignOut: () => void;
}

/** What a signed-in Microsoft 365 user who is not a member sees, after `GET /api/onboarding`. */
export function OnboardingScreen(props: OnboardingScreenProps) {
  const t = useT();
  const [associating, setAssociating] = useState<'ask' | 'prove' | false>(false);
  const [askingAgain, setAskingAgain] = useState(false);
  const { state, inviteToken } = props;

  const associate =
    state.state === 'deactivated' || state.state === 'existing_account' ? null : (
      <Button appearance="subtle" onClick={() => setAssociating('ask')}>
        {t('associate.open')}
      </Button>
    );

  let body: ReactNode;
  if (associating) {
    body = (
      <AssociatePanel
        api={props.api}
        onJoined={props.onJoined}
        onBack={() => setAssociating(false)}
        intro={
          associating === 'prove'
            ? { title: t('onboarding.proveAddress.title'), body: t('onboarding.proveAddress.body') }
            : undefined
        }
      />
    );
  } else if (inviteToken || state.state === 'invited') {
    body = <AcceptInvitation {...props} footer={associate} />;
  } else {
    switch (state.state) {
      case 'install':
        body = <Install {...props} footer={associate} onProveAddress={() => setAssociating('prove')} />;
        break;
      case 'admin_required':
        body = (
          <Panel title={t('onboarding.adminRequired.title')} footer={associate}>
            <Text as="p">{t('onboarding.adminRequired.body')}</Text>
          </Panel>
        );
        break;
      case 'request_to_join':
        body = state.request ? (
          <Pending org={state.org.name} since={state.request.createdAt} onReload={props.onReload} />
        ) : state.declined && !askingAgain ? (
          <Declined
            org={state.org.name}
            declined={state.declined}
            onAskAgain={() => setAskingAgain(true)}
            footer={associate}
          />
        ) : (
          <RequestToJoin {...props} org={state.org.name} footer={associate} />
        );
        break;
      case 'existing_account':
        body = <EnterExisting api={props.api} onJoined={props.onJoined} />;
        break;
      case 'deactivated':
        body = (
          <MessageBar intent="warning">
            <MessageBarBody>{t('onboarding.deactivated')}</MessageBarBody>
          </MessageBar>
        );
        break;
      case 'member':
        // Membership arrived between the two calls: offer to load the app rather than loop.
        body = <Button onClick={props.onJoined}>{t('retry')}</Button>;
        break;
    }
  }

  return (
    <main className="tandem-shell">
      <header className="tandem-header">
        <Title3 as="h1">{t('app.title')}</Title3>
        <Text size={200}>{t('onboarding.signedInAs', { name: props.userName })}</Text>
      </header>
      {body}
      <div className="tandem-actions">
        <Button appearance="subtle" onClick={props.onSignOut}>
          {t('account.signOut')}
        </Button>
      </div>
    </main>
  );
}

function Panel({ title, children, footer }: { title: string; children: ReactNode; footer?: ReactNode }) {
  return (
    <section className="tandem-screen" aria-label={title}>
      <Subtitle1 as="h2">{title}</Subtitle1>
      {children}
      {footer}
    </section>
  );
}

type Step = OnboardingScreenProps & { footer: ReactNode };

function Install({ api, state, onJoined, footer, onProveAddress }: Step & { onProveAddress: () => void }) {
  const t = useT();
  const { busy, error, run } = useAction();
  const [accepted, setAccepted] = useState(false);
  const [orgName, setOrgName] = useState('');
  const install = async () => {
    const outcome = await run(async () => {
      try {
        await onboardingApi(api).install({
          acceptTerms: true,
          termsVersion: state.termsVersion,
          ...(orgName.trim() ? { orgName: orgName.trim() } : {}),
        });
        return 'joined' as const;
      } catch (e) {
        // An account on the user's address that their sign-in cannot vouch for: a code proves it.
        if (e instanceof ApiError && e.code === 'email_unconfirmed') return 'prove' as const;
        throw e;
      }
    });
    if (outcome === 'joined') onJoined();
    else if (outcome === 'prove') onProveAddress();
  };
  return (
    <Panel title={t('onboarding.install.title')} footer={footer}>
      <Text as="p">{t('onboarding.install.body')}</Text>
      <Field label={t('onboarding.install.orgName')}>
        <Input value={orgName} maxLength={120} onChange={(_, d) => setOrgName(d.value)} />
      </Field>
      <TermsAcceptance version={state.termsVersion} accepted={accepted} onChange={setAccepted} />
      <ErrorBar message={error} />
      <Button appearance="primary" disabled={!accepted || busy} onClick={() => void install()}>
        {t('onboarding.install.button')}
      </Button>
    </Panel>
  );
}

/** The link's invitation as the server has it: `undefined` while asked, `null` when the link is unknown. */
function useInvitationPreview(api: Api, token: string | undefined) {
  const t = useT();
  const [preview, setPreview] = useState<InvitationPreview | null>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    if (!token) return;
    let live = true;
    setPreview(undefined);
    onboardingApi(api)
      .previewInvitation(token)
      .then(
        (answer) => live && setPreview(answer),
        (e: unknown) => {
          if (!live) return;
          // A link the server does not know: a re-invite replaced its token, or it never existed.
          if (e instanceof ApiError && e.status === 404) setPreview(null);
          else setError(describeError(t, e));
        },
      );
    return () => {
      live = false;
    };
  }, [api, token, t]);
  return { preview, error };
}

function AcceptInvitation({ api, state, inviteToken, onJoined, footer }: Step) {
  const t = useT();
  const locale = useLocale();
  const { busy, error, setError, run } = useAction();
  const [accepted, setAccepted] = useState(false);
  const link = useInvitationPreview(api, inviteToken);
  // A code mailed to the invitation's address, when the sign-in alone cannot vouch for it.
  const [sent, setSent] = useState<CodeSent>();
  const [code, setCode] = useState('');
  // The invitation addressed to the signed-in user, found by their email (no link needed).
  const byEmail = state.state === 'invited' ? state.invitation : undefined;
  const replaced = inviteToken !== undefined && link.preview === null;
  const needsCode = Boolean(inviteToken && link.preview?.proof === 'code');
  const sendCode = async () => {
    if (!inviteToken) return;
    const answer = await run(() => onboardingApi(api).requestInvitationCode(inviteToken, locale));
    if (answer) {
      setSent(answer);
      setCode('');
    }
  };
  const accept = async () => {
    const outcome = await run(async () => {
      try {
        await onboardingApi(api).accept({
          acceptTerms: true,
          termsVersion: state.termsVersion,
          // A replaced link's token is dead: accept the newer invitation by email instead.
          ...(inviteToken && !replaced ? { token: inviteToken } : {}),
          ...(needsCode ? { code } : {}),
        });
        return { joined: true as const };
      } catch (e) {
        const message = needsCode ? wrongCodeMessage(t, e) : undefined;
        if (message === undefined) throw e;
        return { joined: false as const, message };
      }
    });
    if (outcome?.joined) onJoined();
    else if (outcome) setError(outcome.message);
  };

  if (inviteToken && link.error) {
    return (
      <Panel title={t('onboarding.invitedByLink.title')} footer={footer}>
        <ErrorBar message={link.error} />
      </Panel>
    );
  }
  if (inviteToken && link.preview === undefined) return <Spinner label={t('app.loading')} />;
  if (replaced && !byEmail) {
    return (
      <Panel title={t('onboarding.replaced.title')} footer={footer}>
        <MessageBar intent="warning">
          <MessageBarBody>{t('onboarding.replaced.none')}</MessageBarBody>
        </MessageBar>
      </Panel>
    );
  }
  const problem = link.preview?.problem;
  if (problem) {
    const key = `error.code.${problem}`;
    return (
      <Panel title={t('onboarding.invited.title', { org: link.preview!.org.name })} footer={footer}>
        <MessageBar intent="warning">
          <MessageBarBody>{isMessageKey(key) ? t(key) : t('onboarding.invitation.problem')}</MessageBarBody>
        </MessageBar>
      </Panel>
    );
  }
  const invitation = link.preview ?? byEmail;
  return (
    <Panel
      title={
        replaced
          ? t('onboarding.replaced.title')
          : invitation
            ? t('onboarding.invited.title', { org: invitation.org.name })
            : t('onboarding.invitedByLink.title')
      }
      footer={footer}
    >
      {replaced && byEmail ? (
        <MessageBar intent="info">
          <MessageBarBody>
            {t('onboarding.replaced.newer', {
              org: byEmail.org.name,
              date: formatDate(locale, byEmail.expiresAt, true),
            })}
          </MessageBarBody>
        </MessageBar>
      ) : (
        invitation && (
          <Text as="p">
            {t('onboarding.invited.expires', { date: formatDate(locale, invitation.expiresAt, true) })}
          </Text>
        )
      )}
      {needsCode && link.preview ? (
        <ProveByCode
          email={link.preview.email ?? ''}
          sent={sent}
          code={code}
          onCode={setCode}
          busy={busy}
          onSend={() => void sendCode()}
        />
      ) : null}
      {!needsCode || sent ? (
        <>
          <TermsAcceptance version={state.termsVersion} accepted={accepted} onChange={setAccepted} />
          <ErrorBar message={error} />
          <Button
            appearance="primary"
            disabled={!accepted || busy || (needsCode && code.length !== 6)}
            onClick={() => void accept()}
          >
            {t('onboarding.invited.button')}
          </Button>
        </>
      ) : (
        <ErrorBar message={error} />
      )}
    </Panel>
  );
}

/**
 * The invitation's address proven by a one-time code mailed to it: why, send it, then type it in
 * (the accept button sends it along).
 */
function ProveByCode({
  email,
  sent,
  code,
  onCode,
  busy,
  onSend,
}: {
  email: string;
  sent: { email: string; expiresAt: string } | undefined;
  code: string;
  onCode: (code: string) => void;
  busy: boolean;
  onSend: () => void;
}) {
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <MessageBar intent="info" layout="multiline">
        <MessageBarBody>{t('onboarding.proof.why', { email })}</MessageBarBody>
      </MessageBar>
      {!sent ? (
        <Button appearance="primary" disabled={busy} onClick={onSend}>
          {t('onboarding.proof.send')}
        </Button>
      ) : (
        <>
          <Text as="p" role="status">
            {t('onboarding.proof.sent', { email: sent.email, time: formatTime(locale, sent.expiresAt) })}
          </Text>
          <Field label={t('onboarding.proof.code')} required>
            <Input
              value={code}
              inputMode="numeric"
              autoComplete="one-time-code"
              maxLength={6}
              onChange={(_, d) => onCode(d.value.replace(/\D/g, ''))}
            />
          </Field>
          <Button appearance="secondary" disabled={busy} onClick={onSend}>
            {t('onboarding.proof.resend')}
          </Button>
        </>
      )}
    </>
  );
}

function RequestToJoin({ api, state, org, onReload, footer }: Step & { org: string }) {
  const t = useT();
  const locale = useLocale();
  const { busy, error, run } = useAction();
  const [accepted, setAccepted] = useState(false);
  const [message, setMessage] = useState('');
  const request = async () => {
    const done = await run(() =>
      onboardingApi(api).requestToJoin({
        acceptTerms: true,
        termsVersion: state.termsVersion,
        language: locale,
        ...(message.trim() ? { message: message.trim() } : {}),
      }),
    );
    if (done) onReload();
  };
  return (
    <Panel title={t('onboarding.join.title', { org })} footer={footer}>
      <Text as="p">{t('onboarding.join.body')}</Text>
      <Field label={t('onboarding.join.message')}>
        <Textarea value={message} maxLength={500} onChange={(_, d) => setMessage(d.value)} />
      </Field>
      <TermsAcceptance version={state.termsVersion} accepted={accepted} onChange={setAccepted} />
      <ErrorBar message={error} />
      <Button appearance="primary" disabled={!accepted || busy} onClick={() => void request()}>
        {t('onboarding.join.button')}
      </Button>
    </Panel>
  );
}

function Pending({ org, since, onReload }: { org: string; since: string; onReload: () => void }) {
  const t = useT();
  const locale = useLocale();
  return (
    <Panel title={t('onboarding.pending.title', { org })}>
      <Text as="p">{t('onboarding.pending.body', { date: formatDate(locale, since, true) })}</Text>
      <Button onClick={onReload}>{t('onboarding.pending.check')}</Button>
    </Panel>
  );
}

function Declined({
  org,
  declined,
  onAskAgain,
  footer,
}: {
  org: string;
  declined: { createdAt: string; decidedAt: string };
  onAskAgain: () => void;
  footer: ReactNode;
}) {
  const t = useT();
  const locale = useLocale();
  return (
    <Panel title={t('onboarding.declined.title', { org })} footer={footer}>
      <Text as="p">
        {t('onboarding.declined.body', {
          asked: formatDate(locale, declined.createdAt),
          date: formatDate(locale, declined.decidedAt),
        })}
      </Text>
      <Button onClick={onAskAgain}>{t('onboarding.declined.again')}</Button>
    </Panel>
  );
}

/** A CRM account already exists on the user's own email: go straight into it. */
function EnterExisting({ api, onJoined }: { api: Api; onJoined: () => void }) {
  const t = useT();
  const { error, run } = useAction();
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let live = true;
    void run(() => onboardingApi(api).enter()).then((done) => {
      if (done && live) onJoined();
    });
    return () => {
      live = false;
    };
  }, [api, onJoined, run, attempt]);
  if (!error) return <Spinner label={t('onboarding.entering')} />;
  return (
    <>
      <ErrorBar message={error} />
      <Button onClick={() => setAttempt((n) => n + 1)}>{t('retry')}</Button>
    </>
  );
}
