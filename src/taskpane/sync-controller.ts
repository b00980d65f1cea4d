import type { AccountManager } from '../auth/account-manager';
import type { CrmFieldDescriptor } from '../domain/contact';
import type { ContactFieldMapping, CustomFieldDefinition } from '../domain/contact-field-mapping';
import type { GraphContactFieldDescriptor } from '../domain/graph-contact-fields';
import { SyncBusyError, type SyncFailure, type SyncProgress, type SyncReport } from '../sync/engine';
import { createGraphClient, type GraphClient } from '../sync/graph';
import { HttpCrmPort } from '../sync/http-crm-port';
import type { SyncResource } from '../sync/model';
import { createSyncEngine } from '../sync/runner';
import { ApiError } from './api-client';

export { SyncBusyError };
export type { SyncProgress };

export const SYNC_RESOURCES: readonly SyncResource[] = ['calendar', 'contacts'];

/** A run as the server keeps it (`GET /api/sync`, `POST /api/sync/{resource}/runs`). */
export interface LastRun {
  at: string;
  startedAt: string | null;
  mode: SyncReport['mode'];
  outcome: SyncReport['outcome'];
  applied: SyncReport['applied'];
  conflicts: number;
  failureCount: number;
  failures: SyncFailure[];
  refused: SyncReport['refused'];
}

export interface ResourceStatus {
  enabled: boolean;
  initialDone: boolean;
  /** Some runner holds the lease now. */
  running: boolean;
  lastRun: LastRun | null;
  openConflicts: number;
}

export type SyncOverview = Record<SyncResource, ResourceStatus>;

export interface ContactMappingView {
  mapping: ContactFieldMapping;
  isDefault: boolean;
  crmFields: CrmFieldDescriptor[];
  graphFields: GraphContactFieldDescriptor[];
  /** Per CRM field, the Graph field ids it may map to. */
  targets: Record<string, string[]>;
  customFields: CustomFieldDefinition[];
}

export interface ConflictView {
  id: string;
  crmId: string;
  field: string;
  crmValue: unknown;
  graphValue: unknown;
  winner: 'crm' | 'graph';
  losingValue: unknown;
  createdAt: string;
}

export interface ConflictPage {
  items: ConflictView[];
  next: string | null;
}

/** One resource's part of "Sync now": its recorded run, or why it did not run. */
export type SyncNowResult =
  { resource: SyncResource; run: LastRun } | { resource: SyncResource; error: unknown };

export type ProgressListener = (progress: SyncProgress) => void;

/**
 * Everything the "Microsoft integration" page and the "Sync now" command do, behind one interface:
 * components receive it as a prop and tests hand in a fake.
 */
export interface SyncController {
  overview(): Promise<SyncOverview>;
  /** Turns the sync on and runs the initial sync here, with the user's own tokens; records the run. */
  activate(resource: SyncResource, onProgress?: ProgressListener): Promise<LastRun>;
  /** Runs an active sync; records the run. */
  sync(resource: SyncResource, onProgress?: ProgressListener): Promise<LastRun>;
  /** Every enabled resource, one after the other; one failing does not stop the next. */
  syncNow(onProgress?: ProgressListener): Promise<SyncNowResult[]>;
  /** Removes the Tandem calendar or folder from Outlook; the CRM keeps everything. */
  deactivate(resource: SyncResource): Promise<void>;
  contactMapping(): Promise<ContactMappingView>;
  saveContactMapping(mapping: ContactFieldMapping): Promise<ContactMappingView>;
  resetContactMapping(): Promise<ContactMappingView>;
  conflicts(resource: SyncResource, before?: string): Promise<ConflictPage>;
  dismissConflict(resource: SyncResource, id: string): Promise<void>;
}

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

  sync(resource: SyncResource, onProgress?: ProgressListener): Promise<LastRun> {
    return this.run(resource, 'sync', onProgress);
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
  ): Promise<LastRun> {
    const startedAt = new Date().toISOString();
    const engine = await this.engine(resource, onProgress);
    const report = how === 'activate' ? await engine.activate() : await engine.sync();
    return this.call<LastRun>('POST', `/api/sync/${resource}/runs`, { ...report, startedAt });
  }

  private async engine(resource: SyncResource, onProgress?: ProgressListener) {
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
