import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/server/app';
import type { Store } from '../../src/server/db/store';
import { createTestIssuer, type TestIssuer } from './auth';
import { createTestStore } from './store';

export interface TestApp {
  app: FastifyInstance;
  store: Store;
  issuer: TestIssuer;
  close(): Promise<void>;
}

/** The real server over a test store, verifying tokens of a test issuer through the production path. */
export async function createTestApp(): Promise<TestApp> {
  const store = await createTestStore();
  const issuer = await createTestIssuer();
  const app = await buildApp({ store, auth: issuer.auth });
  return {
    app,
    store,
    issuer,
    close: async () => {
      await app.close();
      await store.close();
    },
  };
}
