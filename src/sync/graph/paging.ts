import { GraphError } from './graph-error';
import type { DeltaPage, DeltaRound, Page, RemovedItem } from './graph-client';

/**
 * Delta rounds over the client's pages. Paging follows `@odata.nextLink` itself rather than through the
 * SDK's `PageIterator`: that class hands out items one by one through a callback, so a delta round
 * would lose its page boundaries (empty pages, the `@odata.deltaLink` on the last page) and its pull
 * order, and it would follow links without our check that they lie under the base URL.
 */

/** A delta round page by page, items split into changed and removed, to the page with the delta link. */
export async function* deltaPages<T>(
  pages: AsyncIterable<Page<Record<string, unknown>>>,
): AsyncGenerator<DeltaPage<T>> {
  for await (const page of pages) {
    const out: DeltaPage<T> = { changed: [], removed: [] };
    for (const item of page.value) {
      const removed = item['@removed'] as { reason?: unknown } | undefined;
      if (removed !== undefined && removed !== null) {
        out.removed.push({
          id: String(item.id),
          reason: typeof removed.reason === 'string' ? removed.reason : 'deleted',
        });
      } else out.changed.push(item as T);
    }
    if (page.deltaLink !== undefined) {
      out.deltaLink = page.deltaLink;
      yield out;
      return;
    }
    if (page.nextLink === undefined) {
      throw new GraphError({
        kind: 'permanent',
        code: 'deltaWithoutLink',
        message: 'A delta page carried neither @odata.nextLink nor @odata.deltaLink.',
        method: 'GET',
      });
    }
    yield out;
  }
}

/** A whole delta round with replays collapsed: each item once, in its latest state. */
export async function collectDelta<T>(pages: AsyncIterable<DeltaPage<T>>): Promise<DeltaRound<T>> {
  const latest = new Map<string, { item: T } | { removed: RemovedItem }>();
  let deltaLink = '';
  for await (const page of pages) {
    for (const item of page.changed) {
      const id = String((item as { id?: unknown }).id);
      latest.delete(id);
      latest.set(id, { item });
    }
    for (const removed of page.removed) {
      latest.delete(removed.id);
      latest.set(removed.id, { removed });
    }
    if (page.deltaLink !== undefined) deltaLink = page.deltaLink;
  }
  const round: DeltaRound<T> = { changed: [], removed: [], deltaLink };
  for (const entry of latest.values()) {
    if ('item' in entry) round.changed.push(entry.item);
    else round.removed.push(entry.removed);
  }
  return round;
}
