import {
  Button,
  Dropdown,
  Field,
  MessageBar,
  MessageBarBody,
  Option,
  Text,
  Title3,
} from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import type { AccountManager } from '../../auth/account-manager';
import { useT } from '../i18n';

interface DemoUser {
  userPrincipalName: string;
  displayName: string;
}

export interface SignInScreenProps {
  accounts: AccountManager;
  sandbox: boolean;
  /** Loads the demo tenant's users (sandbox mode only). */
  loadDemoUsers: () => Promise<DemoUser[]>;
  onSignedIn: () => void;
}

export function SignInScreen({ accounts, sandbox, loadDemoUsers, onSignedIn }: SignInScreenProps) {
  const t = useT();
  const [users, setUsers] = useState<DemoUser[]>([]);
  const [selected, setSelected] = useState<string>('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!sandbox) return;
    loadDemoUsers().then(
      (list) => {
        setUsers(list);
        setSelected((current) => current || list[0]?.userPrincipalName || '');
      },
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
  }, [sandbox, loadDemoUsers]);

  const signIn = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await accounts.signIn(sandbox ? selected : undefined);
      onSignedIn();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="tandem-screen" aria-labelledby="sign-in-title">
      <Title3 as="h1" id="sign-in-title">
        {t('signIn.title')}
      </Title3>
      {sandbox && <Text>{t('signIn.sandboxHint')}</Text>}
      {sandbox && (
        <Field label={t('signIn.user')}>
          <Dropdown
            value={users.find((u) => u.userPrincipalName === selected)?.displayName ?? ''}
            selectedOptions={selected ? [selected] : []}
            onOptionSelect={(_, data) => setSelected(data.optionValue ?? '')}
          >
            {users.map((u) => (
              <Option key={u.userPrincipalName} value={u.userPrincipalName} text={u.displayName}>
                {`${u.displayName} (${u.userPrincipalName})`}
              </Option>
            ))}
          </Dropdown>
        </Field>
      )}
      {error && (
        <MessageBar intent="error">
          <MessageBarBody>{t('signIn.failed', { message: error })}</MessageBarBody>
        </MessageBar>
      )}
      <Button appearance="primary" onClick={signIn} disabled={busy || (sandbox && !selected)}>
        {t('signIn.button')}
      </Button>
    </main>
  );
}
