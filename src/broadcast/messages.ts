import { entryOf, type CatalogEntry } from '../send/catalog.ts';
import type { BroadcastLookup } from '../send/worker.ts';
import { cached } from '../shared/index.ts';
import type { Store } from '../store/index.ts';
import { BROADCASTS_DIR } from '../content/index.ts';

/**
 * The messages of broadcasts being sent, compiled from the rendered message stored when the broadcast was confirmed (`startSend`).
 * Every process sends exactly that: editing or removing the file mid-send changes nothing, and nothing is rendered while sending.
 */
export interface BroadcastMessages {
  /** For `new Worker({ broadcasts })`. */
  lookup: BroadcastLookup;
}

export function broadcastMessages(store: Pick<Store, 'broadcasts'>): BroadcastMessages {
  const entries = new Map<string, Promise<CatalogEntry | string>>();

  async function compile(id: string): Promise<CatalogEntry | string> {
    const row = await store.broadcasts.getById(id);
    if (!row) return `broadcast ${id} no longer exists`;
    const message = await store.broadcasts.messageOf(id);
    if (!message)
      return `broadcast ${id} was started by a coursemail that did not store its message: cancel it and send ${BROADCASTS_DIR}/${row.slug}.md again with --force-new`;
    return entryOf({ kind: 'broadcast', ...message });
  }

  return {
    async lookup(id) {
      const entry = cached(entries, id, () => compile(id));
      let result: CatalogEntry | string;
      try {
        result = await entry;
      } catch (error) {
        // Nor is a failure (the database away for a moment): the next copy tries again,
        // where a kept rejection would fail every copy for the run.
        if (entries.get(id) === entry) entries.delete(id);
        throw error;
      }
      if (typeof result === 'string') entries.delete(id);
      return result;
    },
  };
}
