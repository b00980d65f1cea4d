import { seed } from './seed';
import { serve } from './serve';
import { syncCommand } from './sync';
import { worker } from './worker';

const USAGE = `Usage: tandem <command>

Commands:
  serve     run the Tandem server (CRM API, background sync, and on the demo tenant the Graph sandbox)
  worker    run background sync only, beside servers on the same PostgreSQL (tandem worker --help)
  seed      fill a running server on the demo tenant with realistic data (tandem seed --help)
  sync      two-way calendar and contact sync of one user (tandem sync --help)
`;

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      return serve();
    case 'seed':
      return seed(rest);
    case 'worker':
      return worker(rest);
    case 'sync':
      process.exitCode = await syncCommand(rest);
      return;
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
