import Fastify, { type FastifyInstance, type FastifySchema, type FastifyServerOptions } from 'fastify';
import type { JWTVerifyGetKey } from 'jose';
import { createTokenVerifier } from './auth/token-verifier';
import type { Store } from './db/store';
import { registerAuth } from './plugins/auth';
import { registerErrorHandler, registerTextCheck, registerValidation } from './plugins/http-errors';
import { registerSecurityHeaders, type SecurityHeaderOptions } from './plugins/security-headers';
import { registerAccountRoutes } from './routes/account';
import { registerNotificationRoutes } from './routes/notifications';
import { registerOnboardingRoutes } from './routes/onboarding';
import { registerRecordRoutes } from './routes/records';
import { registerSyncRoutes } from './routes/sync';
import { registerSyncHealthRoutes } from './routes/sync-health';
import { registerUserRoutes } from './routes/users';
import { OnboardingService } from './services/onboarding-service';
import { onboardingSettings, type OnboardingSettings } from './services/onboarding-settings';
import { RecordService } from './services/record-service';
import { LateServerSyncAccess } from './services/sync-health';
import { UserAdminService } from './services/user-admin-service';
import { LateBackgroundSyncHooks, type BackgroundSyncHooks } from './worker/sync-activation';

export interface RouteSummary {
  method: string;
  url: string;
  access: string;
  /** The route's declared input schemas (body, querystring, params, headers), for tests that probe them. */
  schema: FastifySchema | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route with its declared access, so tests can prove none is left unauthenticated. */
    routeSummary(): RouteSummary[];
  }
}

export interface AppOptions {
  store: Store;
  auth: { issuer: string; audience: string; keys: JWTVerifyGetKey };
  logger?: FastifyServerOptions['logger'];
  /** How requests are logged (the demo's readable lines); Fastify's JSON pair when absent. */
  logController?: FastifyServerOptions['logController'];
  /** Largest accepted request body, in bytes. */
  bodyLimit?: number;
  /** Onboarding rules and links (public URL, terms version, limits, the mail sender's wake-up). */
  onboarding?: Partial<OnboardingSettings>;
  /** Additions to the pages' Content-Security-Policy. */
  securityHeaders?: SecurityHeaderOptions;
  /** Background sync's queue and tokens for "Sync now" and reconnecting (set once it has started). */
  serverSync?: LateServerSyncAccess;
  /** Background sync: turning syncs on and off, and Graph's notifications (none: unavailable). */
  background?: BackgroundSyncHooks;
}

/** The companion server: every route under /api is authenticated and scoped to the caller's organisation. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const routes: RouteSummary[] = [];
  const app = Fastify({
    logger: options.logger ?? false,
    ...(options.logController ? { logController: options.logController } : {}),
    bodyLimit: options.bodyLimit ?? 2 * 1024 * 1024,
  });
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat())
      routes.push({ method, url: route.url, access: route.config?.access ?? 'member', schema: route.schema });
  });
  app.decorate('routeSummary', () => routes.filter((r) => r.method !== 'HEAD'));
  registerValidation(app);
  registerErrorHandler(app);
  await registerSecurityHeaders(app, options.securityHeaders);

  await app.register(async (api) => {
    registerAuth(api, options.store.db, createTokenVerifier(options.auth));
    registerTextCheck(api);
    api.get('/api/health', { config: { access: 'public' } }, async () => ({
      status: 'ok',
      store: options.store.kind,
    }));
    registerAccountRoutes(api, options.store.db);
    registerRecordRoutes(api, new RecordService(options.store.db));
    const background = options.background ?? new LateBackgroundSyncHooks();
    registerSyncRoutes(api, options.store.db, background);
    registerNotificationRoutes(api, background);
    registerSyncHealthRoutes(api, options.store.db, options.serverSync ?? new LateServerSyncAccess());
    const settings = onboardingSettings(options.onboarding);
    registerOnboardingRoutes(api, new OnboardingService(options.store.db, settings));
    registerUserRoutes(api, new UserAdminService(options.store.db, settings));
  });
  return app;
}
