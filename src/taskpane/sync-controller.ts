import type { AccountManager } from '../auth/account-manager';
import type { ContactFieldMapping } from '../domain/contact-field-mapping';
import type { GraphClient } from '../sync/graph';
import type { SyncResource } from '../sync/model';
import type { SyncPolicy } from '../sync/planner';
import { ApiError } from './api-client';
import {
  SYNC_RESOURCES,
  SyncRunError,
  troubleOf,
  troubleOfStatus,
  type ConflictPage,
  type ContactMappingView,
  type LastRun,
  type MassDeleteRefusal,
  type ProgressListener,
  type RetryNotice,
  type ServerRunListener,
  type SyncController,
  type SyncNowResult,
  type SyncOverview,
  type SyncProgress,
  type SyncRunOptions,
  type SyncRunView,
} from './sync-views';

export * from './sync-views';

export interface SyncControllerOptions {
  /** Origin of the companion server. */
  origin: string;
  /** Graph's version root from `/config.json`. */
  graphBaseUrl: string;
  accounts: Pick<AccountManager, 'getToken'>;
  fetch?: typeof fetch;
  /** Overrides for the Graph client (tests shorten the back-off). */
  graphClient?: (getToken: () => Promise<string>) => GraphClient;
  /** How the Graph client waits before a retry (tests shorten it); default a timer. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/** How often, and how long, "Sync now" follows a run made by the server. */
const SERVER_RUN_POLL_MS = 1000;
const SERVER_RUN_FOLLOW_MS = 5 * 60_000;

/** Imported records made eligible per mass update (the records API's bulk limit). */
const MASS_UPDATE_BATCH = 1000;

export function createSyncController(options: SyncControllerOptions): SyncController {
  return new HttpSyncController(options);
}

class HttpSyncController implements SyncController {
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: SyncControllerOptions) {
    this.fetchImpl = options.fetch ?? ((...args) => globalThis.fetch(...args));
  }

  overview(): Promise<SyncOverview> {
    return this.call<SyncOverview>('GET', '/api/sync');
  }

  activate(resource: SyncResource, onProgress?: ProgressListener): Promise<LastRun> {
    return this.run(resource, 'activate', onProgress);
  }

  sync(
    resource: SyncResource,
    onProgress?: ProgressListener,
    options: SyncRunOptions = {},
  ): Promise<LastRun> {
    return this.run(resource, 'sync', onProgress, options.confirmedDeletions);
  }

  async syncNow(onProgress?: ProgressListener, onServerRun?: ServerRunListener): Promise<SyncNowResult[]> {
    const overview = await this.overview();
    const results: SyncNowResult[] = [];
    for (const resource of SYNC_RESOURCES) {
      if (!overview[resource].enabled) continue;
      try {
        const serverRun = await this.runOnServer(resource, onServerRun);
        results.push(
          serverRun ? { resource, serverRun } : { resource, run: await this.sync(resource, onProgress) },
        );
      } catch (error) {
        results.push({ resource, error });
      }
    }
    return results;
  }

  async reconnect(): Promise<boolean> {
    const answer = await this.call<{ outcome: string }>('POST', '/api/sync/reconnect', {});
    return answer.outcome === 'reconnected';
  }

  /**
   * Asks the server to run the sync now, and follows the run to its end; undefined when the server
   * holds no access for the user (the run is then made here, as before).
   */
  private async runOnServer(
    resource: SyncResource,
    onServerRun?: ServerRunListener,
  ): Promise<SyncRunView | undefined> {
    const { runId } = await this.call<{ runId: string | null }>(
      'POST',
      `/api/sync/${resource}/server-runs`,
      {},
    );
    if (!runId) return undefined;
    const sleep = this.options.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
    const now = this.options.now ?? Date.now;
    const until = now() + SERVER_RUN_FOLLOW_MS;
    for (;;) {
      const run = await this.call<SyncRunView>('GET', `/api/sync/${resource}/server-runs/${runId}`);
      onServerRun?.(run);
      if (run.state === 'done') return run;
      if (run.state === 'failed')
        throw new SyncRunError('server', 'The server could not finish the run; it tries again by itself.');
      // Still waiting: the background sync finishes it; the page stops watching.
      if (now() > until) return run;
      await sleep(SERVER_RUN_POLL_MS);
    }
  }

  async deactivate(resource: SyncResource): Promise<void> {
    const engine = await this.engine(resource);
    await engine.deactivate();
  }

  contactMapping(): Promise<ContactMappingView> {
    return this.call<ContactMappingView>('GET', '/api/sync/contacts/mapping');
  }

