import { loadConfig } from '../server/config';
import { openStore } from '../server/db/store';
import { startBackgroundSync } from '../server/worker/background-sync';

export const WORKER_USAGE = `Usage: tandem worker

Runs background sync only (no web server): takes the sync runs the servers queue on the shared
database, and queues the backstop runs. Start as many as you like beside \`tandem serve\`
(TANDEM_WORKER=off there to leave the syncing to them): they share the queue, and a user's sync runs
on one of them at a time. Give it DATABASE_URL: the embedded store (PGlite) takes one process at a
time, so there \`tandem serve\` runs the worker itself.
`;

/** \`tandem worker\`: the sync worker alone, until SIGINT or SIGTERM. */
export async function worker(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(WORKER_USAGE);
    return;
  }
  const config = loadConfig();
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const log = {
    info: (line: string) => console.log(line),
    warn: (line: string) => console.warn(line),
  };
  let background;
  try {
    background = await startBackgroundSync({ store, config, runWorker: true, log });
  } catch (error) {
    await store.close();
    throw error;
  }
  const where = store.kind === 'pglite' ? `PGlite in ${config.dataDir}` : 'PostgreSQL';
  console.log(
    `Tandem sync worker is running (store: ${where}; Graph: ${config.backgroundSync.graphUrl}; backstop every ${config.backgroundSync.pollMinutes} min)`,
  );
  const running = background;
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal} received: finishing the runs in progress…`);
    running
      .stop()
      .then(() => store.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          console.error('The worker did not stop cleanly:', error instanceof Error ? error.message : error);
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
