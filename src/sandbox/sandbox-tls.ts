import Fastify, { type FastifyInstance } from 'fastify';
import { generate } from 'selfsigned';
import type { GraphSandbox } from './graph-sandbox';
import { graphSandboxPlugin } from './sandbox-plugin';

export interface SandboxTlsCertificate {
  /** PEM certificate: the sandbox's own trust anchor (self-signed). */
  cert: string;
  /** PEM private key. */
  key: string;
}

/** A self-signed certificate for `localhost` and the loopback addresses, valid for a year. */
export async function generateSandboxCertificate(
  hosts: string[] = ['localhost'],
): Promise<SandboxTlsCertificate> {
  const names = [...new Set(['localhost', ...hosts])];
  const ips = new Set(['127.0.0.1', '::1']);
  const now = new Date();
  const pems = await generate([{ name: 'commonName', value: 'Tandem Graph sandbox' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - 60_000),
    notAfterDate: new Date(now.getTime() + 365 * 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          ...names.filter((n) => !ips.has(n)).map((value) => ({ type: 2 as const, value })),
          ...[...ips].map((ip) => ({ type: 7 as const, ip })),
        ],
      },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

export interface SandboxTlsServer {
  app: FastifyInstance;
  /** `https://localhost:port`: the origin of the sandbox's authority (`${origin}/sandbox/{tenant}`). */
  origin: string;
  /** The certificate a client must trust (PEM). */
  ca: string;
  close(): Promise<void>;
}

/**
 * Serves the same sandbox (identity provider, Graph, admin) over HTTPS, for clients such as MSAL that
 * refuse `http://` authorities. The certificate is generated at start unless one is given.
 */
export async function listenSandboxTls(
  sandbox: GraphSandbox,
  options: { port?: number; host?: string; certificate?: SandboxTlsCertificate } = {},
): Promise<SandboxTlsServer> {
  const host = options.host ?? '127.0.0.1';
  const certificate = options.certificate ?? (await generateSandboxCertificate());
  const app = Fastify({ logger: false, https: { key: certificate.key, cert: certificate.cert } });
  await app.register(graphSandboxPlugin, { sandbox, closeSandbox: false });
  await app.listen({ port: options.port ?? 0, host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    app,
    origin: `https://localhost:${port}`,
    ca: certificate.cert,
    close: () => app.close(),
  };
}
