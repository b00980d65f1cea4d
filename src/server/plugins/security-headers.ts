import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/** Where Microsoft's sign-in (MSAL) and Graph live: the public cloud and the national clouds. */
export const MICROSOFT_SIGN_IN_AND_GRAPH = [
  'https://login.microsoftonline.com',
  'https://graph.microsoft.com',
  'https://login.microsoftonline.us',
  'https://graph.microsoft.us',
  'https://dod-graph.microsoft.us',
  'https://login.partner.microsoftonline.cn',
  'https://microsoftgraph.chinacloudapi.cn',
];

/** office.js may load its host-specific parts (and telemetry) from Microsoft's CDN. */
const OFFICE_JS_CDN = 'https://appsforoffice.microsoft.com';
/** office.js frames Office's telemetry proxy page. */
const OFFICE_JS_TELEMETRY = 'https://telemetryservice.firstpartyapps.oaspapps.com';

/**
 * The pages that may frame the add-in: Outlook on the web (old and new hosts, consumer and work,
 * national clouds) and Office's dialog host. Outlook for Windows and Mac load the pane top-level.
 */
export const OFFICE_HOSTS = [
  'https://*.office.com',
  'https://*.office365.com',
  'https://*.outlook.com',
  'https://*.cloud.microsoft',
  'https://*.microsoft.com',
  'https://*.live.com',
  'https://*.office365.us',
  'https://*.outlook.cn',
  'https://*.partner.outlook.cn',
];

export interface SecurityHeaderOptions {
  /** More origins the pages may call (e.g. a Graph or sign-in host outside the clouds above). */
  connectSources?: readonly string[];
}

/**
 * Helmet's security headers on every answer, with a Content-Security-Policy the taskpane, the
 * sign-in dialog, MSAL's redirect bridge and office.js work under: scripts only from this origin
 * (and office.js's CDN), styles inline too (Fluent UI writes its styles at run time), calls to this
 * origin and Microsoft's sign-in and Graph, MSAL's silent sign-in frame and office.js's telemetry
 * frame, and framing by Office's hosts only. No X-Frame-Options (it cannot name Office's hosts; frame-ancestors does) and no
 * Cross-Origin-Opener-Policy (MSAL's popup needs its opener); the add-in's icons may be loaded by
 * Outlook's pages, so resources are not restricted to this origin.
 */
export async function registerSecurityHeaders(
  app: FastifyInstance,
  options: SecurityHeaderOptions = {},
): Promise<void> {
  const microsoft = [...MICROSOFT_SIGN_IN_AND_GRAPH, ...(options.connectSources ?? [])];
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", OFFICE_JS_CDN],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'", OFFICE_JS_CDN, ...microsoft],
        frameSrc: [
          "'self'",
          OFFICE_JS_TELEMETRY,
          ...MICROSOFT_SIGN_IN_AND_GRAPH.filter((o) => o.includes('login.')),
        ],
        frameAncestors: ["'self'", ...OFFICE_HOSTS],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
      },
    },
    frameguard: false,
    crossOriginOpenerPolicy: false,
    crossOriginResourcePolicy: { policy: 'cross-origin' },
    // HSTS belongs to the TLS front end of a deployment; sent here it would pin localhost to https.
    strictTransportSecurity: false,
  });
}
