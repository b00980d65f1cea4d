import fs from 'node:fs/promises';
import path from 'node:path';
import Fastify from 'fastify';
import { parseArgs } from 'node:util';
import { createGraphSandbox, graphSandboxPlugin } from '../sandbox';
import { loadConfig } from '../server/config';
import { openStore } from '../server/db/store';
import { HttpError } from '../server/errors';
import { actorForEmail, syncEngineFor } from '../server/services/sync-runner';
import type { SyncProgress, SyncReport } from '../sync/engine';
import { createGraphClient, type FetchLike, type GraphClient } from '../sync/graph';
import type { SyncResource } from '../sync/model';
import { DEFAULT_POLICY } from '../sync/planner';

export const SYNC_USAGE = `Usage: tandem sync --user <email> [--calendar] [--contacts] [--deactivate] [--graph-url URL] [--confirm-deletes]

Runs the two-way sync of one user's calendar and/or contacts (both when neither is named): activates
it on the first run, then syncs what changed on either side. --deactivate deletes the Tandem calendar
or contact folder in Outlook and forgets the links; CRM records stay.

The CRM store is the server's (DATABASE_URL, or the embedded store in TANDEM_DATA_DIR: stop the
server first, the embedded store takes one process at a time). Microsoft Graph is --graph-url with a
delegated token in GRAPH_TOKEN, or else, on the demo tenant, the Graph sandbox kept in the data
directory. A run that would delete more than half of the synced items stops; --confirm-deletes lets
it go ahead.
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
    if (process.stderr.isTTY) process.stderr.write(`\r${line.padEnd(70)}`);
  },
  env: process.env,
};

/** `tandem sync`: returns the exit code (0 done, 1 failed, 3 stopped by the mass-delete guard). */
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
        policy: values['confirm-deletes'] ? { ...DEFAULT_POLICY, massDelete: false } : DEFAULT_POLICY,
        onProgress: (p) => io.progress(progressLine(p)),
      });
      if (values.deactivate) {
        await engine.deactivate();
        io.progress('');
        io.out(
          `${resource}: deactivated; the Tandem ${containerWord(resource)} was removed from Outlook, CRM records kept.`,
        );
        continue;
      }
      // Activation of an active sync is simply a run.
      const report = await engine.activate();
      io.progress('');
      io.out(summary(report));
      if (report.outcome === 'refused') code = Math.max(code, 3);
      else if (report.outcome === 'partial') code = Math.max(code, 1);
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

function containerWord(resource: SyncResource): string {
  return resource === 'calendar' ? 'calendar' : 'contact folder';
}

function progressLine(p: SyncProgress): string {
  if (p.total <= 0) return `${p.resource}: ${p.phase}`;
  const width = 30;
  const filled = Math.round((p.done / p.total) * width);
  return `${p.resource}: ${p.phase.padEnd(9)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.done}/${p.total}`;
}

/** One line per resource: what was done, what failed, what needs the user. */
export function summary(report: SyncReport): string {
  const names: Record<string, string> = {
    createGraph: 'created in Outlook',
    createCrm: 'created in the CRM',
    update: 'updated',
    deleteGraph: 'deleted in Outlook',
    deleteCrm: 'deleted in the CRM (restorable)',
    unlink: 'unlinked',
    deleteDuplicate: 'duplicates removed',
  };
  const done = Object.entries(report.applied).map(([type, n]) => `${n} ${names[type] ?? type}`);
  const head = `${report.resource} (${report.mode}): ${report.outcome}`;
  if (report.outcome === 'refused' && report.refused) {
    const { deletions, linked } = report.refused;
    return `${head}: this run would delete ${deletions.crm} CRM records and ${deletions.graph} Outlook items of ${linked} synced. Nothing was changed; run again with --confirm-deletes to go ahead.`;
  }
  if (report.outcome === 'deactivated') {
    return `${head}: the Tandem ${containerWord(report.resource)} was deleted in Outlook, so the sync is off; CRM records kept.`;
  }
  const parts = [done.length > 0 ? done.join(', ') : 'nothing to do'];
  if (report.conflicts > 0) parts.push(`${report.conflicts} conflicts kept for review`);
  if (report.failures.length > 0) parts.push(`${report.failures.length} failed (retried next run)`);
  return `${head}: ${parts.join('; ')}`;
}

/**
 * The demo tenant's Graph sandbox, as the server keeps it in the data directory, answering in process
 * for this run and saved back afterwards. It answers as the server's own origin, so the delta links
 * it hands out are the same ones a run through the server would store.
 */
async function openSandbox(dataDir: string, crmAudience: string, publicUrl: string, upn: string) {
  const instance = createGraphSandbox({ crmAudience, publicUrl });
  const file = path.join(dataDir, 'graph-sandbox.json');
  try {
    instance.restore(await fs.readFile(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
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
      await fs.mkdir(dataDir, { recursive: true });
      await fs.writeFile(`${file}.tmp`, instance.snapshot());
      await fs.rename(`${file}.tmp`, file);
    },
  };
}
