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
      /** The caller's latest request, when an administrator declined it (and none is pending). */
      declined?: { id: string; createdAt: string; decidedAt: string } | null;
    }
);

/** `POST /api/onboarding/invitation`: what an invitation link leads to, before accepting it. */
export interface InvitationPreview {
  org: { id: string; name: string };
  expiresAt: string;
  email: string | null;
  acceptable: boolean;
  /** Why it cannot be accepted: an API error code (`invitation_used`, `invitation_expired`, …). */
  problem: string | null;
  /**
   * How the signed-in user proves the invitation's address: `claim` (their sign-in vouches for it) or
   * `code` (another tenant, or an unverified email: a code mailed to the address comes with the accept).
   */
  proof: 'claim' | 'code';
}

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

/** `GET /api/join-requests/:id`: one request, whatever its state (a mail's link may find it answered). */
export interface JoinRequestDetail extends JoinRequest {
  status: 'pending' | 'approved' | 'rejected';
  decidedAt: string | null;
  /** The email of the administrator who answered. */
  decidedBy: string | null;
}

export interface InviteResult {
  invited: { id: string; email: string; expiresAt: string; replaced: boolean }[];
  skipped: { email: string; reason: 'already_member' | 'duplicate' }[];
}

export interface Invitee {
  email: string;
  displayName?: string;
  msObjectId?: string;
}
