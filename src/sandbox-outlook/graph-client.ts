/**
 * The Outlook view's Graph access: the sandbox's own Graph API over HTTP, with a delegated token for
 * the chosen demo user from the sandbox's token route, as Outlook itself would call Graph.
 */
export interface DemoUser {
  userPrincipalName: string;
  displayName: string;
  tenantId?: string;
}

export class GraphCallError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'GraphCallError';
  }
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

export class SandboxGraph {
  private readonly tokens = new Map<string, CachedToken>();

  constructor(
    private readonly origin: string,
    /** The zone answers are given in (`Prefer: outlook.timezone`). */
    readonly viewZone: string,
    private readonly fetchImpl: typeof fetch = (...args) => globalThis.fetch(...args),
  ) {}

  async users(): Promise<DemoUser[]> {
    const res = await this.fetchImpl(`${this.origin}/sandbox/admin/users`);
    if (!res.ok) throw new GraphCallError(res.status, 'The sandbox users could not be listed.');
    const body = (await res.json()) as { value: DemoUser[] };
    return body.value;
  }

  /** The user's inbox as the sandbox delivered it (Graph's mail read API is not part of the sandbox). */
  async inbox(user: string): Promise<InboxMessage[]> {
    const res = await this.fetchImpl(`${this.origin}/sandbox/mailboxes/${encodeURIComponent(user)}/messages`);
    if (!res.ok) throw new GraphCallError(res.status, 'The inbox could not be read.');
    const body = (await res.json()) as { value: InboxMessage[] };
    return body.value;
  }

  private async token(user: string): Promise<string> {
    const cached = this.tokens.get(user);
    if (cached && cached.expiresAt > Date.now() + 60_000) return cached.token;
    const res = await this.fetchImpl(`${this.origin}/sandbox/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user, audience: 'graph' }),
    });
    if (!res.ok) throw new GraphCallError(res.status, `No sandbox token for ${user}.`);
    const body = (await res.json()) as { access_token: string; expires_in: number };
    this.tokens.set(user, { token: body.access_token, expiresAt: Date.now() + body.expires_in * 1000 });
    return body.access_token;
  }

  /** One Graph call as `user`; `path` starts at `/me`. Answers the parsed body (undefined on 204). */
  async call<T>(user: string, method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${await this.token(user)}`,
      prefer: `outlook.timezone="${this.viewZone}", IdType="ImmutableId"`,
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await this.fetchImpl(`${this.origin}/graph/v1.0${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    const parsed: unknown = text ? JSON.parse(text) : undefined;
    if (res.status === 429) {
      throw new GraphCallError(429, 'Graph is throttling this mailbox (429); the next refresh tries again.');
    }
    if (!res.ok) {
      const message =
        (parsed as { error?: { message?: string } } | undefined)?.error?.message ??
        `Graph answered ${res.status}.`;
      throw new GraphCallError(res.status, message);
    }
    return parsed as T;
  }

  /** Every item of a collection, following `@odata.nextLink`. */
  async list<T>(user: string, path: string): Promise<T[]> {
    const items: T[] = [];
    let next: string | undefined = path;
    while (next) {
      const page: { value: T[]; '@odata.nextLink'?: string } = await this.call(user, 'GET', next);
      items.push(...page.value);
      const link = page['@odata.nextLink'];
      next = link ? link.slice(link.indexOf('/me')) : undefined;
    }
    return items;
  }
}

export interface InboxMessage {
  id: string;
  subject: string;
  body: { contentType: string; content: string };
  from: { name?: string; address: string };
  toRecipients: { name?: string; address: string }[];
  receivedDateTime: string;
}

export interface GraphDateTime {
  dateTime: string;
  timeZone: string;
}

export interface GraphRecurrence {
  pattern: {
    type: string;
    interval: number;
    daysOfWeek?: string[];
    dayOfMonth?: number;
    month?: number;
    firstDayOfWeek?: string;
    index?: string;
  };
  range: {
    type: string;
    startDate: string;
    endDate?: string;
    numberOfOccurrences?: number;
    recurrenceTimeZone?: string;
  };
}

export interface GraphEvent {
  id: string;
  subject: string;
  start: GraphDateTime;
  end: GraphDateTime;
  isAllDay: boolean;
  type: 'singleInstance' | 'occurrence' | 'exception' | 'seriesMaster';
  seriesMasterId: string | null;
  originalStartTimeZone?: string;
  location?: { displayName?: string };
  bodyPreview?: string;
  recurrence: GraphRecurrence | null;
  '@odata.etag'?: string;
}

export interface GraphCalendar {
  id: string;
  name: string;
  hexColor?: string;
  isDefaultCalendar?: boolean;
  canEdit?: boolean;
}

export interface GraphContactFolder {
  id: string;
  displayName: string;
}

export interface GraphContact {
  id: string;
  displayName?: string;
  givenName?: string | null;
  surname?: string | null;
  companyName?: string | null;
  jobTitle?: string | null;
  emailAddresses?: { name?: string; address: string }[];
  businessPhones?: string[];
  mobilePhone?: string | null;
  parentFolderId?: string;
}
