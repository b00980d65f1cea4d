import type { Me } from '../../../src/taskpane/me';
import type { Invitation, JoinRequest, Member, Profile } from '../../../src/taskpane/onboarding';

let seq = 0;
const uuid = () => `00000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`;

export const aProfile = (over: Partial<Profile> = {}): Profile => ({
  id: uuid(),
  name: 'Standard',
  permissions: [],
  isDefault: false,
  ...over,
});

export const aMember = (over: Partial<Member> = {}): Member => ({
  id: uuid(),
  email: 'someone@contoso.example',
  displayName: 'Someone',
  status: 'active',
  isSuperAdmin: false,
  microsoft365: true,
  profile: { id: uuid(), name: 'Standard' },
  createdAt: '2026-11-01T10:00:00.000Z',
  ...over,
});

export const anInvitation = (over: Partial<Invitation> = {}): Invitation => ({
  id: uuid(),
  email: 'invitee@contoso.example',
  displayName: null,
  microsoft365: false,
  sentAt: '2026-11-20T10:00:00.000Z',
  expiresAt: '2026-11-27T10:00:00.000Z',
  expired: false,
  ...over,
});

export const aJoinRequest = (over: Partial<JoinRequest> = {}): JoinRequest => ({
  id: uuid(),
  email: 'bruno.castillo@contoso.example',
  displayName: 'Bruno Castillo',
  message: null,
  createdAt: '2026-11-24T09:30:00.000Z',
  ...over,
});

export const aMe = (over: { edition?: 'free' | 'paid'; permissions?: string[]; id?: string } = {}): Me => ({
  user: {
    id: over.id ?? uuid(),
    email: 'admin@contoso.example',
    displayName: 'Ana Admin',
    language: 'en',
    profile: 'Administrator',
    isSuperAdmin: true,
    permissions: over.permissions ?? ['manage_users'],
  },
  org: { id: uuid(), name: 'Contoso', edition: over.edition ?? 'paid' },
});
