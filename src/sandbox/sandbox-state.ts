import type { IdentityStateRecord } from './entra-token-endpoint';
import type { SubscriptionRecord } from './notification-delivery';

/**
 * The sandbox's persistent state: plain JSON-able records, so `snapshot()`/`restore()` are a
 * stringify/parse away. Runtime-only machinery (limits, faults, stats, delta paging) lives elsewhere.
 */
export interface TenantRecord {
  id: string;
  displayName: string;
  domain: string;
}

export interface UserRecord {
  id: string;
  tenantId: string;
  userPrincipalName: string;
  displayName: string;
  givenName: string | null;
  surname: string | null;
  mail: string | null;
  jobTitle: string | null;
  mobilePhone: string | null;
  businessPhones: string[];
  officeLocation: string | null;
  preferredLanguage: string | null;
  /** Directory role template ids, issued as the token's `wids`. */
  roles: string[];
}

export interface CalendarRecord {
  id: string;
  name: string;
  color: string;
  hexColor: string;
  changeKey: string;
  isDefault: boolean;
  /** Single-value extended properties (absent in state saved before they were kept). */
  extended?: ExtendedPropertyRecord[];
}

export interface ExtendedPropertyRecord {
  id: string;
  value: string;
}

/** The writable v1.0 event properties, kept as the client sent them (times normalised). */
export type EventData = Record<string, unknown> & {
  start: { dateTime: string; timeZone: string };
  end: { dateTime: string; timeZone: string };
  isAllDay: boolean;
  recurrence: Record<string, unknown> | null;
  attendees: AttendeeRecord[];
};

export interface AttendeeRecord {
  type: string;
  status: { response: string; time: string };
  emailAddress: { name?: string; address: string };
}

export interface EventRecord {
  id: string;
  calendarId: string;
  changeKey: string;
  createdAt: number;
  modifiedAt: number;
  iCalUId: string;
  transactionId: string | null;
  /** Canonical form of the create body, to tell a retried create from a clashing one. */
  transactionBody: string | null;
  data: EventData;
  extended: ExtendedPropertyRecord[];
  /** Exceptions of a series keyed by the occurrence's original local date. */
  exceptions: Record<string, ExceptionRecord>;
  /** Original local dates of cancelled occurrences. */
  cancelledDates: string[];
}

export interface ExceptionRecord {
  changeKey: string;
  modifiedAt: number;
  data: EventData;
}

export interface ContactFolderRecord {
  id: string;
  displayName: string;
  parentFolderId: string;
  isDefault: boolean;
  extended?: ExtendedPropertyRecord[];
}

export interface ContactRecord {
  id: string;
  folderId: string;
  changeKey: string;
  createdAt: number;
  modifiedAt: number;
  data: Record<string, unknown>;
  extended: ExtendedPropertyRecord[];
}

export interface EmailAddress {
  name?: string;
  address: string;
}

export type MessageKind = 'mail' | 'invitation' | 'update' | 'cancellation';

export interface MessageRecord {
  id: string;
  kind: MessageKind;
  subject: string;
  body: { contentType: string; content: string };
  from: EmailAddress;
  toRecipients: EmailAddress[];
  ccRecipients: EmailAddress[];
  bccRecipients: EmailAddress[];
  receivedDateTime: string;
  /** For meeting messages: the organizer's event the message is about. */
  eventId?: string;
  meetingMessageType?: 'meetingRequest' | 'meetingCancelled';
}

/** What a delta token stands for: the items the client was told about, each with its version. */
export interface DeltaStateRecord {
  token: string;
  kind: 'calendarView' | 'contacts';
  containerId: string;
  windowStart?: number;
  windowEnd?: number;
  issuedAt: number;
  seen: Record<string, string>;
  /** `$select` of the first request, kept for every later round. */
  select: string | null;
  /** The first request's path and query, for the `Location` of a 410. */
  restartPath: string;
  /** Expired tokens keep only enough to point the client at a fresh start. */
  expired?: boolean;
}

export interface MailboxRecord {
  userId: string;
  calendars: Record<string, CalendarRecord>;
  events: Record<string, EventRecord>;
  contactFolders: Record<string, ContactFolderRecord>;
  contacts: Record<string, ContactRecord>;
  deltaStates: Record<string, DeltaStateRecord>;
  inbox: MessageRecord[];
  sentItems: MessageRecord[];
}

export interface SigningKeyRecord {
  privateKeyPem: string;
  kid: string;
}

export interface SandboxState {
  version: 1;
  signingKey: SigningKeyRecord;
  tenants: Record<string, TenantRecord>;
  users: Record<string, UserRecord>;
  mailboxes: Record<string, MailboxRecord>;
  /** Mail sent to addresses that belong to no sandbox user (customers, partners). */
  externalMail: Record<string, MessageRecord[]>;
  /** Refresh tokens (by hash) and per-user grant switches of the token endpoint. */
  identity?: IdentityStateRecord;
  /** Change-notification subscriptions by id. */
  subscriptions?: Record<string, SubscriptionRecord>;
}
