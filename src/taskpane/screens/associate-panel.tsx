import { Button, Field, Input, Text, Subtitle1 } from '@fluentui/react-components';
import { useState } from 'react';
import { ApiError, onboardingApi, type Api, type CodeSent } from '../api-client';
import { formatTime, useLocale, useT, type Translate } from '../i18n';
import { useAction } from '../use-action';
import { ErrorBar } from './error-bar';

export interface AssociatePanelProps {
  api: Api;
  onJoined: () => void;
  onBack: () => void;
  /** Why the panel opened, when the server asked for the address to be proven (instead of the usual intro). */
  intro?: { title: string; body: string } | undefined;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** "Associate my account": email → one-time code sent there → the identity joins that account. */
export function AssociatePanel({ api, onJoined, onBack, intro }: AssociatePanelProps) {
  const t = useT();
  const locale = useLocale();
  const { busy, error, setError, run } = useAction();
  const [email, setEmail] = useState('');
  const [touched, setTouched] = useState(false);
  const validEmail = EMAIL.test(email.trim());
  const [sent, setSent] = useState<CodeSent>();
  const [code, setCode] = useState('');

  const sendCode = async () => {
    const answer = await run(() => onboardingApi(api).requestAssociationCode(email.trim(), locale));
    if (answer) {
      setSent(answer);
      setCode('');
    }
  };

  const verify = async () => {
    const outcome = await run(async () => {
      try {
        await onboardingApi(api).verifyAssociationCode(code);
        return { joined: true as const };
      } catch (e) {
        const message = wrongCodeMessage(t, e);
        if (message === undefined) throw e;
        return { joined: false as const, message };
      }
    });
    if (outcome?.joined) onJoined();
    else if (outcome) setError(outcome.message);
  };

  return (
    <section className="tandem-screen" aria-labelledby="associate-title">
      <Subtitle1 as="h2" id="associate-title">
        {intro?.title ?? t('associate.title')}
      </Subtitle1>
      <Text as="p">{intro?.body ?? t('associate.body')}</Text>
      {!sent ? (
        <form
          className="tandem-form"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            setTouched(true);
            if (validEmail) void sendCode();
          }}
        >
          <Field
            label={t('associate.email')}
            required
            validationMessage={touched && !validEmail ? t('associate.invalidEmail') : undefined}
          >
            <Input
              type="email"
              value={email}
              onChange={(_, d) => setEmail(d.value)}
              onBlur={() => setTouched(email.trim() !== '')}
              autoComplete="email"
            />
          </Field>
          <ErrorBar message={error} />
          <div className="tandem-actions">
            <Button appearance="primary" type="submit" disabled={busy}>
              {t('associate.send')}
            </Button>
            <Button onClick={onBack}>{t('back')}</Button>
          </div>
        </form>
      ) : (
        <form
          className="tandem-form"
          onSubmit={(e) => {
            e.preventDefault();
            void verify();
          }}
        >
          <Text as="p" role="status">
            {t('associate.sent', { email: sent.email, time: formatTime(locale, sent.expiresAt) })}
          </Text>
          <Field label={t('associate.code')} required>
            <Input
              value={code}
              inputMode="numeric"
              autoComplete="one-time-code"
              maxLength={6}
              onChange={(_, d) => setCode(d.value.replace(/\D/g, ''))}
            />
          </Field>
          <ErrorBar message={error} />
          <div className="tandem-actions">
            <Button appearance="primary" type="submit" disabled={busy || code.length !== 6}>
              {t('associate.verify')}
            </Button>
            <Button onClick={() => void sendCode()} disabled={busy}>
              {t('associate.resend')}
            </Button>
            <Button onClick={onBack}>{t('back')}</Button>
          </div>
        </form>
      )}
    </section>
  );
}

/**
 * What a refused one-time code means for the user: a wrong code says how many tries are left, a
 * used-up code says to send a new one. `undefined` for any other error.
 */
export function wrongCodeMessage(t: Translate, e: unknown): string | undefined {
  if (!(e instanceof ApiError)) return undefined;
  const left = e.details.attemptsLeft;
  if (e.code === 'code_invalid' && typeof left === 'number') {
    return left > 0 ? t('associate.wrongCode', { left: String(left) }) : t('associate.lastTry');
  }
  if (e.code === 'too_many_requests') return t('associate.noTriesLeft');
  return undefined;
}
