import fs from 'node:fs';
import path from 'node:path';

/** Everything the server reads from the environment, parsed once at start. */
export interface ServerConfig {
  port: number;
  host: string;
  /** Public origin the server is reached at (used in links and printed at start). */
  publicUrl: string;
  /** PostgreSQL connection string; when absent the embedded PGlite store is used. */
  databaseUrl: string | undefined;
  /** Where PGlite keeps its files. */
  dataDir: string;
  auth: AuthConfig;
  /** Mount the Graph sandbox and its identity provider (the demo tenant). */
  sandbox: boolean;
  logLevel: string;
  mail: MailConfig;
  /** Edition of organisations created by an install. */
  newOrgEdition: 'free' | 'paid';
  backgroundSync: BackgroundSyncConfig;
}

export interface MailConfig {
  /** `smtp://user:password@host:587` (STARTTLS) or `smtps://…:465`; unset means no SMTP. */
  smtpUrl: string | undefined;
  /** Sender of Tandem's mails, `Name <address>` or a bare address. */
  from: string;
}

export interface AuthConfig {
  /** Issuer template; `{tenantid}` is replaced by the token's `tid`. */
  issuer: string;
  /** JWKS URL the token signatures are checked against. */
  jwksUrl: string;
  /** Audience the CRM API accepts (the app id URI or client id). */
  audience: string;
}

/**
 * Settings that only make sense for a real Microsoft 365 tenant: any one of them switches the Graph
 * sandbox off, since the sandbox mints tokens for anyone and would open the API to the internet.
 */
export const TENANT_SETTINGS = [
  'TANDEM_AUTH_ISSUER',
  'TANDEM_AUTH_JWKS_URL',
  'TANDEM_AUTH_AUDIENCE',
  'TANDEM_CLIENT_ID',
  'TANDEM_AUTHORITY',
  'TANDEM_GRAPH_URL',
] as const;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const port = parsePort(env.PORT ?? '3000');
  const publicUrl = stripSlash(env.TANDEM_PUBLIC_URL ?? `http://localhost:${port}`);
  const tenantSettings = TENANT_SETTINGS.filter((name) => Boolean(env[name]));
  const sandbox = parseSandbox(env.TANDEM_SANDBOX, tenantSettings);
  // The sandbox is a local tool: unless told otherwise, the demo answers on this machine only.
  const host = env.HOST || (sandbox ? '127.0.0.1' : '0.0.0.0');
  const auth: AuthConfig = sandbox
    ? {
        issuer: `${publicUrl}/sandbox/{tenantid}/v2.0`,
        jwksUrl: `${publicUrl}/sandbox/discovery/v2.0/keys`,
        audience: 'api://tandem',
      }
    : {
        issuer: env.TANDEM_AUTH_ISSUER ?? 'https://login.microsoftonline.com/{tenantid}/v2.0',
        jwksUrl: env.TANDEM_AUTH_JWKS_URL ?? 'https://login.microsoftonline.com/common/discovery/v2.0/keys',
        audience: required(env, 'TANDEM_AUTH_AUDIENCE'),
      };
  return {
    port,
    host,
    publicUrl,
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: path.resolve(env.TANDEM_DATA_DIR ?? '.tandem'),
    auth,
    sandbox,
    logLevel: env.LOG_LEVEL ?? 'info',
    mail: {
      smtpUrl: env.TANDEM_SMTP_URL || undefined,
      from: env.TANDEM_MAIL_FROM ?? `Tandem <no-reply@${new URL(publicUrl).hostname}>`,
    },
    newOrgEdition: parseEdition(env.TANDEM_EDITION ?? 'paid'),
    backgroundSync: loadBackgroundSyncConfig(env, { sandbox, publicUrl }),
  };
}

