import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Project } from '../build/index.ts';
import { BROADCASTS_DIR } from '../content/index.ts';
import { entryOf, type CatalogEntry } from '../send/catalog.ts';
import type { BroadcastLookup } from '../send/worker.ts';
import type { Store } from '../store/index.ts';
import { loadBroadcast, renderBroadcast, type BroadcastDraft } from './draft.ts';
import { storedDraftSource } from './stored-draft.ts';
import { contentHash } from './file.ts';

/**
 * The messages of broadcasts being sent, compiled once per broadcast per process.
 *
 * A broadcast row records the content hash of the file it was started from. The entry a
 * process compiled (or was handed by `remember` when it started the send) is kept for the
 * process's life, so editing the file mid-send cannot change what the rest of that run
 * sends. A process that has not seen the broadcast yet (a resumed send, another worker)
 * compiles it from the file, or from the console draft of that slug, only if it still has
 * that hash; otherwise it refuses with the reason, and those copies are not sent with
 * content nobody confirmed.
 */
export interface BroadcastMessages {
  /** For `new Worker({ broadcasts })`. */
  lookup: BroadcastLookup;
  /** The entry a send was started with: this process sends exactly what was confirmed. */
  remember(broadcastId: string, draft: BroadcastDraft): void;
}

export function broadcastMessages(project: Project, store: Pick<Store, 'broadcasts' | 'broadcastDrafts'>, load = loadBroadcast): BroadcastMessages {
  const entries = new Map<string, Promise<CatalogEntry | string>>();

  async function compile(id: string): Promise<CatalogEntry | string> {
    const row = await store.broadcasts.getById(id);
    if (!row) return `broadcast ${id} no longer exists`;
    const file = `${BROADCASTS_DIR}/${row.slug}.md`;
    const path = join(project.root, file);
    const changed = `${file} changed after broadcast ${id} started: restore the version it was started with, or cancel it and send the new one with --force-new`;
    // Hash before rendering: a refusal is checked per copy and must stay cheap.
    const onDisk = existsSync(path) ? contentHash(readFileSync(path)) : undefined;
    if (onDisk === row.contentHash) {
      const draft = await load(project, row.slug);
      if (draft.hash !== row.contentHash) return changed;
      if (!draft.built) return `${file} no longer builds: ${draft.problems.map((p) => p.message).join('; ')}`;
      return entryOf(draft.built);
    }
    // Started from the console: the stored draft, if it still holds exactly what was confirmed.
    const stored = await store.broadcastDrafts.getBySlug(row.slug);
    const source = stored ? storedDraftSource(stored) : undefined;
    if (source?.hash === row.contentHash) {
      const draft = await renderBroadcast(project, source);
      if (!draft.built) return `${source.file} no longer builds: ${draft.problems.map((p) => p.message).join('; ')}`;
      return entryOf(draft.built);
    }
    if (onDisk !== undefined) return changed;
    if (source) return `${source.file} changed after broadcast ${id} started: undo the edit, or cancel it and send the draft again as a new broadcast`;
    return `${file} is gone: restore it to send the rest of broadcast ${id}, or cancel it`;
  }

  return {
    async lookup(id) {
      let entry = entries.get(id);
      if (!entry) {
        entry = compile(id);
        entries.set(id, entry);
      }
      let result: CatalogEntry | string;
      try {
        result = await entry;
      } catch (error) {
        // Nor is a failure (a render that threw, the database away for a moment): the
        // next copy tries again, where a kept rejection would fail every copy for the run.
        if (entries.get(id) === entry) entries.delete(id);
        throw error;
      }
      // A refusal is not kept: once the file is restored, the next copy is sent.
      if (typeof result === 'string') entries.delete(id);
      return result;
    },
    remember(id, draft) {
      if (!draft.built) throw new Error(`remember: ${draft.file} has problems and cannot be sent`);
      entries.set(id, Promise.resolve(entryOf(draft.built)));
    },
  };
}
