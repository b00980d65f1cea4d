import { randomUUID } from 'node:crypto';
import { EntraTokenEndpoint, type ConfidentialClient, type IdentitySettings } from './entra-token-endpoint';
import { DEMO_TENANTS, GLOBAL_ADMINISTRATOR_ROLE, MEMBER_USER_ROLE } from './demo-tenants';
import { dispatchGraphRequest } from './graph-dispatcher';
import type { GraphRequest, GraphResponse } from './graph-request';
import { domainZoneRules, type ZoneRules } from './graph-time';
import { ChangeNotifier, type NotificationSettings } from './notification-delivery';
import { MailboxGuard, type MailboxStats, type SandboxFaults, type SandboxLimits } from './mailbox-guard';
import { domainRecurrenceRules, type RecurrenceRules } from './recurrence-rules';
import { newItemId, SeededRandom } from './sandbox-ids';
import type {
  MailboxRecord,
  MessageRecord,
  SandboxState,
  SigningKeyRecord,
  TenantRecord,
  UserRecord,
} from './sandbox-state';
import { StateChanges, type StatePath } from './state-changes';
import { TokenIssuer, type TokenClaims } from './token-issuer';

export interface SandboxOptions {
  /** `aud` of tokens asked for with audience "crm" (e.g. 'api://tandem'). */
  crmAudience: string;
  /** Default 'https://graph.microsoft.com'. */
  graphAudience?: string;
  /** Default true: tenants Contoso and Fabrikam. */
  seedDemo?: boolean;
  /** Clock in epoch ms, for tests. */
  now?: () => number;
  /**
   * Origin used as the token issuer's host when a token is issued programmatically (over HTTP the
   * request's own origin is used). Default 'http://localhost'.
   */
  publicUrl?: string;
  /** Seed for the order `$batch` answers come back in. */
  batchSeed?: number;
  /** The confidential client (the Tandem server) the token endpoint knows; default the demo app. */
  confidentialClient?: ConfidentialClient;
  /** Token lifetimes of the token endpoint. */
  identity?: Partial<IdentitySettings>;
  /** Delay and retries of change notifications. */
  notifications?: Partial<NotificationSettings>;
}

export type TokenAudience = 'graph' | 'crm';

export interface IssueTokenExtra {
  /** Space-separated scopes replacing the defaults. */
  scp?: string;
  expiresInSeconds?: number;
  /** Origin to put in `iss` (the public URL the token's verifier uses). */
  origin?: string;
  /**
   * An `email` claim other than the user's own address (a tenant may write any address on its
   * users); such an address is unverified unless `emailVerified` says otherwise.
   */
  email?: string;
  /** `xms_edov`; default true for the user's own address, false for an `email` given here. */
  emailVerified?: boolean;
}

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
}

export interface NewTenant {
  displayName: string;
  domain: string;
  id?: string;
}

export interface NewUser {
  /** Tenant id, domain or display name. */
  tenant: string;
  /** Alias (`jane.doe`) or full user principal name. */
  userPrincipalName: string;
  displayName?: string;
  givenName?: string;
  surname?: string;
  jobTitle?: string;
  officeLocation?: string;
  mobilePhone?: string;
  globalAdmin?: boolean;
  id?: string;
}

/** Behaviours Graph documents ambiguously; the sandbox can play either answer. */
export interface SandboxBehaviour {
  /** Status of a stale If-Match: 412 (documented) or 409 (reported by some). */
  staleIfMatchStatus: 412 | 409;
  /** Whether a 429 inside a `$batch` carries `Retry-After`. */
  batchRetryAfter: boolean;
}

export const GRAPH_SCOPES = 'Calendars.ReadWrite Contacts.ReadWrite User.ReadBasic.All Mail.Send';
export const CRM_SCOPES = 'access_as_user';
/** Client id the sandbox puts in `azp`: the Tandem add-in's app registration in the demo tenant. */
export const SANDBOX_CLIENT_ID = '7d3b9c4e-2f1a-4e8b-a6d5-0c9e8f7a6b51';
/** The demo app's client secret at the sandbox's token endpoint (a sandbox value, not a real credential). */
export const SANDBOX_CLIENT_SECRET = 'tandem-sandbox-client-secret';

