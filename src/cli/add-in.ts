import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { ClientConfig } from '../domain/client-config';
import type { ServerConfig } from '../server/config';

/** The webpack output the server serves the add-in from. */
export const DIST_DIR = path.resolve(__dirname, '../../dist');

/** What the add-in learns at start: the sandbox sign-in, or the Entra ID app registration. */
export function clientConfigFor(config: ServerConfig, env: NodeJS.ProcessEnv = process.env): ClientConfig {
  if (config.sandbox) return { auth: { mode: 'sandbox' }, graphBaseUrl: `${config.publicUrl}/graph/v1.0` };
  const clientId = env.TANDEM_CLIENT_ID;
  if (!clientId) {
    throw new Error('TANDEM_CLIENT_ID must be set when Tandem is configured for a Microsoft 365 tenant.');
  }
  return {
    auth: {
      mode: 'entra',
      clientId,
      authority: env.TANDEM_AUTHORITY ?? 'https://login.microsoftonline.com/organizations',
      apiScope: `${config.auth.audience}/access_as_user`,
    },
    graphBaseUrl: env.TANDEM_GRAPH_URL ?? 'https://graph.microsoft.com/v1.0',
  };
}

/**
 * On a fresh checkout there is no build yet: compile the add-in in the background so the server
 * answers at once (a self-refreshing notice) and the pages appear when the build lands. It is a
 * production build, not minified (quick to make), with precompressed twins: about a ninth of the bytes
 * a development build sends.
 * On the demo tenant it keeps office.js on this origin (`--env demo`) so the demo also runs offline;
 * otherwise the pages load office.js from Microsoft's CDN. An existing build is served as it is.
 */
export function buildAddInIfMissing(
  log: (line: string) => void,
  options: { demo: boolean },
  env = process.env,
): void {
  if (env.TANDEM_ADDIN_BUILD === 'off' || fs.existsSync(path.join(DIST_DIR, 'taskpane.html'))) return;
  let cli: string;
  try {
    cli = require.resolve('webpack-cli/bin/cli.js');
  } catch {
    log('The add-in is not built and webpack is not installed: run `npm install && npm run build`.');
    return;
  }
  log('Building the add-in in the background…');
  const args = [cli, '--mode', 'production', '--no-stats', ...(options.demo ? ['--env', 'demo'] : [])];
  const child = spawn(process.execPath, args, {
    cwd: path.resolve(__dirname, '../..'),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  child.on('exit', (code) =>
    log(
      code === 0 ? 'The add-in is built.' : `The add-in build failed (exit ${code}):\n${errors.slice(-2000)}`,
    ),
  );
  // The build must not keep a stopping server alive.
  child.unref();
}
