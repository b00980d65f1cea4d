import type { AccountManager } from '../auth/account-manager';
import type {
  Invitation,
  InvitationPreview,
  InviteResult,
  Invitee,
  JoinRequest,
  JoinRequestDetail,
  Member,
  Profile,
} from './onboarding';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** What else the answer's `error` object said (e.g. `attemptsLeft`). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface RequestOptions {
  ifMatch?: number;
}

/** Calls the companion API with the signed-in user's token; errors arrive as `ApiError`. */
export class ApiClient {
  constructor(
    private readonly baseUrl: string,
    private readonly accounts: AccountManager,
    private readonly fetchImpl: typeof fetch = (...args) => globalThis.fetch(...args),
  ) {}

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body ?? {});
  }

  /** `ifMatch`: the record version last read; a stale one makes the server answer 412. */
  patch<T>(path: string, body: unknown, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('PATCH', path, body, options);
  }

  delete<T>(path: string, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('DELETE', path, undefined, options);
  }

  private async request<T>(
    method: string,
    path: string,
    body?: unknown,
    { ifMatch }: RequestOptions = {},
  ): Promise<T> {
    const token = await this.accounts.getToken('crm');
    const res = await this.fetchImpl(`${this.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(ifMatch === undefined ? {} : { 'if-match': `"${ifMatch}"` }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    const parsed: unknown = text ? JSON.parse(text) : undefined;
    if (!res.ok) {
      const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
      const { code, message, ...details } = error ?? {};
      throw new ApiError(
        res.status,
        code ?? 'error',
        message ?? `The server answered ${res.status}.`,
        details,
      );
    }
    return parsed as T;
  }
}

/** What screens need of the API; tests fake it at this boundary. */
export type Api = Pick<ApiClient, 'get' | 'post' | 'patch' | 'delete'>;

const list = <T>(api: Api, path: string) => api.get<{ items: T[] }>(path).then((r) => r.items);
const segment = (id: string) => encodeURIComponent(id);

/** The Users page's calls (needs "manage users"), typed: screens name the action, never its URL. */
export function userAdmin(api: Api) {
  return {
    members: () => list<Member>(api, '/api/users'),
    profiles: () => list<Profile>(api, '/api/profiles'),
    invitations: () => list<Invitation>(api, '/api/invitations'),
    joinRequests: () => list<JoinRequest>(api, '/api/join-requests'),
    /** One join request whatever its state (an approval mail's link may find it answered). */
    joinRequest: (id: string) => api.get<JoinRequestDetail>(`/api/join-requests/${segment(id)}`),
    invite: (invitees: Invitee[], language: string) =>
      api.post<InviteResult>('/api/invitations', { invitees, language }),
    approve: (requestId: string, profileId: string) =>
      api.post(`/api/join-requests/${segment(requestId)}/approve`, { profileId }),
    reject: (requestId: string) => api.post(`/api/join-requests/${segment(requestId)}/reject`),
    resendInvitation: (invitationId: string) => api.post(`/api/invitations/${segment(invitationId)}/resend`),
    revokeInvitation: (invitationId: string) => api.delete(`/api/invitations/${segment(invitationId)}`),
    setProfile: (userId: string, profileId: string) =>
      api.patch(`/api/users/${segment(userId)}`, { profileId }),
    deactivate: (userId: string) => api.post(`/api/users/${segment(userId)}/deactivate`),
    reactivate: (userId: string) => api.post(`/api/users/${segment(userId)}/reactivate`),
  };
}

export type UserAdmin = ReturnType<typeof userAdmin>;

/** The terms a step accepts, by the version the server showed. */
interface Terms {
  acceptTerms: true;
  termsVersion: string;
}

/** Where a one-time code went, and until when it holds. */
export interface CodeSent {
  email: string;
  expiresAt: string;
}

/** The onboarding calls of a signed-in Microsoft 365 user who is not a member yet, typed. */
export function onboardingApi(api: Api) {
  return {
    install: (body: Terms & { orgName?: string }) => api.post('/api/onboarding/install', body),
    /** Enters the account on the user's own email when their sign-in vouches for it. */
    enter: () => api.post('/api/onboarding/enter'),
    requestAssociationCode: (email: string, language: string) =>
      api.post<CodeSent>('/api/onboarding/associate/code', { email, language }),
    verifyAssociationCode: (code: string) => api.post('/api/onboarding/associate/verify', { code }),
    /** The token travels in the body, never in a URL that could end up in a log. */
    previewInvitation: (token: string) =>
      api.post<InvitationPreview>('/api/onboarding/invitation', { token }),
    requestInvitationCode: (token: string, language: string) =>
      api.post<CodeSent>('/api/onboarding/invitation/code', { token, language }),
    accept: (body: Terms & { token?: string; code?: string }) => api.post('/api/onboarding/accept', body),
    requestToJoin: (body: Terms & { language: string; message?: string }) =>
      api.post('/api/onboarding/join-request', body),
  };
}
