/** A person of the tenant's Microsoft 365 directory, as the user picker lists them. */
export interface DirectoryUser {
  id: string;
  displayName: string;
  /** `mail`, or the user principal name when the user has no mailbox address. */
  email: string;
}

export interface DirectoryPage {
  users: DirectoryUser[];
  /** Opaque: pass back to `next` for the following page. */
  nextLink: string | null;
}

export interface Directory {
  search(text: string): Promise<DirectoryPage>;
  next(nextLink: string): Promise<DirectoryPage>;
}

export class DirectoryError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'DirectoryError';
  }
}

// Only what User.ReadBasic.All (the add-in's delegated scope) lets anyone read.
const SELECT = 'id,displayName,mail,userPrincipalName';

/**
 * Reads Graph `/users` with the signed-in administrator's own Graph token. `$search` needs
 * `ConsistencyLevel: eventual`; paging follows `@odata.nextLink` as Graph returns it.
 */
export class GraphDirectory implements Directory {
  constructor(
    private readonly graphBaseUrl: string,
    private readonly getToken: () => Promise<string>,
    private readonly fetchImpl: typeof fetch = (...args) => globalThis.fetch(...args),
    private readonly pageSize = 10,
  ) {}

  search(text: string): Promise<DirectoryPage> {
    const params = new URLSearchParams({ $select: SELECT, $top: String(this.pageSize) });
    const term = text.trim().replace(/"/g, '');
    if (term) {
      params.set('$search', `"displayName:${term}" OR "mail:${term}"`);
      params.set('$count', 'true');
    } else {
      params.set('$orderby', 'displayName');
    }
    return this.load(`${this.graphBaseUrl.replace(/\/$/, '')}/users?${params.toString()}`, Boolean(term));
  }

  next(nextLink: string): Promise<DirectoryPage> {
    // A next link keeps the query it came from; searches still need the consistency header.
    return this.load(nextLink, new URL(nextLink).searchParams.has('$search'));
  }

  private async load(url: string, advanced: boolean): Promise<DirectoryPage> {
    const token = await this.getToken();
    const res = await this.fetchImpl(url, {
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/json',
        ...(advanced ? { consistencylevel: 'eventual' } : {}),
      },
    });
    const body = (await res.json().catch(() => ({}))) as GraphUsersBody;
    if (!res.ok) {
      throw new DirectoryError(res.status, body.error?.message ?? `Microsoft Graph answered ${res.status}.`);
    }
    return {
      users: (body.value ?? []).map((u) => ({
        id: u.id,
        displayName: u.displayName ?? u.userPrincipalName ?? u.id,
        email: (u.mail ?? u.userPrincipalName ?? '').toLowerCase(),
      })),
      nextLink: body['@odata.nextLink'] ?? null,
    };
  }
}

interface GraphUsersBody {
  value?: {
    id: string;
    displayName?: string | null;
    mail?: string | null;
    userPrincipalName?: string | null;
  }[];
  '@odata.nextLink'?: string;
  error?: { code?: string; message?: string };
}
