import { listBroadcastSlugs, loadBroadcast, type BroadcastDraft, type SeriesLookup } from '../../broadcast/index.ts';
import type { Project } from '../../build/index.ts';
import { CoursemailError } from '../../shared/index.ts';

/** A draft as the preview's pages show it; `name` (the slug) is its URL segment. */
export type BroadcastView = Pick<BroadcastDraft, 'file' | 'parsed' | 'built' | 'problems'> & { name: string };

/**
 * Drafts in `broadcasts/*.md`, loaded as the CLI loads them (broadcast/draft.ts) but with the
 * series this preview has built: a draft takes the engine, title and sender of the one it names.
 */
export async function buildBroadcasts(project: Project, series: SeriesLookup): Promise<Map<string, BroadcastView>> {
  const out = new Map<string, BroadcastView>();
  for (const slug of listBroadcastSlugs(project.root)) {
    try {
      out.set(slug, { ...(await loadBroadcast(project, slug, series)), name: slug });
    } catch (err) {
      // Deleted since it was listed: the watcher's next rebuild drops it.
      if (!(err instanceof CoursemailError && err.code === 'broadcast.missing')) throw err;
    }
  }
  return out;
}
