import { Checkbox, Text } from '@fluentui/react-components';
import { useT } from '../i18n';

export interface TermsAcceptanceProps {
  version: string;
  accepted: boolean;
  onChange: (accepted: boolean) => void;
}

/** The terms every install, acceptance and request records (who, when, which version). */
export function TermsAcceptance({ version, accepted, onChange }: TermsAcceptanceProps) {
  const t = useT();
  return (
    <div className="tandem-terms">
      <Text as="p" size={200}>
        {t('terms.summary')}
      </Text>
      <Checkbox
        checked={accepted}
        onChange={(_, data) => onChange(data.checked === true)}
        label={t('terms.accept', { version })}
      />
    </div>
  );
}
