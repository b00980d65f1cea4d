import { Badge, Button, Dropdown, Option, Subtitle2, Text } from '@fluentui/react-components';
import { profileName, useT } from '../i18n';
import type { Member, Profile } from '../onboarding';

export interface MembersListProps {
  members: Member[];
  profiles: Profile[];
  /** The signed-in user's id: they cannot change their own profile or deactivate themselves. */
  selfId: string;
  /** An action is running: the controls that write wait for it. */
  busy: boolean;
  onProfile: (member: Member, profile: Profile) => void;
  onDeactivate: (member: Member) => void;
  onReactivate: (member: Member) => void;
}

/** The organisation's members: status, profile (changeable), deactivate or reactivate. */
export function MembersList({
  members,
  profiles,
  selfId,
  busy,
  onProfile,
  onDeactivate,
  onReactivate,
}: MembersListProps) {
  const t = useT();
  return (
    <section className="tandem-group" aria-label={t('users.members')}>
      <Subtitle2 as="h2">{t('users.members')}</Subtitle2>
      <ul className="tandem-list" aria-label={t('users.members')}>
        {members.map((m) => {
          const self = m.id === selfId;
          // Nobody changes their own access, and the super admin stays as they are.
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
                  disabled={locked || busy}
                  onOptionSelect={(_, d) => {
                    const profile = profiles.find((p) => p.id === d.optionValue);
                    if (profile && profile.id !== m.profile.id) onProfile(m, profile);
                  }}
                >
                  {profiles.map((p) => (
                    <Option key={p.id} value={p.id}>
                      {profileName(t, p.name)}
                    </Option>
                  ))}
                </Dropdown>
                {m.status === 'active' ? (
                  <Button
                    size="small"
                    disabled={locked || busy}
                    aria-label={`${t('users.deactivate')}: ${m.displayName}`}
                    onClick={() => onDeactivate(m)}
                  >
                    {t('users.deactivate')}
                  </Button>
                ) : (
                  <Button
                    size="small"
                    disabled={busy}
                    aria-label={`${t('users.reactivate')}: ${m.displayName}`}
                    onClick={() => onReactivate(m)}
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
  );
}
