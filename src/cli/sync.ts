import Fastify from 'fastify';
import { parseArgs } from 'node:util';
import { createGraphSandbox, graphSandboxPlugin } from '../sandbox';
import { SandboxFiles } from '../sandbox/sandbox-files';
import { loadConfig } from '../server/config';
import { openStore } from '../server/db/store';
import { HttpError } from '../server/errors';
import { actorForEmail, syncEngineFor } from '../server/services/sync-runner';
import { createGraphClient, type FetchLike, type GraphClient } from '../sync/graph';
import type { SyncResource } from '../sync/model';
import { DEFAULT_POLICY, type SyncPolicy } from '../sync/planner';
import { deactivatedLine, exitCodeOf, progressLine, summary } from './sync-output';
import { syncThroughServer } from './sync-remote';

export const SYNC_USAGE = `Usage: tandem sync --user <email> [--calendar] [--contacts] [--deactivate]
                   [--crm-url URL] [--graph-url URL] [--confirm-deletes]

Runs the two-way sync of one user's calendar and/or contacts (both when neither is named): activates
it when it is off, then syncs what changed on either side. --deactivate deletes the Tandem calendar
or contact folder in Outlook and forgets the links; CRM records stay.

With --crm-url, the run goes through that Tandem server's API, as the add-in's does (the server may be
running): the user's field mapping applies and the run shows on the Microsoft integration page. The
user's tokens come from CRM_TOKEN (the Tandem API) and GRAPH_TOKEN (delegated Microsoft Graph); when
the server runs the Graph sandbox (the demo tenant), a token not given comes from its sandbox sign-in,
and Graph is the server's sandbox unless --graph-url is given. Without a sandbox, Graph is the one the
server's add-in uses, unless --graph-url is given.

Without --crm-url, the run opens the CRM store itself (DATABASE_URL, or the embedded store in
TANDEM_DATA_DIR: stop the server first, the embedded store takes one process at a time). Microsoft
Graph is then --graph-url (or TANDEM_GRAPH_URL) with a delegated token in GRAPH_TOKEN, or else, on the
demo tenant, the Graph sandbox kept in the data directory.

A run that would delete more than half of the synced items stops; --confirm-deletes lets it go ahead.
Exit codes: 0 done, 1 failed (or partly failed), 2 usage or a missing token, 3 stopped by the
mass-delete guard.
`;

export interface SyncCliIo {
  out: (line: string) => void;
  /** Progress, redrawn in place on a terminal. */
  progress: (line: string) => void;
  env: NodeJS.ProcessEnv;
}

const defaultIo: SyncCliIo = {
  out: (line) => console.log(line),
  progress: (line) => {
    // An empty line clears the bar and puts the cursor back, so the summary starts at the margin.
    if (process.stderr.isTTY) process.stderr.write(line ? `\r${line.padEnd(70)}` : `\r${' '.repeat(70)}\r`);
  },
  env: process.env,
};

