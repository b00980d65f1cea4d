import { createRemoteJWKSet } from 'jose';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app';
import type { ServerConfig } from './config';
import { openStore, type Store } from './db/store';

export interface RunningServer {
  app: FastifyInstance;
  store: Store;
  url: string;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Mounts more plugins before the server listens (the CLI mounts the Graph sandbox this way). */
  mount?: (app: FastifyInstance) => Promise<void>;
  /** Runs after the server stopped taking requests, before the store closes. */
  onClose?: () => Promise<void>;
}

/** Opens the store, builds the app and listens; `close` stops taking requests, finishes those in flight, then closes the store. */
export async function startServer(config: ServerConfig, options: StartOptions = {}): Promise<RunningServer> {
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  let app: FastifyInstance;
  try {
    app = await buildApp({
      store,
      auth: {
        issuer: config.auth.issuer,
        audience: config.auth.audience,
        keys: createRemoteJWKSet(new URL(config.auth.jwksUrl)),
      },
      logger: {
        level: config.logLevel,
        // Bearer tokens and cookies never reach the logs.
        redact: ['req.headers.authorization', 'req.headers.cookie'],
      },
    });
    await options.mount?.(app);
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await store.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  let closing: Promise<void> | undefined;
  return {
    app,
    store,
    url: `http://localhost:${port}`,
    close: () =>
      (closing ??= (async () => {
        await app.close();
        await options.onClose?.();
        await store.close();
      })()),
  };
}
