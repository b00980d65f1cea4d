import type { ContactFieldMapping, CustomFieldDefinition } from '../domain/contact-field-mapping';
import type { GraphContact } from '../domain/graph-contact-fields';
import { SyncEngine, type SyncEngineOptions } from './engine';
import type { GraphClient } from './graph';
import { createCalendarGraphPort, createContactsGraphPort, type GraphPortOptions } from './graph-port';
import { createContactMapper } from './mapping/contact-mapper';
import { createEventMapper } from './mapping/event-mapper';
import type { GraphEventItem } from './mapping/graph-event';
import type { ResourceMapper, SyncResource } from './model';
import type { CrmPort } from './ports';

/**
 * One place that knows which mapper and which Graph port belong to a resource, so every runner (the
 * taskpane, the CLI, a server worker) builds the same engine. Pure of server, UI and Office code.
 */

export type SyncMapper = ResourceMapper<unknown, GraphContact> | ResourceMapper<unknown, GraphEventItem>;

export interface CreateSyncEngineOptions extends Omit<SyncEngineOptions, 'resource' | 'graph' | 'crm'> {
  resource: SyncResource;
  /** A Graph client holding the user's delegated token for their mailbox. */
  graph: GraphClient;
  /**
   * The CRM side. A port over the database needs the resource's mapper to read records as
   * snapshots, so it may be given as a function of it; a port over HTTP is mapped by the server.
   */
  crm: CrmPort | ((mapper: SyncMapper) => CrmPort);
  /** Contacts only: the user's field mapping (the default one when omitted) and the org's custom fields. */
  contactMapping?: ContactFieldMapping;
  customFields?: readonly CustomFieldDefinition[];
  /** Calendar only: the span Outlook edits are read over (see `GraphPortOptions.window`). */
  window?: GraphPortOptions['window'];
}

/** The mapper of a resource; throws `InvalidFieldMappingError` on a contact mapping that does not validate. */
export function mapperFor(
  resource: SyncResource,
  contactMapping?: ContactFieldMapping,
  customFields: readonly CustomFieldDefinition[] = [],
): SyncMapper {
  return resource === 'calendar'
    ? createEventMapper()
    : createContactMapper(contactMapping, { customFields: [...customFields] });
}

/** The sync engine for one user and resource, over the given Graph client and CRM port. */
export function createSyncEngine(options: CreateSyncEngineOptions): SyncEngine {
  const { resource, graph, crm, contactMapping, customFields, window, ...engineOptions } = options;
  const portWindow = window ? { window } : {};
  if (resource === 'calendar') {
    const mapper = createEventMapper();
    return new SyncEngine({
      ...engineOptions,
      resource,
      crm: typeof crm === 'function' ? crm(mapper) : crm,
      graph: createCalendarGraphPort({ client: graph, mapper, ...portWindow }),
    });
  }
  const mapper = createContactMapper(contactMapping, { customFields: [...(customFields ?? [])] });
  return new SyncEngine({
    ...engineOptions,
    resource,
    crm: typeof crm === 'function' ? crm(mapper) : crm,
    graph: createContactsGraphPort({ client: graph, mapper }),
  });
}
