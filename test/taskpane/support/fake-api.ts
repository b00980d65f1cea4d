import { ApiError, type Api } from '../../../src/taskpane/api-client';

type Answer = unknown | ((body: unknown) => unknown);

/** The API faked at the `ApiClient` boundary: answers by "METHOD /path", and every call recorded. */
export class FakeApi implements Api {
  readonly calls: { method: string; path: string; body?: unknown }[] = [];
  private readonly answers = new Map<string, Answer>();

  on(route: string, answer: Answer): this {
    this.answers.set(route, answer);
    return this;
  }

  fail(route: string, status: number, code: string, message = `${code} (${status})`): this {
    return this.on(route, () => {
      throw new ApiError(status, code, message);
    });
  }

  callsTo(route: string): unknown[] {
    const [method, path] = route.split(' ');
    return this.calls.filter((c) => c.method === method && c.path === path).map((c) => c.body);
  }

  get<T>(path: string): Promise<T> {
    return this.answer<T>('GET', path);
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.answer<T>('POST', path, body ?? {});
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.answer<T>('PATCH', path, body);
  }

  delete<T>(path: string): Promise<T> {
    return this.answer<T>('DELETE', path);
  }

  private async answer<T>(method: string, path: string, body?: unknown): Promise<T> {
    this.calls.push({ method, path, ...(body === undefined ? {} : { body }) });
    const key = `${method} ${path}`;
    if (!this.answers.has(key)) throw new ApiError(404, 'not_found', `No fake answer for ${key}`);
    const answer = this.answers.get(key);
    return (typeof answer === 'function' ? (answer as (b: unknown) => unknown)(body) : answer) as T;
  }
}
