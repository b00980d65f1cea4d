import { accountsForConfig } from '../auth/accounts-for-config';
import type { ClientConfig } from '../domain/client-config';
import { createSyncController } from '../taskpane/sync-controller';
import { syncNowHandler, type CommandsOffice, type SyncRunner } from './sync-now';
import { controllerSyncRunner } from './sync-now-runner';

/** The sync for the signed-in user, built once per command runtime from the server's configuration. */
let runner: Promise<SyncRunner> | undefined;
function syncRunner(language: string): Promise<SyncRunner> {
  runner ??= (async () => {
    const origin = window.location.origin;
    const config = (await (await fetch(`${origin}/config.json`)).json()) as ClientConfig;
    const accounts = accountsForConfig(config, origin, true);
    const controller = createSyncController({ origin, graphBaseUrl: config.graphBaseUrl, accounts });
    return controllerSyncRunner(controller, language);
  })();
  // A failed set-up (server unreachable) is tried again on the next press.
  runner.catch(() => (runner = undefined));
  return runner;
}

/** office.js registers ribbon handlers by the FunctionName in the manifest. */
Office.onReady(() => {
  const office = Office as unknown as CommandsOffice;
  const language = office.context.displayLanguage ?? 'en';
  const run: SyncRunner = async () => (await syncRunner(language))();
  Office.actions.associate(
    'syncNow',
    syncNowHandler(office, () => run),
  );
});