/** An in-memory Microsoft Graph + identity provider with a programmatic admin API. */
export class GraphSandbox {
  readonly graphAudience: string;
  readonly crmAudience: string;
  readonly now: () => number;
  readonly guard: MailboxGuard;
  zones: ZoneRules = domainZoneRules;
  recurrence: RecurrenceRules = domainRecurrenceRules;
  behaviour: SandboxBehaviour = { staleIfMatchStatus: 412, batchRetryAfter: true };
  batchRandom: SeededRandom;
  state: SandboxState;
  issuer: TokenIssuer;
  /** Paging cursors (`$skiptoken`) of delta rounds in progress; runtime only. */
  readonly pages = new Map<string, unknown>();
  /** Entra's token endpoint (on-behalf-of and refresh grants). */
  readonly entra: EntraTokenEndpoint;
  /** Graph change-notification subscriptions and their delivery. */
  readonly notifications: ChangeNotifier;
  /** Changes not yet handed to the journal; recorded only while a journal is attached. */
  private readonly changes = new StateChanges();
  private journal: ((lines: string[]) => Promise<void>) | undefined;
  /** The journal write of the last flush; appends complete in order, so it covers the earlier ones. */
  private lastWrite: Promise<void> = Promise.resolve();
  /** Small parts of the state journalled whole when they differ from what was last written. */
  private readonly watched = new Map<'identity' | 'subscriptions', string>();

  constructor(private readonly options: SandboxOptions) {
    this.graphAudience = options.graphAudience ?? 'https://graph.microsoft.com';
    this.crmAudience = options.crmAudience;
    this.now = options.now ?? Date.now;
    this.guard = new MailboxGuard(this.now);
    this.batchRandom = new SeededRandom(options.batchSeed ?? 20);
    this.state = this.emptyState();
    this.issuer = new TokenIssuer(this.state.signingKey);
    this.entra = new EntraTokenEndpoint(
      this,
      options.confidentialClient ?? { clientId: SANDBOX_CLIENT_ID, clientSecret: SANDBOX_CLIENT_SECRET },
      options.identity,
    );
    this.notifications = new ChangeNotifier(this, options.notifications);
    if (options.seedDemo ?? true) this.seedDemo();
  }

  private emptyState(signingKey = TokenIssuer.generateKey()): SandboxState {
    return { version: 1, signingKey, tenants: {}, users: {}, mailboxes: {}, externalMail: {} };
  }

  private seedDemo(): void {
    for (const tenant of DEMO_TENANTS) {
      this.addTenant({ id: tenant.id, displayName: tenant.displayName, domain: tenant.domain });
      for (const user of tenant.users) {
        this.addUser({
          id: user.id,
          tenant: tenant.id,
          userPrincipalName: user.alias,
          givenName: user.given,
          surname: user.surname,
          jobTitle: user.jobTitle,
          officeLocation: user.officeLocation,
          ...(user.mobilePhone ? { mobilePhone: user.mobilePhone } : {}),
          globalAdmin: user.admin ?? false,
        });
      }
    }
  }

  // ---- directory -------------------------------------------------------------------------------

  tenants(): TenantRecord[] {
    return Object.values(this.state.tenants).map((t) => ({ ...t }));
  }

  findTenant(key: string): TenantRecord | undefined {
    const lower = key.toLowerCase();
    return Object.values(this.state.tenants).find(
      (t) => t.id === lower || t.domain.toLowerCase() === lower || t.displayName.toLowerCase() === lower,
    );
  }

  addTenant(tenant: NewTenant): TenantRecord {
    const domain = tenant.domain.toLowerCase();
    if (Object.values(this.state.tenants).some((t) => t.domain === domain)) {
      throw new Error(`A tenant with domain ${domain} already exists.`);
    }
    const record: TenantRecord = { id: tenant.id ?? randomUUID(), displayName: tenant.displayName, domain };
    this.state.tenants[record.id] = record;
    this.changed(['tenants', record.id]);
    return { ...record };
  }

  /** Users of one tenant (id, domain or name), or of every tenant. */
  users(tenant?: string): UserRecord[] {
    const tenantId = tenant === undefined ? undefined : this.findTenant(tenant)?.id;
    if (tenant !== undefined && !tenantId) return [];
    return Object.values(this.state.users)
      .filter((u) => tenantId === undefined || u.tenantId === tenantId)
      .map((u) => structuredClone(u));
  }

