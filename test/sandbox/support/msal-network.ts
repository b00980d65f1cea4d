import { request } from 'node:https';
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';

/** MSAL's network client over node:https, trusting one extra CA (the sandbox's certificate). */
export class TrustingNetworkClient implements INetworkModule {
  /** Every URL MSAL asked for, in order. */
  readonly calls: string[] = [];

  constructor(private readonly ca: string) {}

  sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions, timeout?: number) {
    return this.send<T>('GET', url, options, timeout);
  }

  sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions) {
    return this.send<T>('POST', url, options);
  }

  private send<T>(
    method: string,
    url: string,
    options: NetworkRequestOptions = {},
    timeout = 10_000,
  ): Promise<NetworkResponse<T>> {
    this.calls.push(`${method} ${url}`);
    return new Promise((resolve, reject) => {
      const req = request(url, { method, headers: options.headers ?? {}, ca: this.ca, timeout }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(res.headers)) {
            if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
          }
          resolve({ status: res.statusCode ?? 0, headers, body: (text ? JSON.parse(text) : {}) as T });
        });
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', reject);
      if (options.body) req.write(options.body);
      req.end();
    });
  }
}
