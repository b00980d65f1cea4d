import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';

/** Where `webpack` writes the sandbox's Outlook view: outside dist/, so only the sandbox serves it. */
export const SANDBOX_PAGES_DIR = path.resolve(__dirname, '../../dist-sandbox');

const BUILDING_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="3">
<title>Outlook (Graph sandbox)</title></head>
<body style="font-family: system-ui, sans-serif; margin: 2rem">
<h1>Outlook (Graph sandbox)</h1><p role="status">The page is being built. It reloads by itself.</p>
</body></html>`;

/**
 * `/sandbox/outlook.html`: a browser view of a demo user's mailbox that reads and writes through the
 * sandbox's own Graph API. Registered only with the sandbox, so a real-tenant server never has it.
 */
export const sandboxOutlookPage: FastifyPluginAsync<{ dir?: string }> = async (app, options) => {
  const dir = options.dir ?? SANDBOX_PAGES_DIR;
  app.get('/sandbox/outlook.html', async (_request, reply) => {
    const file = path.join(dir, 'outlook.html');
    if (!fs.existsSync(file)) {
      return reply.code(503).header('retry-after', '3').type('text/html').send(BUILDING_PAGE);
    }
    return reply.header('cache-control', 'no-cache').type('text/html').send(fs.createReadStream(file));
  });
  await app.register(fastifyStatic, {
    root: path.join(dir, 'outlook'),
    prefix: '/sandbox/outlook/',
    decorateReply: false,
    index: false,
    // Bundles are content-hashed: cache them for good.
    setHeaders: (res) => res.header('cache-control', 'public, max-age=31536000, immutable'),
    suppressWarning: true,
  });
};
