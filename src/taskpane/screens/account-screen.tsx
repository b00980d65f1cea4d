import { Button, Dropdown, Field, Option, Subtitle2, Text } from '@fluentui/react-components';
import type { Me } from '../me';
import { profileName, useT, type Locale } from '../i18n';
import type { ThemeChoice } from '../preferences';

/** The web app's own language and theme switch (in Outlook, Outlook's settings decide). */
export interface DisplaySettings {
  locale: Locale;
  theme: ThemeChoice;
  onChange: (next: { language?: Locale; theme?: ThemeChoice }) => void;
}

/** Each language is named in itself, so it can be found whatever the current one. */
const LANGUAGES: Record<Locale, string> = { en: 'English', es: 'Español' };
const THEMES: ThemeChoice[] = ['system', 'light', 'dark'];

export function AccountScreen({
  me,
  display,
  onSignOut,
}: {
  me: Me;
  display?: DisplaySettings | undefined;
  onSignOut: () => void;
}) {
  const t = useT();
  const themeLabel = (choice: ThemeChoice) => t(`account.theme.${choice}`);
  return (
    <section className="tandem-screen" aria-label={t('nav.account')}>
      <Text weight="semibold" className="tandem-wrap">
        {t('account.signedInAs', { name: `${me.user.displayName} <${me.user.email}>` })}
      </Text>
      <dl className="tandem-facts">
        <dt>{t('account.organisation')}</dt>
        <dd>{me.org.name}</dd>
        <dt>{t('account.edition')}</dt>
        <dd>{me.org.edition === 'paid' ? t('edition.paid') : t('edition.free')}</dd>
        <dt>{t('account.profile')}</dt>
        <dd>{profileName(t, me.user.profile)}</dd>
      </dl>
      {display && (
        <>
          <Subtitle2 as="h2">{t('account.preferences')}</Subtitle2>
          <div className="tandem-fields">
            <Field label={t('account.language')}>
              <Dropdown
                value={LANGUAGES[display.locale]}
                selectedOptions={[display.locale]}
                onOptionSelect={(_, d) => {
                  if (d.optionValue === 'en' || d.optionValue === 'es')
                    display.onChange({ language: d.optionValue });
                }}
              >
                {(Object.keys(LANGUAGES) as Locale[]).map((locale) => (
                  <Option key={locale} value={locale} lang={locale}>
                    {LANGUAGES[locale]}
                  </Option>
                ))}
              </Dropdown>
            </Field>
            <Field label={t('account.theme')}>
              <Dropdown
                value={themeLabel(display.theme)}
                selectedOptions={[display.theme]}
                onOptionSelect={(_, d) => {
                  const choice = THEMES.find((c) => c === d.optionValue);
                  if (choice) display.onChange({ theme: choice });
                }}
              >
                {THEMES.map((choice) => (
                  <Option key={choice} value={choice}>
                    {themeLabel(choice)}
                  </Option>
                ))}
              </Dropdown>
            </Field>
          </div>
        </>
      )}
      <Button onClick={onSignOut}>{t('account.signOut')}</Button>
    </section>
  );
}
