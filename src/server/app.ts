import Fastify, { type FastifyInstance } from 'fastify';

export interface AppOptions {
  storeKind: 'pglite' | 'postgres';
  logger?: boolean | object;
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: options.logger ?? false });
  app.get('/api/health', async () => ({ status: 'ok', store: options.storeKind }));
  return app;
}
