import type { Contact } from '../../src/domain/contact';
import type { ContactListItem, ContactPage, ContactSyncStatus } from '../../src/domain/contact-list';
import { ApiError, type Api, type RequestOptions } from '../../src/taskpane/api-client';

let seq = 0;
const newId = () => `0193a0b0-0000-7000-8000-${String(++seq).padStart(12, '0')}`;

export function aContact(over: Partial<Contact> = {}): Contact {
  return {
    id: newId(),
    ownerId: 'me',
    origin: 'ui',
    version: 1,
    createdAt: '2026-11-01T10:00:00.000Z',
    updatedAt: '2026-11-02T10:00:00.000Z',
    massUpdatedAt: null,
    deletedAt: null,
    ...over,
  };
}

type Call = { method: string; path: string; body?: unknown; headers?: Record<string, string> };

/**
 * The contacts API in memory, at the app's `Api` boundary: lists with search and paging, versions
 * checked against If-Match as the server does, soft delete, restore and purge. `failNext` makes the
 * next matching call answer an error, as the server would.
 */
export class FakeContactsServer implements Api {
  readonly contacts = new Map<string, Contact>();
  readonly statuses = new Map<string, ContactSyncStatus>();
  readonly calls: Call[] = [];
  private failures: { method: string; path: RegExp; error: ApiError }[] = [];

  add(...contacts: Contact[]): this {
    for (const c of contacts) this.contacts.set(c.id, c);
    return this;
  }

  failNext(method: string, path: RegExp, status: number, code: string, message: string): this {
    this.failures.push({ method, path, error: new ApiError(status, code, message) });
    return this;
  }

  /** Someone else saves the contact: a new version with these values. */
  changeElsewhere(id: string, patch: Partial<Contact>): Contact {
    const current = this.contacts.get(id)!;
    const next = { ...current, ...patch, version: current.version + 1 };
    this.contacts.set(id, next);
    return next;
  }

  callsTo(method: string, path: string | RegExp): Call[] {
    return this.calls.filter(
      (c) => c.method === method && (typeof path === 'string' ? c.path === path : path.test(c.path)),
    );
  }

  get<T>(path: string): Promise<T> {
    return this.handle<T>('GET', path);
  }
  post<T>(path: string, body?: unknown): Promise<T> {
    return this.handle<T>('POST', path, body ?? {});
  }
  patch<T>(path: string, body: unknown, options?: RequestOptions): Promise<T> {
    return this.handle<T>('PATCH', path, body, wireHeaders(options));
  }
  delete<T>(path: string, options?: RequestOptions): Promise<T> {
    return this.handle<T>('DELETE', path, undefined, wireHeaders(options));
  }

  private async handle<T>(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<T> {
    this.calls.push({
      method,
      path,
      ...(body === undefined ? {} : { body }),
      ...(headers ? { headers } : {}),
    });
    const failure = this.failures.findIndex((f) => f.method === method && f.path.test(path));
    if (failure >= 0) {
      const [f] = this.failures.splice(failure, 1);
      throw f!.error;
    }
    return this.route(method, path, body, headers) as T;
  }

  private route(method: string, path: string, body: unknown, headers?: Record<string, string>): unknown {
    const url = new URL(path, 'http://x');
    const parts = url.pathname.split('/').filter(Boolean); // api, contacts, id?, action?
    const id = parts[2];
    if (method === 'GET' && url.pathname === '/api/contacts') return this.page(url.searchParams);
    if (method === 'GET' && url.pathname === '/api/contacts/owners') {
      return { items: [{ id: 'me', displayName: 'Ana Admin', email: 'ana@contoso.example' }] };
    }
    if (method === 'POST' && url.pathname === '/api/contacts') {
      const { origin: _origin, ...fields } = body as Record<string, unknown>;
      const created = aContact(fields);
      this.contacts.set(created.id, created);
      return created;
    }
    if (method === 'POST' && url.pathname === '/api/contacts/mass-update') {
      const { ids, set } = body as { ids: string[]; set: Record<string, unknown> };
      for (const i of ids) {
        const c = this.contacts.get(i)!;
        this.contacts.set(i, { ...c, ...set, version: c.version + 1, massUpdatedAt: '2026-11-03T00:00:00Z' });
        if (this.statuses.get(i)?.reason === 'imported') this.statuses.set(i, { state: 'waiting' });
      }
      return { updated: ids.length };
    }
    const contact = id ? this.contacts.get(id) : undefined;
    if (!contact) throw new ApiError(404, 'not_found', 'Contact not found.');
    const ifMatch = headers?.['if-match'];
    if (ifMatch && ifMatch !== `"${contact.version}"`) {
      throw new ApiError(412, 'precondition_failed', 'The contact was changed by someone else.');
    }
    const action = parts[3];
    if (method === 'GET' && !action) return contact;
    if (method === 'GET' && action === 'sync-status') return this.statusOf(contact);
    if (method === 'PATCH') {
      if (contact.deletedAt) throw new ApiError(404, 'not_found', 'Contact not found.');
      const next: Record<string, unknown> = { ...contact, version: contact.version + 1 };
      for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
        if (v === null) delete next[k];
        else next[k] = v;
      }
      this.contacts.set(contact.id, next as Contact);
      return next;
    }
    if (method === 'DELETE' && action === 'purge') {
      this.contacts.delete(contact.id);
      return undefined;
    }
    if (method === 'DELETE') {
      this.contacts.set(contact.id, {
        ...contact,
        deletedAt: '2026-11-04T09:00:00.000Z',
        version: contact.version + 1,
      });
      return undefined;
    }
    if (method === 'POST' && action === 'restore') {
      const restored = { ...contact, deletedAt: null, version: contact.version + 1 };
      this.contacts.set(contact.id, restored);
      return restored;
    }
    throw new ApiError(404, 'not_found', `No route ${method} ${path}`);
  }

  private statusOf(c: Contact): ContactSyncStatus {
    return this.statuses.get(c.id) ?? { state: 'synced' };
  }

  private page(params: URLSearchParams): ContactPage {
    const deleted = params.get('deleted') === 'true';
    const words = (params.get('q') ?? '').toLowerCase().split(/\s+/).filter(Boolean);
    const offset = Number(params.get('offset') ?? 0);
    const limit = Number(params.get('limit') ?? 50);
    const all = [...this.contacts.values()]
      .filter((c) => Boolean(c.deletedAt) === deleted)
      .filter((c) =>
        words.every((w) =>
          [c.firstName, c.lastName, c.email, c.accountName].some((f) => f?.toLowerCase().startsWith(w)),
        ),
      )
      .sort((a, b) => (a.lastName ?? '').localeCompare(b.lastName ?? ''));
    const items: ContactListItem[] = all
      .slice(offset, offset + limit)
      .map((c) => ({ ...c, sync: this.statusOf(c) }));
    return {
      items,
      total: all.length,
      offset,
      nextOffset: offset + items.length < all.length ? offset + items.length : null,
      nextCursor: null,
    };
  }
}

/** The headers the real client sends for these options (`If-Match` with the quoted version). */
function wireHeaders(options: RequestOptions | undefined): Record<string, string> | undefined {
  return options?.ifMatch === undefined ? undefined : { 'if-match': `"${options.ifMatch}"` };
}