  saveContactMapping(mapping: ContactFieldMapping): Promise<ContactMappingView> {
    return this.call<ContactMappingView>('PUT', '/api/sync/contacts/mapping', { mapping });
  }

  resetContactMapping(): Promise<ContactMappingView> {
    return this.call<ContactMappingView>('DELETE', '/api/sync/contacts/mapping');
  }

  conflicts(resource: SyncResource, before?: string): Promise<ConflictPage> {
    const query = before ? `?before=${encodeURIComponent(before)}` : '';
    return this.call<ConflictPage>('GET', `/api/sync/${resource}/conflicts${query}`);
  }

  async dismissConflict(resource: SyncResource, id: string): Promise<void> {
    await this.call('POST', `/api/sync/${resource}/conflicts/${encodeURIComponent(id)}/dismiss`);
  }

  async resolveConflict(resource: SyncResource, id: string, use: 'crm' | 'graph'): Promise<void> {
    await this.call('POST', `/api/sync/${resource}/conflicts/${encodeURIComponent(id)}/resolve`, { use });
  }

  async includeImported(resource: SyncResource): Promise<number> {
    const records = resource === 'calendar' ? 'events' : 'contacts';
    let included = 0;
    // Each round takes a batch off the list; the bound stops a list that would not shrink.
    for (let round = 0, rounds = 1; round < rounds; round++) {
      const page = await this.call<{ ids: string[]; total: number }>(
        'GET',
        `/api/sync/${resource}/imported?limit=${MASS_UPDATE_BATCH}`,
      );
      if (round === 0) rounds = Math.ceil(page.total / MASS_UPDATE_BATCH);
      if (page.ids.length === 0) break;
      // An empty change that stamps them as mass-updated: their content stays as imported.
      const { updated } = await this.call<{ updated: number }>('POST', `/api/${records}/mass-update`, {
        ids: page.ids,
        set: {},
      });
      included += updated;
    }
    return included;
  }

  /**
   * One run of the engine, recorded as the last run whatever happens: a run that throws is recorded
   * as failed with its trouble (unless another runner held the lease or the sync was off: those did
   * not run) and comes back as `SyncRunError`.
   */
  private async run(
    resource: SyncResource,
    how: 'activate' | 'sync',
    onProgress?: ProgressListener,
    confirmedDeletions?: MassDeleteRefusal,
  ): Promise<LastRun> {
    const startedAt = new Date().toISOString();
    const watch = new OutlookWatch(resource, onProgress, this.options.sleep, this.options.now);
    let report;
    try {
      const engine = await this.engine(resource, watch, confirmedDeletions);
      report = how === 'activate' ? await engine.activate() : await engine.sync();
    } catch (error) {
      const name = (error as { name?: unknown } | null)?.name;
      if (name === 'SyncBusyError' || name === 'SyncNotEnabledError') throw error;
      const details = error instanceof Error ? error.message : String(error);
      const failed = new SyncRunError(troubleOf(error, watch.lastFailure), details);
      await this.call('POST', `/api/sync/${resource}/runs`, {
        mode: how === 'activate' ? 'initial' : 'incremental',
        outcome: 'failed',
        applied: {},
        conflicts: 0,
        failures: [],
        refused: null,
        startedAt,
        error: { reason: failed.reason, message: details.slice(0, 2000) },
      }).catch(() => undefined);
      throw failed;
    }
    return this.call<LastRun>('POST', `/api/sync/${resource}/runs`, { ...report, startedAt });
  }

  private async engine(resource: SyncResource, watch?: OutlookWatch, confirmedDeletions?: MassDeleteRefusal) {
    // The engine loads on first use: the page opens without it, and most visits never run a sync.
    const [{ createGraphClient }, { HttpCrmPort }, { createSyncEngine }, { DEFAULT_POLICY }] =
      await Promise.all([
        import('../sync/graph'),
        import('../sync/http-crm-port'),
        import('../sync/runner'),
        import('../sync/planner'),
      ]);
    const { accounts, origin } = this.options;
    const graphToken = () => accounts.getToken('graph');
    const fetchGraph = (input: string, init: RequestInit) => this.fetchImpl(input, init);
    const graph =
      this.options.graphClient?.(graphToken) ??
      createGraphClient({
        baseUrl: this.options.graphBaseUrl,
        getToken: graphToken,
        fetch: watch ? watch.fetch(fetchGraph) : fetchGraph,
        ...(watch ? { sleep: watch.sleep } : {}),
      });
    const crm = new HttpCrmPort({
      baseUrl: origin,
      resource,
      token: () => accounts.getToken('crm'),
      fetch: this.fetchImpl,
    });
    // The engine maps contacts with the user's own field mapping, as the server validates it.
    const mapping = resource === 'contacts' ? await this.contactMapping() : undefined;
    return createSyncEngine({
      resource,
      graph,
      crm,
      ...(mapping ? { contactMapping: mapping.mapping, customFields: mapping.customFields } : {}),
      ...(watch ? { onProgress: watch.progress } : {}),
      ...(confirmedDeletions ? { policy: confirmedPolicy(DEFAULT_POLICY, confirmedDeletions) } : {}),
    });
  }

