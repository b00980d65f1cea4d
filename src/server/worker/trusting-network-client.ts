import { request } from 'node:https';
import { rootCertificates } from 'node:tls';
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';

/**
 * MSAL's network client over node:https, trusting one certificate authority beside the usual ones:
 * the self-signed certificate of an authority the server runs beside itself (the demo tenant's).
 * Configuration only: MSAL speaks to it exactly as it speaks to Entra ID.
 */
export class TrustingNetworkClient implements INetworkModule {
  private readonly ca: string[];

  constructor(extraCa: string) {
    this.ca = [...rootCertificates, extraCa];
  }

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
    timeout = 15_000,
  ): Promise<NetworkResponse<T>> {
    return new Promise((resolve, reject) => {
      const req = request(url, { method, headers: options.headers ?? {}, ca: this.ca, timeout }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(res.headers))
            if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
          resolve({ status: res.statusCode ?? 0, headers, body: parseJson(text) as T });
        });
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`The request to ${new URL(url).origin} timed out.`)));
      req.on('error', reject);
      if (options.body) req.write(options.body);
      req.end();
    });
  }
}

/** MSAL reads the answer's fields; a body that is not JSON (an HTML error page) reads as empty. */
function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : {};
  } catch {
    return {};
  }
}