/** `tandem sync`: returns the exit code (0 done, 1 failed, 2 usage, 3 stopped by the mass-delete guard). */
export async function syncCommand(argv: string[], io: SyncCliIo = defaultIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        user: { type: 'string' },
        calendar: { type: 'boolean', default: false },
        contacts: { type: 'boolean', default: false },
        deactivate: { type: 'boolean', default: false },
        'graph-url': { type: 'string' },
        'crm-url': { type: 'string' },
        'confirm-deletes': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    io.out(`${error instanceof Error ? error.message : String(error)}\n\n${SYNC_USAGE}`);
    return 2;
  }
  if (values.help) {
    io.out(SYNC_USAGE);
    return 0;
  }
  if (!values.user) {
    io.out(`--user is required.\n\n${SYNC_USAGE}`);
    return 2;
  }
  const resources: SyncResource[] =
    values.calendar || values.contacts
      ? [
          ...(values.calendar ? (['calendar'] as const) : []),
          ...(values.contacts ? (['contacts'] as const) : []),
        ]
      : ['calendar', 'contacts'];

  const policy: SyncPolicy = values['confirm-deletes']
    ? { ...DEFAULT_POLICY, massDelete: false }
    : DEFAULT_POLICY;
  if (values['crm-url'] !== undefined) {
    return syncThroughServer(
      {
        crmUrl: values['crm-url'],
        user: values.user,
        resources,
        deactivate: values.deactivate,
        graphUrl: values['graph-url'],
        policy,
      },
      io,
    );
  }

  const config = loadConfig(io.env);
  const graphUrl = values['graph-url'] ?? io.env.TANDEM_GRAPH_URL;
  if (graphUrl && !io.env.GRAPH_TOKEN) {
    io.out('GRAPH_TOKEN must hold a delegated Microsoft Graph token when --graph-url is given.');
    return 2;
  }
  if (!graphUrl && !config.sandbox) {
    io.out('Give --graph-url (and GRAPH_TOKEN): this installation has no Graph sandbox.');
    return 2;
  }

  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const sandbox = graphUrl
    ? undefined
    : await openSandbox(config.dataDir, config.auth.audience, config.publicUrl, values.user);
  try {
    const actor = await actorForEmail(store.db, values.user);
    const graph: GraphClient = createGraphClient({
      baseUrl: graphUrl ?? `${sandbox!.origin}/graph/v1.0`,
      getToken: async () => (graphUrl ? (io.env.GRAPH_TOKEN as string) : sandbox!.token()),
      ...(sandbox ? { fetch: sandbox.fetch } : {}),
    });
    let code = 0;
    for (const resource of resources) {
      const engine = await syncEngineFor({
        db: store.db,
        actor,
        resource,
        graph,
        holder: `cli-${process.pid}`,
        policy,
        onProgress: (p) => io.progress(progressLine(p)),
      });
      if (values.deactivate) {
        await engine.deactivate();
        io.progress('');
        io.out(deactivatedLine(resource));
        continue;
      }
      // Activation of an active sync is simply a run.
      const report = await engine.activate();
      io.progress('');
      io.out(summary(report));
      code = Math.max(code, exitCodeOf(report));
    }
    return code;
  } catch (error) {
    if (error instanceof HttpError) {
      io.out(error.message);
      return 1;
    }
    throw error;
  } finally {
    await sandbox?.close();
    await store.close();
  }
}

/**
 * The demo tenant's Graph sandbox, as the server keeps it in the data directory, answering in process
 * for this run and saved back afterwards. It answers as the server's own origin, so the delta links
 * it hands out are the same ones a run through the server would store.
 */
async function openSandbox(dataDir: string, crmAudience: string, publicUrl: string, upn: string) {
  const instance = createGraphSandbox({ crmAudience, publicUrl });
  const files = await SandboxFiles.open(instance, dataDir);
  const app = Fastify({ logger: false });
  await app.register(graphSandboxPlugin, { sandbox: instance });
  await app.ready();
  const origin = publicUrl.replace(/\/+$/, '');
  const fetchLike: FetchLike = async (input, init) => {
    const url = new URL(input);
    const res = await app.inject({
      method: (init.method ?? 'GET') as 'GET',
      url: url.pathname + url.search,
      headers: { ...(init.headers as Record<string, string>), host: url.host },
      ...(typeof init.body === 'string' ? { payload: init.body } : {}),
    });
    const headers = new Headers();
    for (const [name, value] of Object.entries(res.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : String(value));
    }
    const empty = res.statusCode === 204 || res.statusCode === 304 || res.rawPayload.length === 0;
    return new Response(empty ? null : new Uint8Array(res.rawPayload), { status: res.statusCode, headers });
  };
  return {
    origin,
    fetch: fetchLike,
    token: () => instance.issueToken(upn, 'graph', { origin }),
    close: async () => {
      await app.close();
      await files.close();
    },
  };
}