  /** Finds a user by object id, user principal name or primary mail address. */
  findUser(key: string): UserRecord | undefined {
    const lower = key.toLowerCase();
    return (
      this.state.users[key] ??
      Object.values(this.state.users).find(
        (u) => u.userPrincipalName.toLowerCase() === lower || u.mail?.toLowerCase() === lower,
      )
    );
  }

  requireUser(upn: string): UserRecord {
    const user = this.findUser(upn);
    if (!user) throw new Error(`No sandbox user ${upn}.`);
    return user;
  }

  addUser(input: NewUser): UserRecord {
    const tenant = this.findTenant(input.tenant);
    if (!tenant) throw new Error(`No sandbox tenant ${input.tenant}.`);
    const upn = (
      input.userPrincipalName.includes('@')
        ? input.userPrincipalName
        : `${input.userPrincipalName}@${tenant.domain}`
    ).toLowerCase();
    if (this.findUser(upn)) throw new Error(`User ${upn} already exists.`);
    const given = input.givenName ?? null;
    const surname = input.surname ?? null;
    const displayName =
      input.displayName ?? ([given, surname].filter(Boolean).join(' ') || upn.split('@')[0]!);
    const user: UserRecord = {
      id: input.id ?? randomUUID(),
      tenantId: tenant.id,
      userPrincipalName: upn,
      displayName,
      givenName: given,
      surname,
      mail: upn,
      jobTitle: input.jobTitle ?? null,
      mobilePhone: input.mobilePhone ?? null,
      businessPhones: [],
      officeLocation: input.officeLocation ?? null,
      preferredLanguage: 'es-ES',
      roles: input.globalAdmin ? [GLOBAL_ADMINISTRATOR_ROLE, MEMBER_USER_ROLE] : [MEMBER_USER_ROLE],
    };
    this.state.users[user.id] = user;
    this.state.mailboxes[user.id] = this.newMailbox(user.id);
    this.changed(['users', user.id]);
    this.changed(['mailboxes', user.id]);
    return structuredClone(user);
  }

  private newMailbox(userId: string): MailboxRecord {
    const calendarId = newItemId();
    const folderId = newItemId();
    return {
      userId,
      calendars: {
        [calendarId]: {
          id: calendarId,
          name: 'Calendar',
          color: 'auto',
          hexColor: '',
          changeKey: newItemId().slice(5, 29),
          isDefault: true,
        },
      },
      events: {},
      contactFolders: {
        [folderId]: { id: folderId, displayName: 'Contacts', parentFolderId: newItemId(), isDefault: true },
      },
      contacts: {},
      deltaStates: {},
      inbox: [],
      sentItems: [],
    };
  }

  mailboxOf(user: UserRecord): MailboxRecord {
    let mailbox = this.state.mailboxes[user.id];
    if (!mailbox) {
      mailbox = this.newMailbox(user.id);
      this.state.mailboxes[user.id] = mailbox;
      this.changed(['mailboxes', user.id]);
    }
    return mailbox;
  }

  // ---- identity --------------------------------------------------------------------------------

  issueToken(upn: string, audience: TokenAudience, extra: IssueTokenExtra = {}): string {
    const user = this.findUser(upn);
    if (!user) throw new Error(`No sandbox user ${upn}.`);
    const iat = Math.floor(this.now() / 1000);
    const origin = extra.origin ?? this.options.publicUrl ?? 'http://localhost';
    const claims: TokenClaims = {
      aud: audience === 'graph' ? this.graphAudience : this.crmAudience,
      iss: issuerFor(origin, user.tenantId),
      iat,
      nbf: iat,
      exp: iat + (extra.expiresInSeconds ?? 3600),
      tid: user.tenantId,
      oid: user.id,
      sub: user.id.replace(/-/g, '').slice(0, 22),
      preferred_username: user.userPrincipalName,
      name: user.displayName,
      email: extra.email ?? user.mail ?? user.userPrincipalName,
      xms_edov: extra.emailVerified ?? extra.email === undefined,
      scp: extra.scp ?? (audience === 'graph' ? GRAPH_SCOPES : CRM_SCOPES),
      ver: '2.0',
      wids: [...user.roles],
      azp: SANDBOX_CLIENT_ID,
      uti: newItemId().slice(5, 27),
    };
    return this.issuer.sign(claims);
  }

