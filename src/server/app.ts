import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { JWTVerifyGetKey } from 'jose';
import { createTokenVerifier } from './auth/token-verifier';
import type { Store } from './db/store';
import { registerAuth } from './plugins/auth';
import { registerErrorHandler, registerValidation } from './plugins/http-errors';
import { registerRecordRoutes } from './routes/records';
import { RecordService } from './services/record-service';

export interface AppOptions {
  store: Store;
  auth: { issuer: string; audience: string; keys: JWTVerifyGetKey };
  logger?: FastifyServerOptions['logger'];
  /** Largest accepted request body, in bytes. */
  bodyLimit?: number;
}

/** The companion server: every route under /api is authenticated and scoped to the caller's organisation. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit ?? 2 * 1024 * 1024,
  });
  registerValidation(app);
  registerErrorHandler(app);

  await app.register(async (api) => {
    registerAuth(api, options.store.db, createTokenVerifier(options.auth));
    api.get('/api/health', { config: { access: 'public' } }, async () => ({
      status: 'ok',
      store: options.store.kind,
    }));
    registerRecordRoutes(api, new RecordService(options.store.db));
  });
  return app;
}
