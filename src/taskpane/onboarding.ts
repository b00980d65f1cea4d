/** `GET /api/onboarding`: what a signed-in Microsoft 365 user who is not (yet) a member should see. */
export type OnboardingState = { termsVersion: string } & (
  | { state: 'member'; org: { id: string; name: string; edition: 'free' | 'paid' } }
  | { state: 'deactivated' }
  | { state: 'existing_account' }
  | { state: 'invited'; invitation: { id: string; org: { id: string; name: string }; expiresAt: string } }
  | { state: 'install' }
  | { state: 'admin_required' }
  | {
      state: 'request_to_join';
      org: { id: string; name: string };
      request: { id: string; createdAt: string } | null;
    }
);

/** The Users page's lists (`/api/users`, `/api/profiles`, `/api/invitations`, `/api/join-requests`). */
export interface Member {
  id: string;
  email: string;
  displayName: string;
  status: 'active' | 'deactivated';
  isSuperAdmin: boolean;
  microsoft365: boolean;
  profile: { id: string; name: string };
  createdAt: string;
}

export interface Profile {
  id: string;
  name: string;
  permissions: string[];
  isDefault: boolean;
}

export interface Invitation {
  id: string;
  email: string;
  displayName: string | null;
  microsoft365: boolean;
  sentAt: string;
  expiresAt: string;
  expired: boolean;
}

export interface JoinRequest {
  id: string;
  email: string;
  displayName: string;
  message: string | null;
  createdAt: string;
}

export interface InviteResult {
  invited: { id: string; email: string; expiresAt: string; replaced: boolean }[];
  skipped: { email: string; reason: 'already_member' | 'has_account' | 'duplicate' }[];
}

export interface Invitee {
  email: string;
  displayName?: string;
  msObjectId?: string;
}
