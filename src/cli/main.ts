import { loadConfig } from '../server/config';
import { startServer } from '../server/server';

const USAGE = `Usage: tandem <command>

Commands:
  serve     run the Tandem server (CRM API, add-in, and on the demo tenant the Graph sandbox)
`;

async function serve(): Promise<void> {
  const config = loadConfig();
  const server = await startServer(config);
  const base = config.port === 0 ? server.url : config.publicUrl;
  console.log(
    `Tandem is running (store: ${server.store.kind}${server.store.kind === 'pglite' ? ` in ${config.dataDir}` : ''})`,
  );
  console.log(`  API health:  ${base}/api/health`);
  if (config.sandbox) console.log('  Demo tenant: Contoso (Graph sandbox), sign in as admin@contoso.example');
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal} received: finishing requests in flight and closing the store…`);
    server.close().then(
      () => {
        console.log('Tandem stopped.');
        process.exit(0);
      },
      (error: unknown) => {
        console.error('Tandem did not stop cleanly:', error instanceof Error ? error.message : error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

async function main(argv: string[]): Promise<void> {
  const [command] = argv;
  switch (command) {
    case 'serve':
      return serve();
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return;
    default:
      console.error(`Unknown command "${command}".\n\n${USAGE}`);
      process.exitCode = 2;
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`tandem: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
