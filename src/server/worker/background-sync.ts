import type { ServerConfig } from '../config';
import type { Store } from '../db/store';
import { loadSecretKey, SyncCredentialVault } from '../services/sync-credentials';
import type { FetchLike } from '../../sync/graph';
import { MsalTokenProvider } from './msal-token-provider';
import { notificationUrls, SyncSubscriptions } from './subscriptions';
import { SyncActivation } from './sync-activation';
import { TrustingNetworkClient } from './trusting-network-client';
import { SyncQueue } from './sync-queue';
import { runSyncOnRecordWrites } from './sync-triggers';
import { SyncWorker, type WorkerLog } from './sync-worker';
import { SignInRequiredError, type GraphTokenProvider } from './token-provider';

export interface BackgroundSync {
  queue: SyncQueue;
  tokens: GraphTokenProvider;
  /** What the API routes call when a sync is turned on or off, and for Graph's notifications. */
  hooks: SyncActivation;
  /** Present when this process runs syncs (not only queues them). */
  worker: SyncWorker | undefined;
  stop(): Promise<void>;
}

export interface BackgroundSyncOptions {
  store: Store;
  config: ServerConfig;
  /** Run syncs here; false only queues them (for workers elsewhere on the same database). */
  runWorker: boolean;
  log: WorkerLog;
  /** Instead of MSAL (tests). */
  tokens?: GraphTokenProvider;
  fetch?: FetchLike;
}

/**
 * Background sync for one process: the queue on the store's database, CRM writes queuing runs, and
 * (unless `runWorker` is false) the worker taking them, with its backstop poll.
 */
export async function startBackgroundSync(options: BackgroundSyncOptions): Promise<BackgroundSync> {
  const { store, config, log } = options;
  const settings = config.backgroundSync;
  const tokens = options.tokens ?? (await tokenProviderFor(config, store, log));
  const queue = await SyncQueue.open(
    { pglite: store.pglite, databaseUrl: config.databaseUrl },
    {
      debounceSeconds: settings.debounceSeconds,
      onError: (error) => log.warn(`Sync queue: ${error.message}`),
    },
  );
  const unsubscribe = runSyncOnRecordWrites(store.db, queue, log);
  const subscriptions = new SyncSubscriptions(store.db, notificationUrls(config.publicUrl));
  const hooks = new SyncActivation({
    db: store.db,
    tokens,
    queue,
    subscriptions,
    graphUrl: settings.graphUrl,
    log,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  let worker: SyncWorker | undefined;
  if (options.runWorker) {
    worker = new SyncWorker({
      db: store.db,
      queue,
      tokens,
      graphUrl: settings.graphUrl,
      concurrency: settings.concurrency,
      pollMinutes: settings.pollMinutes,
      subscriptions,
      log,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    await worker.start();
  }
  let stopping: Promise<void> | undefined;
  return {
    queue,
    tokens,
    hooks,
    worker,
    stop: () =>
      (stopping ??= (async () => {
        unsubscribe();
        await worker?.stop();
        await queue.stop();
      })()),
  };
}

/** MSAL with the app's client credentials; without them, a provider that holds nothing. */
async function tokenProviderFor(
  config: ServerConfig,
  store: Store,
  log: WorkerLog,
): Promise<GraphTokenProvider> {
  const settings = config.backgroundSync;
  if (!settings.clientId || !settings.clientSecret) {
    log.info(
      'Background sync holds no Microsoft credentials: set TANDEM_CLIENT_ID and TANDEM_CLIENT_SECRET to let the server sync while users are away.',
    );
    return noServerTokens;
  }
  const key = await loadSecretKey({
    secretKey: settings.secretKey,
    dataDir: config.dataDir,
    sandbox: config.sandbox,
  });
  return new MsalTokenProvider({
    vault: new SyncCredentialVault(store.db, key),
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    authority: settings.authority,
    ...(settings.authorityCa ? { networkClient: new TrustingNetworkClient(settings.authorityCa) } : {}),
  });
}

const noServerTokens: GraphTokenProvider = {
  connect: async () => {
    throw new SignInRequiredError(
      'This server is not set up to hold Microsoft credentials for background sync.',
    );
  },
  holds: async () => false,
  graphToken: async () => {
    throw new SignInRequiredError(
      'This server is not set up to hold Microsoft credentials for background sync.',
    );
  },
  disconnect: async () => {},
};
