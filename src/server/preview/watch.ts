import { watch } from 'chokidar';
import { join, relative, sep } from 'node:path';
import { CONFIG_FILE } from '../../config/index.ts';
import { emailsDir } from '../../render/templates.ts';
import type { PreviewBuilder, RebuildPlan } from './state.ts';

/** Maps changed paths to the least that must be rebuilt. Pure, so it is tested alone. */
export function planFor(root: string, templatesDir: string, paths: Iterable<string>): RebuildPlan {
  const plan: RebuildPlan = {};
  const series = new Set<string>();
  for (const path of paths) {
    const inTemplates = relative(templatesDir, path);
    if (!inTemplates.startsWith('..') && inTemplates !== path) {
      plan.templates = true;
      continue;
    }
    const parts = relative(root, path).split(sep);
    if (parts[0] === CONFIG_FILE) plan.config = true;
    else if (parts[0] === 'broadcasts') plan.broadcasts = true;
    else if (parts[0] === 'series' && parts[1]) series.add(parts[1]);
  }
  if (series.size) plan.series = [...series];
  return plan;
}

export interface Watcher {
  close(): Promise<void>;
}

/**
 * Watches the content, the templates and the config. Saves that arrive together (an
 * editor writing several files, a `git checkout`) are coalesced over `debounceMs`.
 */
export async function watchProject(builder: PreviewBuilder, opts: { debounceMs?: number } = {}): Promise<Watcher> {
  const root = builder.root;
  const templates = emailsDir(root);
  const outbox = join(root, 'outbox');
  const watched = new Set(['series', 'broadcasts', 'outbox', 'emails', CONFIG_FILE]);
  // The root itself, filtered, rather than each folder: chokidar 4 misses folders that do
  // not exist yet when several are watched (measured), and `broadcasts/` or `outbox/` may appear later.
  const ignored = (path: string) => {
    const inTemplates = relative(templates, path);
    if (!inTemplates.startsWith('..')) return /(^|[\\/])\./.test(inTemplates);
    const rel = relative(root, path);
    if (rel === '') return false;
    return rel.startsWith('..') || !watched.has(rel.split(sep)[0]!) || /(^|[\\/])(\.|node_modules)/.test(rel);
  };
  const watcher = watch(templates.startsWith(root + sep) ? [root] : [root, templates], { ignoreInitial: true, ignored });
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  watcher.on('all', (event, path) => {
    // The outbox is not built from; an open Outbox page just lists the new file.
    if (!relative(outbox, path).startsWith('..')) {
      if (path.endsWith('.eml') && (event === 'add' || event === 'unlink')) builder.signal('outbox', relative(outbox, path));
      return;
    }
    pending.add(path);
    clearTimeout(timer);
    timer = setTimeout(() => {
      const plan = planFor(root, emailsDir(root), pending);
      pending.clear();
      void builder.rebuild(plan);
    }, opts.debounceMs ?? 15);
  });
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return {
    close: async () => {
      clearTimeout(timer);
      await watcher.close();
    },
  };
}