  tokenResponse(upn: string, audience: TokenAudience, extra: IssueTokenExtra = {}): TokenResponse {
    const expiresIn = extra.expiresInSeconds ?? 3600;
    return {
      access_token: this.issueToken(upn, audience, { ...extra, expiresInSeconds: expiresIn }),
      token_type: 'Bearer',
      expires_in: expiresIn,
    };
  }

  jwks(): { keys: Record<string, unknown>[] } {
    return this.issuer.jwks();
  }

  // ---- limits, faults, statistics --------------------------------------------------------------

  setLimits(upn: string, limits: Partial<SandboxLimits>): SandboxLimits {
    return this.guard.setLimits(this.requireUser(upn).userPrincipalName, limits);
  }

  /** Limits every mailbox gets unless it has its own. */
  setDefaultLimits(limits: Partial<SandboxLimits>): SandboxLimits {
    return this.guard.setDefaultLimits(limits);
  }

  limits(upn: string): SandboxLimits {
    return this.guard.limits(this.requireUser(upn).userPrincipalName);
  }

  /** Replaces the mailbox's fault plan; `{}` clears it. */
  setFaults(upn: string, faults: SandboxFaults): void {
    this.guard.setFaults(this.requireUser(upn).userPrincipalName, faults);
  }

  faults(upn: string): SandboxFaults {
    return this.guard.faults(this.requireUser(upn).userPrincipalName);
  }

  stats(upn: string): MailboxStats {
    const key = this.requireUser(upn).userPrincipalName;
    return this.guard.stats(key)[0]!;
  }

  allStats(): MailboxStats[] {
    return this.guard.stats();
  }

  resetStats(): void {
    this.guard.resetStats();
  }

  configure(behaviour: Partial<SandboxBehaviour> & { batchSeed?: number }): SandboxBehaviour {
    const { batchSeed, ...rest } = behaviour;
    this.behaviour = { ...this.behaviour, ...rest };
    if (batchSeed !== undefined) this.batchRandom = new SeededRandom(batchSeed);
    return { ...this.behaviour };
  }

  /** Forgets delta tokens of one mailbox (or all) issued before `issuedBefore` (default: now). */
  expireDeltaTokens(upn?: string, issuedBefore: number = this.now() + 1): number {
    const mailboxes = upn ? [this.mailboxOf(this.requireUser(upn))] : Object.values(this.state.mailboxes);
    let expired = 0;
    for (const mailbox of mailboxes) {
      for (const state of Object.values(mailbox.deltaStates)) {
        if (state.issuedAt < issuedBefore && !state.expired) {
          state.expired = true;
          state.seen = {};
          this.touch(mailbox, 'deltaStates', state.token);
          expired++;
        }
      }
    }
    this.pages.clear();
    return expired;
  }

  // ---- mail ------------------------------------------------------------------------------------

  /** Messages received by a sandbox user, or by any outside address mail was sent to. */
  mailbox(upnOrAddress: string): MessageRecord[] {
    const user = this.findUser(upnOrAddress);
    if (user) return structuredClone(this.mailboxOf(user).inbox);
    return structuredClone(this.state.externalMail[upnOrAddress.toLowerCase()] ?? []);
  }

  sentItems(upn: string): MessageRecord[] {
    return structuredClone(this.mailboxOf(this.requireUser(upn)).sentItems);
  }

  deliver(message: MessageRecord): void {
    const recipients = [...message.toRecipients, ...message.ccRecipients, ...message.bccRecipients];
    const seen = new Set<string>();
    for (const recipient of recipients) {
      const address = recipient.address.toLowerCase();
      if (seen.has(address)) continue;
      seen.add(address);
      const copy: MessageRecord = { ...structuredClone(message), id: newItemId(), bccRecipients: [] };
      const user = this.findUser(address);
      if (user) {
        this.mailboxOf(user).inbox.push(copy);
        this.appended(['mailboxes', user.id, 'inbox'], copy);
      } else {
        (this.state.externalMail[address] ??= []).push(copy);
        this.appended(['externalMail', address], copy);
      }
    }
  }

  // ---- state ----------------------------------------------------------------------------------

  /** The whole state as JSON, without the private signing key (kept by whoever persists the sandbox). */
  snapshot(): string {
    return JSON.stringify(this.state, (key, value: unknown) => (key === 'signingKey' ? undefined : value));
  }

