import type { ContactFields } from '../../domain/contact';
import type {
  ContactListItem,
  ContactOwner,
  ContactPage,
  ContactSort,
  ContactSyncStatus,
} from '../../domain/contact-list';
import type { Contact } from '../../domain/contact';
import { ApiError, type Api } from '../api-client';

/** What the contacts list asks for. `owner` is `me`, `all` or a member's id. */
export interface ContactListQuery {
  q: string;
  owner: string;
  sort: ContactSort;
  dir: 'asc' | 'desc';
  deleted: boolean;
}

export const PAGE_SIZE = 100;

/** The contacts API as the workspace uses it (over the app's `Api`, so tests fake one boundary). */
export class ContactsClient {
  constructor(private readonly api: Api) {}

  page(query: ContactListQuery, offset: number, limit = PAGE_SIZE): Promise<ContactPage> {
    const params = new URLSearchParams({
      owner: query.owner,
      sort: query.sort,
      dir: query.dir,
      offset: String(offset),
      limit: String(limit),
    });
    if (query.q.trim()) params.set('q', query.q.trim());
    if (query.deleted) params.set('deleted', 'true');
    return this.api.get<ContactPage>(`/api/contacts?${params.toString()}`);
  }

  get(id: string): Promise<Contact> {
    return this.api.get<Contact>(`/api/contacts/${id}`);
  }

  syncStatus(id: string): Promise<ContactSyncStatus> {
    return this.api.get<ContactSyncStatus>(`/api/contacts/${id}/sync-status`);
  }

  create(fields: ContactFields): Promise<Contact> {
    return this.api.post<Contact>('/api/contacts', { ...fields, origin: 'ui' });
  }

  /** Sends only what changed, over the version the form was opened on (a 412 if it changed since). */
  update(
    id: string,
    version: number,
    patch: Partial<Record<keyof ContactFields, unknown>>,
  ): Promise<Contact> {
    return this.api.patch<Contact>(`/api/contacts/${id}`, patch, { ifMatch: version });
  }

  remove(id: string, version: number): Promise<void> {
    return this.api.delete<void>(`/api/contacts/${id}`, { ifMatch: version });
  }

  restore(id: string): Promise<Contact> {
    return this.api.post<Contact>(`/api/contacts/${id}/restore`);
  }

  purge(id: string): Promise<void> {
    return this.api.delete<void>(`/api/contacts/${id}/purge`);
  }

  massUpdate(ids: string[], set: Partial<ContactFields>): Promise<{ updated: number }> {
    return this.api.post<{ updated: number }>('/api/contacts/mass-update', { ids, set });
  }

  async owners(): Promise<ContactOwner[]> {
    return (await this.api.get<{ items: ContactOwner[] }>('/api/contacts/owners')).items;
  }
}

export type { ContactListItem };

/**
 * The form field a validation answer is about: the server names it as `body.email`,
 * `body.mailingAddress.city` or `custom.key`; a rule about the whole contact (it needs a name)
 * belongs to the first name.
 */
export function fieldOfError(error: unknown): string | undefined {
  if (!(error instanceof ApiError) || error.status !== 400) return undefined;
  const named = /^(?:body\.)?((?:custom\.)?[a-zA-Z][\w]*(?:\.[a-zA-Z]\w*)?)\b/.exec(error.message);
  if (/needs a first name, last name, email or company/.test(error.message)) return 'firstName';
  if (error.message.startsWith('body') && named?.[1]) return named[1];
  if (error.message.startsWith('custom.') && named?.[1]) return named[1];
  return undefined;
}
