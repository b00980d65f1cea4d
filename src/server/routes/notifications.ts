import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { BackgroundSyncHooks, ReceivedNotification } from '../worker/sync-activation';

/**
 * Where Microsoft Graph posts change and lifecycle notifications. Graph sends no bearer token, so
 * these routes are public: a notification is believed only when it names a subscription this server
 * made, for its tenant, with the clientState it was given, and even then it only asks for a run of
 * that user's sync (the run reads the changes itself). Everything else is acknowledged (202) and
 * ignored, so a forger learns nothing.
 */
export function registerNotificationRoutes(app: FastifyInstance, background: BackgroundSyncHooks): void {
  const receive =
    (handle: (items: ReceivedNotification[]) => Promise<number>) =>
    async (request: FastifyRequest, reply: FastifyReply) => {
      // The validation handshake: echo the token, decoded, as plain text.
      const query = request.query as Record<string, unknown> | undefined;
      const validationToken = query?.validationToken;
      if (typeof validationToken === 'string') {
        if (validationToken.length === 0 || validationToken.length > 1024)
          return reply.status(400).send({ error: 'invalid_request', message: 'querystring.validationToken' });
        return reply.status(200).type('text/plain; charset=utf-8').send(validationToken);
      }
      const body = request.body as { value?: unknown } | undefined;
      const items = Array.isArray(body?.value) ? (body.value as ReceivedNotification[]) : [];
      try {
        await handle(items.filter((item) => typeof item === 'object' && item !== null));
      } catch (error) {
        request.log.warn(
          `Graph notifications could not be handled: ${error instanceof Error ? error.message : String(error)}`,
        );
        // Graph retries a failed delivery; the backstop poll covers what is lost.
        return reply.status(503).send();
      }
      return reply.status(202).send();
    };

  const config = { access: 'public' as const };
  app.post(
    '/api/notifications/graph',
    { config },
    receive((items) => background.notified(items)),
  );
  app.post(
    '/api/notifications/lifecycle',
    { config },
    receive((items) => background.lifecycle(items)),
  );
}