function parseSandbox(value: string | undefined, tenantSettings: string[]): boolean {
  if (value === undefined || value === '') return tenantSettings.length === 0;
  const normalised = value.trim().toLowerCase();
  if (normalised === 'false' || normalised === '0' || normalised === 'off') return false;
  if (normalised !== 'true' && normalised !== '1' && normalised !== 'on') {
    throw new Error(`TANDEM_SANDBOX must be "true" or "false", got "${value}"`);
  }
  if (tenantSettings.length > 0) {
    throw new Error(
      `TANDEM_SANDBOX=${value} cannot be combined with a Microsoft 365 tenant configuration ` +
        `(${tenantSettings.join(', ')} set): the sandbox signs tokens for anyone. ` +
        'Unset TANDEM_SANDBOX for the tenant, or unset those settings for the local demo.',
    );
  }
  return true;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be a port number, got "${value}"`);
  return port;
}

function parseEdition(value: string): 'free' | 'paid' {
  if (value !== 'free' && value !== 'paid')
    throw new Error(`TANDEM_EDITION must be "free" or "paid", got "${value}"`);
  return value;
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`${name} must be set when Tandem is configured for a Microsoft 365 tenant.`);
  return value;
}

function stripSlash(url: string): string {
  return url.endsWith('/') ? url.slice(0, -1) : url;
}

/** Background sync: the worker, its queue and the delegated Graph access the server holds for users. */
export interface BackgroundSyncConfig {
  /** Run the sync worker in this process (`TANDEM_WORKER=off` leaves it to `tandem worker` elsewhere). */
  worker: boolean;
  /**
   * The 32-byte key that seals the credentials the server holds (`TANDEM_SECRET_KEY`, base64 or hex).
   * Unset on the demo tenant: a key is generated once into the data directory.
   */
  secretKey: string | undefined;
  /** The Entra app the server acts as for the on-behalf-of flow, and its client secret. */
  clientId: string | undefined;
  clientSecret: string | undefined;
  /** Authority the server's own tokens come from; `{tenantid}` is replaced by the user's tenant. */
  authority: string;
  /**
   * A certificate (PEM) to trust for the authority beside the usual ones: the demo tenant's, whose
   * token endpoint the server serves over HTTPS with a certificate generated at start.
   */
  authorityCa?: string | undefined;
  /** Microsoft Graph the worker syncs against. */
  graphUrl: string;
  /** Minutes between backstop runs of every active sync. */
  pollMinutes: number;
  /** Seconds a triggered run waits, so a burst of changes becomes one run. */
  debounceSeconds: number;
  /** Sync runs at once in one worker process. */
  concurrency: number;
}

export function loadBackgroundSyncConfig(
  env: NodeJS.ProcessEnv,
  base: { sandbox: boolean; publicUrl: string },
): BackgroundSyncConfig {
  const worker = (env.TANDEM_WORKER ?? 'on').toLowerCase();
  if (!['on', 'off', 'true', 'false', '1', '0'].includes(worker))
    throw new Error(`TANDEM_WORKER must be "on" or "off", got "${env.TANDEM_WORKER}"`);
  return {
    worker: ['on', 'true', '1'].includes(worker),
    secretKey: env.TANDEM_SECRET_KEY || undefined,
    clientId: env.TANDEM_CLIENT_ID || undefined,
    clientSecret: env.TANDEM_CLIENT_SECRET || undefined,
    authority: stripSlash(
      env.TANDEM_TOKEN_AUTHORITY ??
        (base.sandbox
          ? `${base.publicUrl}/sandbox/{tenantid}`
          : `${new URL(env.TANDEM_AUTHORITY ?? 'https://login.microsoftonline.com').origin}/{tenantid}`),
    ),
    authorityCa: env.TANDEM_TOKEN_AUTHORITY_CA ? readCa(env.TANDEM_TOKEN_AUTHORITY_CA) : undefined,
    graphUrl: stripSlash(
      env.TANDEM_GRAPH_URL ??
        (base.sandbox ? `${base.publicUrl}/graph/v1.0` : 'https://graph.microsoft.com/v1.0'),
    ),
    pollMinutes: positiveNumber(env, 'TANDEM_SYNC_POLL_MINUTES', 15),
    debounceSeconds: positiveNumber(env, 'TANDEM_SYNC_DEBOUNCE_SECONDS', 1, true),
    concurrency: Math.floor(positiveNumber(env, 'TANDEM_WORKER_CONCURRENCY', 4)),
  };
}

/** A PEM certificate file to trust for the token authority. */
function readCa(file: string): string {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`TANDEM_TOKEN_AUTHORITY_CA: ${file} cannot be read (${(error as Error).message})`, {
      cause: error,
    });
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----'))
    throw new Error(`TANDEM_TOKEN_AUTHORITY_CA: ${file} holds no PEM certificate`);
  return text;
}

function positiveNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, zeroAllowed = false): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || (!zeroAllowed && value === 0))
    throw new Error(`${name} must be a ${zeroAllowed ? 'non-negative' : 'positive'} number, got "${raw}"`);
  return value;
}
