/* eslint-disable @typescript-eslint/no-explicit-any -- Graph answers are arbitrary JSON that tests read field by field. */
import { ADMIN, listenSandbox } from '../../../sandbox/support/sandbox-harness';

export interface HttpAnswer<T = any> {
  status: number;
  body: T;
}

/** Talks to the sandbox's Graph over a real socket with fetch, as the sync's Graph client will. */
export class GraphHttp {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  async call<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<HttpAnswer<T>> {
    const url = path.startsWith('http') ? path : `${this.baseUrl}/graph/v1.0${path}`;
    const res = await fetch(url, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        Prefer: 'IdType="ImmutableId"',
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  /** Like {@link call}, failing the test on an unexpected status. */
  async ok<T = any>(
    expected: number,
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<T> {
    const answer = await this.call<T>(method, path, body, headers);
    if (answer.status !== expected) {
      throw new Error(`${method} ${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    }
    return answer.body;
  }
}

export async function graphOverHttp() {
  const sandbox = await listenSandbox();
  const graph = new GraphHttp(sandbox.baseUrl, sandbox.sandbox.issueToken(ADMIN, 'graph', {}));
  return { ...sandbox, graph };
}
