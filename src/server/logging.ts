import { LogController, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import pinoPretty from 'pino-pretty';
import type { ServerConfig } from './config';

/**
 * Bearer tokens and cookies never reach the logs: Fastify's request serializer leaves headers out, and
 * headers logged by hand (`{ headers }`, `{ req: { headers } }`, …) are redacted.
 */
const REDACTED = [
  'headers.authorization',
  'headers.cookie',
  '*.headers.authorization',
  '*.headers.cookie',
  '*.headers["set-cookie"]',
];

/** Requests the log names at info in the demo; everything else is a page or asset, logged at debug. */
const APPLICATION_ROUTES = /^\/(api|graph|sandbox|config\.json)(\/|\?|$)/;

export interface ServerLogging {
  logger: FastifyServerOptions['logger'];
  /** The demo's readable request lines; absent, Fastify's own JSON pair per request. */
  logController?: LogController;
}

/**
 * Production (a real tenant, or NODE_ENV=production) logs JSON lines, one object per event, for a log
 * collector. The demo writes readable lines to the terminal: one per API call, none for assets at info.
 */
export function serverLogging(
  config: Pick<ServerConfig, 'sandbox' | 'logLevel'>,
  env: NodeJS.ProcessEnv = process.env,
  destination: NodeJS.WritableStream = process.stdout,
): ServerLogging {
  const readable = config.sandbox && env.NODE_ENV !== 'production';
  if (!readable) return { logger: { level: config.logLevel, redact: REDACTED } };
  const stream = pinoPretty({
    destination,
    colorize: destination === process.stdout && process.stdout.isTTY,
    translateTime: 'SYS:HH:MM:ss',
    ignore: 'pid,hostname,reqId',
    singleLine: true,
    sync: true,
  });
  return {
    logger: { level: config.logLevel, redact: REDACTED, stream },
    logController: new ReadableRequestLog(),
  };
}

/**
 * One line per answered request instead of Fastify's two JSON objects: `GET /api/contacts 200 12 ms`.
 * API, Graph sandbox and configuration requests show at info; pages and assets only at debug.
 * Errors keep Fastify's own error lines.
 */
export class ReadableRequestLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const line = `${request.method} ${request.url} ${reply.statusCode} ${Math.round(reply.elapsedTime)} ms`;
    if (error || reply.statusCode >= 500) reply.log.error({ err: error ?? undefined }, line);
    else if (APPLICATION_ROUTES.test(request.url)) reply.log.info(line);
    else reply.log.debug(line);
  }
}
