import type { AccountManager } from '../auth/account-manager';
import type { ContactFieldMapping } from '../domain/contact-field-mapping';
import type { GraphClient } from '../sync/graph';
import type { SyncResource } from '../sync/model';
import type { SyncPolicy } from '../sync/planner';
import { ApiError } from './api-client';
import {
  SYNC_RESOURCES,
  type ConflictPage,
  type ContactMappingView,
  type LastRun,
  type MassDeleteRefusal,
  type ProgressListener,
  type SyncController,
  type SyncNowResult,
  type SyncOverview,
  type SyncRunOptions,
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
}

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

  async syncNow(onProgress?: ProgressListener): Promise<SyncNowResult[]> {
    const overview = await this.overview();
    const results: SyncNowResult[] = [];
    for (const resource of SYNC_RESOURCES) {
      if (!overview[resource].enabled) continue;
      try {
        results.push({ resource, run: await this.sync(resource, onProgress) });
      } catch (error) {
        results.push({ resource, error });
      }
    }
    return results;
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

  private async run(
    resource: SyncResource,
    how: 'activate' | 'sync',
    onProgress?: ProgressListener,
    confirmedDeletions?: MassDeleteRefusal,
  ): Promise<LastRun> {
    const startedAt = new Date().toISOString();
    const engine = await this.engine(resource, onProgress, confirmedDeletions);
    const report = how === 'activate' ? await engine.activate() : await engine.sync();
    return this.call<LastRun>('POST', `/api/sync/${resource}/runs`, { ...report, startedAt });
  }

  private async engine(
    resource: SyncResource,
    onProgress?: ProgressListener,
    confirmedDeletions?: MassDeleteRefusal,
  ) {
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
    const graph =
      this.options.graphClient?.(graphToken) ??
      createGraphClient({
        baseUrl: this.options.graphBaseUrl,
        getToken: graphToken,
        fetch: (input, init) => this.fetchImpl(input, init),
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
      ...(onProgress ? { onProgress } : {}),
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
