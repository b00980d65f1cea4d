import type { Edition } from './org-service';

/** The rules of onboarding, with their limits; one object so tests and configuration can change them. */
export interface OnboardingSettings {
  /** Origin of the add-in pages; mail links point at `${publicUrl}/taskpane.html#/…`. */
  publicUrl: string;
  /** Version of the terms of use the client must show and send back when the user accepts them. */
  termsVersion: string;
  /** Edition of an organisation created by an install. */
  newOrgEdition: Edition;
  invitationTtlMs: number;
  codeTtlMs: number;
  /** Wrong guesses allowed per one-time code. */
  codeMaxAttempts: number;
  /** One-time codes one identity may ask for per hour. */
  codesPerHour: number;
  /** Join requests one identity may file per day (one pending at a time). */
  joinRequestsPerDay: number;
  /** One-time codes one address may be sent per hour, whoever asks for them. */
  codesPerAddressPerHour: number;
  /** Join requests one organisation may receive per day, from all requesters together. */
  joinRequestsPerOrgPerDay: number;
  /** "Asks to join" mails one organisation's approvers get per hour; later requests wait unmailed on the Users page. */
  joinRequestMailsPerOrgPerHour: number;
  /** Calls one identity may make per hour to each onboarding route that mails, checks a secret or writes. */
  requestsPerHour: number;
  /** Called after a change that queued mail has committed. */
  mailQueued: () => void;
}

export const TERMS_VERSION = '2026-01';

/**
 * Directory roles (`wids`) that may install Tandem for a tenant: Global Administrator, the role that
 * deploys add-ins from the Microsoft 365 admin center and grants tenant-wide consent.
 */
export const INSTALLER_ROLES: ReadonlySet<string> = new Set(['62e90394-69f5-4237-9190-012177145e10']);

export function onboardingSettings(overrides: Partial<OnboardingSettings> = {}): OnboardingSettings {
  return {
    publicUrl: 'http://localhost:3000',
    termsVersion: TERMS_VERSION,
    newOrgEdition: 'paid',
    invitationTtlMs: 7 * 24 * 3600_000,
    codeTtlMs: 15 * 60_000,
    codeMaxAttempts: 5,
    codesPerHour: 5,
    joinRequestsPerDay: 3,
    codesPerAddressPerHour: 5,
    joinRequestsPerOrgPerDay: 20,
    joinRequestMailsPerOrgPerHour: 10,
    requestsPerHour: 30,
    mailQueued: () => {},
    ...overrides,
  };
}

/** Links in mails open the add-in's pages (the same React app runs in a browser). */
export const links = {
  app: (s: OnboardingSettings) => `${s.publicUrl}/taskpane.html`,
  invitation: (s: OnboardingSettings, token: string) => `${s.publicUrl}/taskpane.html#/invite/${token}`,
  approveRequest: (s: OnboardingSettings, requestId: string) =>
    `${s.publicUrl}/taskpane.html#/users?approve=${requestId}`,
};

export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === '23505';
}
