/**
 * The sync benchmark's CRM data: one organisation whose administrator owns every record, created
 * through the record service in bulk with origin `api` (as if one by one: all of them are eligible for
 * the initial sync; imports would be left out).
 */
import { toPermissions, type Actor } from '../src/server/auth/permissions';
import type { Store } from '../src/server/db/store';
import { createOrganisation } from '../src/server/services/org-service';
import { RecordService } from '../src/server/services/record-service';
import { demoContact, demoEvent, random } from '../src/cli/seed-data';
import type { CrmSnapshotMapper } from '../src/server/services/sync-crm-port';
import type { SyncResource } from '../src/sync/model';

export interface BenchCrm {
  tenantId: string;
  email: string;
  objectId: string;
  contacts: number;
  events: number;
}

export async function seedBenchCrm(store: Store, options: BenchCrm): Promise<Actor> {
  const { tenantId, email, objectId } = options;
  const org = await createOrganisation(store.db, {
    tenantId,
    name: 'Bench',
    edition: 'paid',
    admin: { email, displayName: 'Bench', msTenantId: tenantId, msObjectId: objectId },
  });
  const actor: Actor = {
    userId: org.adminUserId,
    orgId: org.orgId,
    email,
    isSuperAdmin: true,
    permissions: toPermissions([]),
  };
  const service = new RecordService(store.db);
  const next = random(42);
  const today = new Date().toISOString().slice(0, 10);
  for (let i = 0; i < options.contacts; i += 1000) {
    const n = Math.min(1000, options.contacts - i);
    await service.createMany(
      actor,
      'contacts',
      Array.from({ length: n }, (_, j) => ({
        fields: { ...demoContact(next, i + j) },
        origin: 'api' as const,
      })),
    );
  }
  for (let i = 0; i < options.events; i += 1000) {
    const n = Math.min(1000, options.events - i);
    await service.createMany(
      actor,
      'events',
      Array.from({ length: n }, (_, j) => ({
        fields: { ...demoEvent(next, i + j, today) },
        origin: 'api' as const,
      })),
    );
  }
  return actor;
}

/** The store in the benchmark's own process, reached through the database (the server-side runner's port). */
export async function openInProcessCrm(counts: { contacts: number; events: number }) {
  const { randomUUID } = await import('node:crypto');
  const { openStore } = await import('../src/server/db/store');
  const { DbCrmPort } = await import('../src/server/services/sync-crm-port');
  const store = await openStore({ databaseUrl: process.env.DATABASE_URL, poolSize: 4 });
  const tenantId = randomUUID();
  const started = performance.now();
  const actor = await seedBenchCrm(store, {
    tenantId,
    email: `bench-${tenantId.slice(0, 8)}@bench.example`,
    objectId: randomUUID(),
    ...counts,
  });
  return {
    kind: store.kind,
    seedMs: performance.now() - started,
    port: (resource: SyncResource, mapper: CrmSnapshotMapper) =>
      new DbCrmPort(store.db, actor, resource, mapper),
    async changeOneContact(fields: Record<string, unknown>): Promise<void> {
      const records = new RecordService(store.db);
      const page = await records.list(actor, 'contacts', { limit: 1, owner: 'me', deleted: false });
      const changed = page.items[0];
      if (!changed) throw new Error('no contact to change');
      await records.update(actor, 'contacts', changed.id, fields);
    },
    close: () => store.close(),
  };
}
