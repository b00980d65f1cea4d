import { Button, Text } from '@fluentui/react-components';
import type { Me } from '../me';
import { useT } from '../i18n';

export function AccountScreen({ me, onSignOut }: { me: Me; onSignOut: () => void }) {
  const t = useT();
  return (
    <section className="tandem-screen" aria-label={t('nav.account')}>
      <Text weight="semibold">
        {t('account.signedInAs', { name: `${me.user.displayName} <${me.user.email}>` })}
      </Text>
      <dl className="tandem-facts">
        <dt>{t('account.organisation')}</dt>
        <dd>{me.org.name}</dd>
        <dt>{t('account.edition')}</dt>
        <dd>{me.org.edition === 'paid' ? t('edition.paid') : t('edition.free')}</dd>
        <dt>{t('account.profile')}</dt>
        <dd>{me.user.profile}</dd>
      </dl>
      <Button onClick={onSignOut}>{t('account.signOut')}</Button>
    </section>
  );
}
