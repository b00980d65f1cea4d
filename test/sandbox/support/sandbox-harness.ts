/* eslint-disable @typescript-eslint/no-explicit-any -- Graph answers are arbitrary JSON that tests read field by field. */
import Fastify, { type FastifyInstance } from 'fastify';
import {
  createGraphSandbox,
  graphSandboxPlugin,
  type GraphSandbox,
  type SandboxOptions,
} from '../../../src/sandbox';

export const CRM_AUDIENCE = 'api://tandem';
export const ADMIN = 'admin@contoso.example';
export const BRUNO = 'bruno.castillo@contoso.example';
export const CARMEN = 'carmen.delgado@contoso.example';
export const FABRIKAM_ADMIN = 'admin@fabrikam.example';

export interface GraphAnswer<T = any> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
}

export interface CallOptions {
  headers?: Record<string, string>;
  body?: unknown;
}

/** Calls the sandbox's Graph as one signed-in user, through the Fastify app (no sockets). */
export class GraphClient {
  constructor(
    private readonly app: FastifyInstance,
    readonly token: string,
    private readonly host = 'graph.test',
  ) {}

  async call<T = any>(method: string, path: string, options: CallOptions = {}): Promise<GraphAnswer<T>> {
    const url = path.startsWith('http')
      ? new URL(path).pathname + new URL(path).search
      : `/graph/v1.0${path}`;
    const headers: Record<string, string> = {
      host: this.host,
      authorization: `Bearer ${this.token}`,
      ...options.headers,
    };
    if (options.body !== undefined) headers['content-type'] ??= 'application/json';
    const res = await this.app.inject({
      method: method as 'GET',
      url,
      headers,
      ...(options.body !== undefined ? { payload: JSON.stringify(options.body) } : {}),
    });
    return {
      status: res.statusCode,
      headers: res.headers as GraphAnswer['headers'],
      body: res.body ? JSON.parse(res.body) : undefined,
    };
  }

  get<T = any>(path: string, headers?: Record<string, string>) {
    return this.call<T>('GET', path, headers ? { headers } : {});
  }
  post<T = any>(path: string, body: unknown, headers?: Record<string, string>) {
    return this.call<T>('POST', path, { body, ...(headers ? { headers } : {}) });
  }
  patch<T = any>(path: string, body: unknown, headers?: Record<string, string>) {
    return this.call<T>('PATCH', path, { body, ...(headers ? { headers } : {}) });
  }
  delete<T = any>(path: string, headers?: Record<string, string>) {
    return this.call<T>('DELETE', path, headers ? { headers } : {});
  }

  /** Follows `@odata.nextLink` to the end, returning every page. */
  async pages<T = any>(path: string, headers?: Record<string, string>): Promise<T[]> {
    const pages: T[] = [];
    let next: string | undefined = path;
    while (next) {
      const res: GraphAnswer = await this.get(next, headers);
      if (res.status !== 200)
        throw new Error(`page ${next} answered ${res.status}: ${JSON.stringify(res.body)}`);
      pages.push(res.body);
      next = res.body['@odata.nextLink'];
    }
    return pages;
  }
}

export interface Harness {
  app: FastifyInstance;
  sandbox: GraphSandbox;
  as(upn: string, extra?: { scp?: string }): GraphClient;
  inject: FastifyInstance['inject'];
  close(): Promise<void>;
}

export async function startSandbox(options: Partial<SandboxOptions> = {}): Promise<Harness> {
  const sandbox = createGraphSandbox({ crmAudience: CRM_AUDIENCE, ...options });
  const app = Fastify({ logger: false });
  await app.register(graphSandboxPlugin, { sandbox });
  await app.ready();
  return {
    app,
    sandbox,
    as: (upn, extra) => new GraphClient(app, sandbox.issueToken(upn, 'graph', extra ?? {})),
    inject: app.inject.bind(app),
    close: () => app.close(),
  };
}

/** A sandbox served on a real port, for what needs sockets (concurrency, dropped connections). */
export async function listenSandbox(options: Partial<SandboxOptions> = {}) {
  const harness = await startSandbox(options);
  const address = await harness.app.listen({ port: 0, host: '127.0.0.1' });
  return { ...harness, baseUrl: address };
}