  /** Loads a snapshot; one without a signing key (as `snapshot()` writes) keeps the current key. */
  restore(json: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch {
      throw new Error('Not a Graph sandbox snapshot.');
    }
    this.restoreState(parsed);
  }

  restoreState(parsed: unknown): void {
    const state = parsed as SandboxState | null;
    if (
      state === null ||
      typeof state !== 'object' ||
      state.version !== 1 ||
      !state.users ||
      !state.mailboxes ||
      !state.tenants
    ) {
      throw new Error('Not a Graph sandbox snapshot.');
    }
    state.externalMail ??= {};
    state.signingKey ??= this.state.signingKey;
    this.issuer = new TokenIssuer(state.signingKey);
    this.state = state;
    this.pages.clear();
    this.notifications.reset();
    this.wholeStateChanged();
  }

  /** Signs tokens with `key` from now on (a key kept apart from the snapshots). */
  useSigningKey(key: SigningKeyRecord): void {
    this.issuer = new TokenIssuer(key);
    this.state.signingKey = key;
  }

  /**
   * Back to the initial directory (demo tenants if seeded), Outlook's limits and no faults; keeps the
   * signing key so tokens stay valid.
   */
  reset(): void {
    this.state = this.emptyState(this.state.signingKey);
    this.pages.clear();
    this.guard.reset();
    this.notifications.reset();
    this.notifications.resetStats();
    if (this.options.seedDemo ?? true) this.seedDemo();
    this.wholeStateChanged();
  }

  /**
   * Hands every later change to `journal` (lines to append durably), or stops recording with undefined.
   * Writers mark what they change (`touch`, `changed`); `flush` passes the marks on.
   */
  persistWith(journal: ((lines: string[]) => Promise<void>) | undefined): void {
    this.journal = journal;
    this.changes.clear();
    this.lastWrite = Promise.resolve();
    this.watchSmallParts();
  }

  /** The record at `path` of the state changed (created, updated or removed). */
  changed(path: StatePath): void {
    if (this.journal) this.changes.record(path);
  }

  /** A record of a mailbox's collection changed (created, updated or removed). */
  touch(
    mailbox: MailboxRecord,
    collection: 'calendars' | 'events' | 'contactFolders' | 'contacts' | 'deltaStates',
    id: string,
  ): void {
    if (this.journal) this.changes.record(['mailboxes', mailbox.userId, collection, id]);
  }

  /** `item` was appended to the list at `path` (a mail folder); it is never changed afterwards. */
  appended(path: StatePath, item: unknown): void {
    if (this.journal) this.changes.appended(path, item);
  }

  /**
   * The token endpoint's grants and the subscriptions are few and change in many places: they are
   * compared whole at each flush instead of being marked record by record.
   */
  private watchSmallParts(): void {
    for (const key of ['identity', 'subscriptions'] as const) {
      const json = JSON.stringify(this.state[key] ?? null);
      if (this.watched.get(key) === json) continue;
      if (this.watched.has(key)) this.changes.record([key]);
      this.watched.set(key, json);
    }
  }

  private wholeStateChanged(): void {
    if (!this.journal) return;
    this.changes.clear();
    this.watched.clear();
    for (const key of ['tenants', 'users', 'mailboxes', 'externalMail', 'identity', 'subscriptions']) {
      this.changes.record([key]);
    }
  }

  /**
   * Resolves once every change made so far is durable (at once when nothing persists the sandbox). A
   * change another request's flush already took is waited for too: that write may still be under way.
   */
  async flush(): Promise<void> {
    if (!this.journal) return;
    this.watchSmallParts();
    if (this.changes.size > 0) this.lastWrite = this.journal(this.changes.take(this.state));
    await this.lastWrite;
  }

  // ---- Graph -----------------------------------------------------------------------------------

  handle(request: GraphRequest): Promise<GraphResponse> {
    return dispatchGraphRequest(this, request);
  }

  /** Stops pending notification deliveries (when the host shuts down). */
  close(): void {
    this.notifications.close();
  }
}

export function issuerFor(origin: string, tenantId: string): string {
  return `${origin}/sandbox/${tenantId}/v2.0`;
}

export function createGraphSandbox(options: SandboxOptions): GraphSandbox {
  return new GraphSandbox(options);
}
