import { Type, type Static } from 'typebox';
import type { Contact } from './contact';

/** How the contacts list can be ordered. `name` is last name, then first name. */
export const CONTACT_SORTS = ['name', 'company', 'email', 'updated', 'created'] as const;
export type ContactSort = (typeof CONTACT_SORTS)[number];

/** The longest search text the contacts list accepts. */
export const CONTACT_SEARCH_MAX = 100;

/** `GET /api/contacts` as the workspace asks for it: a page at an offset, with the total. */
export const ContactQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: CONTACT_SEARCH_MAX })),
  sort: Type.Optional(
    Type.Union([
      Type.Literal('name'),
      Type.Literal('company'),
      Type.Literal('email'),
      Type.Literal('updated'),
      Type.Literal('created'),
    ]),
  ),
  dir: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
});
export type ContactQuery = Static<typeof ContactQuery>;

/**
 * Where a contact stands with Outlook for the user looking at it:
 * - `synced`: in the user's Outlook contacts;
 * - `waiting`: will be sent on the next sync run;
 * - `conflict`: synced, with a conflict the user has not looked at;
 * - `not_synced`: not in Outlook, for `reason`.
 */
export type ContactSyncState = 'synced' | 'waiting' | 'conflict' | 'not_synced';
export type NotSyncedReason = 'imported' | 'not_yours' | 'beyond_cap' | 'sync_off' | 'deleted';
export interface ContactSyncStatus {
  state: ContactSyncState;
  reason?: NotSyncedReason;
}

export type ContactListItem = Contact & { sync: ContactSyncStatus };

/** One page of the contacts list. */
export interface ContactPage {
  items: ContactListItem[];
  total: number;
  offset: number;
  /** The offset of the next page, or null at the end. */
  nextOffset: number | null;
  /** Kept for callers of the cursor listing; offset pages have none. */
  nextCursor: null;
}

/** A member whose contacts the caller may list (`GET /api/contacts/owners`). */
export interface ContactOwner {
  id: string;
  displayName: string;
  email: string;
}
