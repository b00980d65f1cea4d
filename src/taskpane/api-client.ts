import type { AccountManager } from '../auth/account-manager';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
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
      throw new ApiError(
        res.status,
        error?.code ?? 'error',
        error?.message ?? `The server answered ${res.status}.`,
      );
    }
    return parsed as T;
  }
}

/** What screens need of the API; tests fake it at this boundary. */
export type Api = Pick<ApiClient, 'get' | 'post' | 'patch' | 'delete'>;
