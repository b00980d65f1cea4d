import { CRM_CONTACT_FIELDS } from '../../../src/domain/contact';
import {
  DEFAULT_CONTACT_FIELD_MAPPING,
  graphTargetsFor,
  type ContactFieldMapping,
} from '../../../src/domain/contact-field-mapping';
import { GRAPH_CONTACT_FIELDS } from '../../../src/domain/graph-contact-fields';
import type { SyncResource } from '../../../src/sync/model';
import type {
  ConflictPage,
  ConflictView,
  ContactMappingView,
  LastRun,
  ProgressListener,
  ResourceStatus,
  ServerRunListener,
  SyncController,
  SyncNowResult,
  SyncOverview,
  SyncRunOptions,
} from '../../../src/taskpane/sync-controller';

/** jsdom has no structuredClone; these are plain JSON. */
const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export function aLastRun(overrides: Partial<LastRun> = {}): LastRun {
  return {
    at: '2026-11-25T10:30:00.000Z',
    startedAt: '2026-11-25T10:29:50.000Z',
    mode: 'initial',
    outcome: 'done',
    applied: { createGraph: 12 },
    conflicts: 0,
    failureCount: 0,
    failures: [],
    refused: null,
    ...overrides,
  };
}

export function aStatus(overrides: Partial<ResourceStatus> = {}): ResourceStatus {
  return {
    enabled: false,
    initialDone: false,
    running: false,
    lastRun: null,
    openConflicts: 0,
    importedNotSynced: 0,
    health: null,
    ...overrides,
  };
}

export function aMappingView(
  mapping: ContactFieldMapping = DEFAULT_CONTACT_FIELD_MAPPING,
): ContactMappingView {
  return {
    mapping: { ...mapping },
    isDefault: mapping === DEFAULT_CONTACT_FIELD_MAPPING,
    crmFields: [...CRM_CONTACT_FIELDS],
    graphFields: GRAPH_CONTACT_FIELDS.filter((g) => g.mappable),
    targets: Object.fromEntries(
      CRM_CONTACT_FIELDS.map((f) => [f.key, graphTargetsFor(f.key, { mapping }).map((g) => g.id)]),
    ),
    customFields: [],
  };
}

export function aConflict(overrides: Partial<ConflictView> = {}): ConflictView {
  return {
    id: '0193a0b0-0000-7000-8000-000000000001',
    crmId: '0193a0b0-0000-7000-8000-0000000000aa',
    record: { label: 'Pau Roca', deleted: false },
    field: 'mobilePhone',
    crmValue: '+34 600 000 001',
    graphValue: '+34 600 999 999',
    winner: 'crm',
    losingValue: '+34 600 999 999',
    createdAt: '2026-11-25T09:00:00.000Z',
    ...overrides,
  };
}

/** A controller whose answers the test sets; every call is a jest mock to inspect or replace. */
export class FakeSyncController implements SyncController {
  state: SyncOverview = { calendar: aStatus(), contacts: aStatus() };
  mappingView = aMappingView();
  conflictPages: Record<SyncResource, ConflictPage> = {
    calendar: { items: [], next: null },
    contacts: { items: [], next: null },
  };

  overview = jest.fn(async (): Promise<SyncOverview> => clone(this.state));

  activate = jest.fn(async (resource: SyncResource, onProgress?: ProgressListener): Promise<LastRun> => {
    onProgress?.({ resource, phase: 'apply', done: 12, total: 12 });
    const run = aLastRun();
    this.state[resource] = aStatus({ enabled: true, initialDone: true, lastRun: run });
    return run;
  });

  sync = jest.fn(
    async (
      resource: SyncResource,
      _onProgress?: ProgressListener,
      options?: SyncRunOptions,
    ): Promise<LastRun> => {
      // A confirmed run makes the deletions it was allowed; any other run changes nothing here.
      const deletions = options?.confirmedDeletions?.deletions;
      const run = aLastRun({
        mode: 'incremental',
        applied: deletions ? { deleteCrm: deletions.crm, deleteGraph: deletions.graph } : {},
      });
      this.state[resource] = { ...this.state[resource], lastRun: run };
      return run;
    },
  );

  syncNow = jest.fn(
    async (_onProgress?: ProgressListener, _onServerRun?: ServerRunListener): Promise<SyncNowResult[]> => {
      const out: SyncNowResult[] = [];
      for (const resource of ['calendar', 'contacts'] as const) {
        if (this.state[resource].enabled) out.push({ resource, run: await this.sync(resource) });
      }
      return out;
    },
  );

  reconnect = jest.fn(async (): Promise<boolean> => false);

  deactivate = jest.fn(async (resource: SyncResource): Promise<void> => {
    this.state[resource] = { ...this.state[resource], enabled: false };
  });

  contactMapping = jest.fn(async () => clone(this.mappingView));

  saveContactMapping = jest.fn(async (mapping: ContactFieldMapping) => {
    this.mappingView = { ...aMappingView(mapping), isDefault: false };
    return clone(this.mappingView);
  });

  resetContactMapping = jest.fn(async () => {
    this.mappingView = aMappingView();
    return clone(this.mappingView);
  });

  conflicts = jest.fn(async (resource: SyncResource): Promise<ConflictPage> =>
    clone(this.conflictPages[resource]),
  );

  dismissConflict = jest.fn(async (resource: SyncResource, id: string): Promise<void> => {
    const page = this.conflictPages[resource];
    page.items = page.items.filter((c) => c.id !== id);
  });

  resolveConflict = jest.fn(
    async (resource: SyncResource, id: string, _use: 'crm' | 'graph'): Promise<void> => {
      const page = this.conflictPages[resource];
      page.items = page.items.filter((c) => c.id !== id);
    },
  );

  includeImported = jest.fn(async (resource: SyncResource): Promise<number> => {
    const count = this.state[resource].importedNotSynced;
    this.state[resource] = { ...this.state[resource], importedNotSynced: 0 };
    return count;
  });
}