  /** The companion API with the user's token; failures arrive as `ApiError`, as elsewhere in the app. */
  private async call<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const token = await this.options.accounts.getToken('crm');
    const res = await this.fetchImpl(`${this.options.origin.replace(/\/+$/, '')}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!res.ok) {
      const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
      throw new ApiError(
        res.status,
        error?.code ?? 'error',
        error?.message ?? `The server answered ${res.status}.`,
      );
    }
    return parsed as T;
  }
}

/**
 * The guard for a run whose deletions the user confirmed: it lets through as large a share of the
 * synced items as they saw (half an item of slack, so the share times the same count is never just
 * under their total) and stops the run again if more would go now.
 */
function confirmedPolicy(defaults: SyncPolicy, confirmed: MassDeleteRefusal): SyncPolicy {
  if (defaults.massDelete === false || confirmed.linked <= 0) return defaults;
  const total = confirmed.deletions.crm + confirmed.deletions.graph;
  return {
    ...defaults,
    massDelete: { ...defaults.massDelete, maxShare: (total + 0.5) / confirmed.linked },
  };
}

/**
 * Watches the Graph client of one run, so the page can say when Outlook is being retried: a failed
 * answer (or a failed connection) followed by the client's wait becomes a retry notice with the
 * reason and the time of the next attempt; the next good answer clears it.
 */
class OutlookWatch {
  /** The trouble of the last failed attempt, kept for the run's error. */
  lastFailure: RetryNotice['reason'] | undefined;
  private failing: { reason: RetryNotice['reason']; status: number | null } | null = null;
  private attempts = 0;
  private current: SyncProgress;
  private retry: RetryNotice | undefined;
  private readonly delay: (ms: number) => Promise<void>;
  private readonly now: () => number;

  constructor(
    resource: SyncResource,
    private readonly listener: ProgressListener | undefined,
    sleep?: (ms: number) => Promise<void>,
    now?: () => number,
  ) {
    this.current = { resource, phase: 'lease', done: 0, total: 1 };
    this.delay = sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = now ?? Date.now;
  }

  readonly progress = (progress: SyncProgress): void => {
    this.current = progress;
    this.emit();
  };

  readonly sleep = async (ms: number): Promise<void> => {
    if (this.failing) {
      this.attempts++;
      this.retry = {
        ...this.failing,
        attempt: this.attempts + 1,
        at: new Date(this.now() + ms).toISOString(),
      };
      this.failing = null;
      this.emit();
    }
    await this.delay(ms);
  };

  fetch(inner: (input: string, init: RequestInit) => Promise<Response>) {
    return async (input: string, init: RequestInit): Promise<Response> => {
      let response: Response;
      try {
        response = await inner(input, init);
      } catch (error) {
        const timedOut = ['TimeoutError', 'AbortError'].includes(String((error as { name?: unknown })?.name));
        this.failed(timedOut ? 'timeout' : 'network', null);
        throw error;
      }
      const status = response.ok ? await batchFailure(input, response) : response.status;
      if (status === null) this.recovered();
      else if (status === 429 || status === 408 || status >= 500) {
        this.failed(troubleOfStatus(status) as RetryNotice['reason'], status);
      }
      return response;
    };
  }

  private failed(reason: RetryNotice['reason'], status: number | null): void {
    this.failing = { reason, status };
    this.lastFailure = reason;
  }

  private recovered(): void {
    this.failing = null;
    this.attempts = 0;
    if (this.retry) {
      this.retry = undefined;
      this.emit();
    }
  }

  private emit(): void {
    this.listener?.(this.retry ? { ...this.current, retry: this.retry } : this.current);
  }
}

/** The first temporary failure among a `$batch`'s answers (the batch itself answers 200), or null. */
async function batchFailure(input: string, response: Response): Promise<number | null> {
  if (!/\/\$batch(\?|$)/.test(input)) return null;
  try {
    const body = (await response.clone().json()) as { responses?: { status?: unknown }[] };
    const failed = (body.responses ?? []).find(
      (r) => typeof r.status === 'number' && (r.status === 429 || r.status >= 500),
    );
    return failed ? (failed.status as number) : null;
  } catch {
    return null;
  }
}
