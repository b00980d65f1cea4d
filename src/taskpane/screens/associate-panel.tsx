import { Button, Field, Input, Text, Subtitle1 } from '@fluentui/react-components';
import { useState } from 'react';
import type { Api } from '../api-client';
import { formatTime, useLocale, useT } from '../i18n';
import { useAction } from '../use-action';
import { ErrorBar } from './error-bar';

export interface AssociatePanelProps {
  api: Api;
  onJoined: () => void;
  onBack: () => void;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** "Associate my account": email → one-time code sent there → the identity joins that account. */
export function AssociatePanel({ api, onJoined, onBack }: AssociatePanelProps) {
  const t = useT();
  const locale = useLocale();
  const { busy, error, run } = useAction();
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState<{ email: string; expiresAt: string }>();
  const [code, setCode] = useState('');

  const sendCode = async () => {
    const answer = await run(() =>
      api.post<{ email: string; expiresAt: string }>('/api/onboarding/associate/code', {
        email: email.trim(),
        language: locale,
      }),
    );
    if (answer) {
      setSent(answer);
      setCode('');
    }
  };

  const verify = async () => {
    const joined = await run(() => api.post('/api/onboarding/associate/verify', { code }));
    if (joined) onJoined();
  };

  return (
    <section className="tandem-screen" aria-labelledby="associate-title">
      <Subtitle1 as="h2" id="associate-title">
        {t('associate.title')}
      </Subtitle1>
      <Text as="p">{t('associate.body')}</Text>
      {!sent ? (
        <form
          className="tandem-form"
          onSubmit={(e) => {
            e.preventDefault();
            void sendCode();
          }}
        >
          <Field label={t('associate.email')} required>
            <Input type="email" value={email} onChange={(_, d) => setEmail(d.value)} autoComplete="email" />
          </Field>
          <ErrorBar message={error} />
          <div className="tandem-actions">
            <Button appearance="primary" type="submit" disabled={busy || !EMAIL.test(email.trim())}>
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
