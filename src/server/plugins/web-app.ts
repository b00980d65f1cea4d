import fs from 'node:fs';
import path from 'node:path';
import fastifyCompress from '@fastify/compress';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import type { ClientConfig } from '../../domain/client-config';

export interface WebAppOptions {
  /** The webpack output: taskpane.html, commands.html, redirect.html, bundles, assets, office-js. */
  distDir: string;
  clientConfig: ClientConfig;
}

const BUILDING_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="3">
<title>Tandem CRM</title></head>
<body style="font-family: system-ui, sans-serif; margin: 2rem">
<h1>Tandem CRM</h1><p role="status">The add-in is being built. This page reloads by itself.</p>
</body></html>`;

/** A content-hashed bundle (`taskpane.0123abcd.js`), or its precompressed twin (`….js.br`, `….js.gz`). */
const HASHED_ASSET = /\.[0-9a-f]{8}\.(js|css)(\.br|\.gz)?$/;

/**
 * Serves the add-in and web app (the same pages) from the build output, and the client configuration
 * they start from. Content-hashed bundles are cached for good; pages are always revalidated so a
 * new deployment reaches users at once. The production build's .br/.gz twins are sent as they are;
 * anything else (office.js's local copy, a development build) is compressed on the fly.
 * No COOP header is sent: MSAL's redirect bridge needs none.
 */
export async function registerWebApp(app: FastifyInstance, options: WebAppOptions): Promise<void> {
  fs.mkdirSync(options.distDir, { recursive: true });
  // Applies to the routes registered from here on: the pages, the bundles and the configuration.
  await app.register(fastifyCompress, { global: true });
  app.get('/config.json', { config: { access: 'public' } }, async () => options.clientConfig);
  // Until the first build lands, the pages answer a self-refreshing notice instead of a bare 404.
  for (const page of ['taskpane.html', 'commands.html', 'redirect.html', 'dialog.html']) {
    app.get(`/${page}`, { config: { access: 'public' } }, async (_request, reply) => {
      if (fs.existsSync(path.join(options.distDir, page))) return reply.sendFile(page);
      return reply.code(503).header('retry-after', '3').type('text/html').send(BUILDING_PAGE);
    });
  }
  app.get('/', { config: { access: 'public' } }, async (_request, reply) => reply.redirect('/taskpane.html'));
  await app.register(fastifyStatic, {
    root: options.distDir,
    index: false,
    wildcard: true,
    preCompressed: true,
    // Our own cache-control below, not the plugin's max-age=0.
    cacheControl: false,
    setHeaders: (res, file) => {
      res.header(
        'cache-control',
        HASHED_ASSET.test(file) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
}
