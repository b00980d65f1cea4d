import type { GraphContact } from '../../domain/graph-contact-fields';
import type { GraphChange, GraphItem } from '../changes';
import type { GraphClient } from '../graph';
import { withCrmId } from '../mapping/extended-properties';
import type { ResourceMapper, Snapshot } from '../model';
import type { GraphChanges, LinksOf } from '../ports';
import { BaseGraphPort, PAGE_SIZE, type ReadItem } from './base';

type ContactRead = GraphContact & ReadItem;

/** Contacts: the folder's delta, with unlinked items read again for our marker. */
export class ContactsGraphPort extends BaseGraphPort<GraphContact> {
  protected readonly containers = 'contactFolders';
  protected readonly resource = 'contacts' as const;
  protected readonly nameProperty = 'displayName' as const;

  constructor(client: GraphClient, mapper: ResourceMapper<unknown, GraphContact>, now: () => number) {
    super(client, mapper, now);
  }

  protected itemPath(graphId: string): string {
    return `/me/contacts/${encodeURIComponent(graphId)}`;
  }

  protected collectionPath(containerId: string): string {
    return `/me/contactFolders/${encodeURIComponent(containerId)}/contacts`;
  }

  protected createBody(snapshot: Snapshot, crmId: string): Record<string, unknown> {
    return withCrmId(this.mapper.toGraph(this.complete(snapshot)), crmId);
  }

  protected async collect(
    containerId: string,
    cursor: string | null,
    getLinks: LinksOf,
  ): Promise<GraphChanges> {
    const start = cursor ?? `${this.collectionPath(containerId)}/delta`;
    const round = await this.client.collectDelta<ContactRead>(start, { maxPageSize: PAGE_SIZE });
    const quiet = round.changed.length === 0 && round.removed.length === 0 && cursor !== null;
    // A full listing needs every link (to find the linked items no longer there); a delta only those
    // of the items it brought.
    const links = quiet
      ? []
      : await getLinks(cursor === null ? undefined : round.changed.map((item) => item.id));
    const linked = new Set(links.map((l) => l.graphId));
    const changes: GraphChange[] = [];
    const unlinked: string[] = [];
    for (const item of round.changed) {
      if (linked.has(item.id)) changes.push(...this.graphItem(item.id, item, item.changeKey ?? null, null));
      else unlinked.push(item.id);
    }
    // Delta answers carry no extended properties: read unlinked items again to see whether they are ours.
    changes.push(...(await this.readItems(unlinked)));
    const removed = new Set(round.removed.map((r) => r.id));
    for (const id of removed) changes.push({ graphId: id, deleted: true });
    if (cursor === null) {
      const present = new Set(round.changed.map((i) => i.id));
      for (const l of links) {
        if (!present.has(l.graphId) && !removed.has(l.graphId))
          changes.push({ graphId: l.graphId, deleted: true });
      }
    }
    return { changes, cursor: round.deltaLink };
  }

  protected async toItems(items: readonly GraphContact[]): Promise<GraphItem[]> {
    return items.flatMap((item) => this.markedItem(item as ContactRead));
  }
}
