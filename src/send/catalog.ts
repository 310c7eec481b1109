import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OUTPUT_DIR, type Manifest } from '../build/write-output.ts';
import { sourcesHash, sourcesStamp } from '../build/sources.ts';
import { linkResolver, loadConfig, CONFIG_FILE, type Config } from '../config/index.ts';
import { listSeries, loadSeries } from '../content/index.ts';
import type { Course, MessageKind } from '../course/index.ts';
import { entryOf, type Catalog, type CatalogEntry } from './catalog-entry.ts';
import { CoursemailError } from '../shared/index.ts';

export { entryOf, type Catalog, type CatalogEntry, type RenderedParts } from './catalog-entry.ts';

/** The build output `coursemail build` wrote for a series, if it was built from the sources as they are now. */
function fromOutput(root: string, config: Config, id: string, sources: string, entries: Map<string, CatalogEntry>): Course | undefined {
  const dir = join(root, OUTPUT_DIR, id);
  const file = join(dir, 'manifest.json');
  if (!existsSync(file)) return undefined;
  const m = JSON.parse(readFileSync(file, 'utf8')) as Partial<Manifest>;
  if (m.sources !== sources || !m.sender || !m.steps || !m.confirm) return undefined;
  const { course } = loadSeries(root, id, linkResolver(config));
  if (!course) return undefined;
  const read = (kind: MessageKind, p: { subject: string; html: string; text: string }) =>
    entryOf({
      kind,
      subject: p.subject,
      html: readFileSync(join(dir, p.html), 'utf8'),
      text: readFileSync(join(dir, p.text), 'utf8'),
      senderName: m.sender!.name,
      senderEmail: m.sender!.email,
    });
  for (const s of m.steps) entries.set(`${id}/${s.slug}`, read('lesson', s));
  entries.set(id, read('confirm', m.confirm));
  return course;
}

/**
 * The worker's catalog, read from the build output (`previews/`) so a worker started after `coursemail build` never loads the renderers.
 * Missing or stale series are built here (`onBuild` is told which) and sources are hashed again before each batch: a stale catalog is never sent.
 * A changed config is refused instead, because the worker's footer checks use the one it started with.
 */
export async function sourceCatalog(root: string, config: Config, onBuild?: (stale: string[]) => void): Promise<Catalog> {
  const courses = new Map<string, Course>();
  let entries = new Map<string, CatalogEntry>();
  let hashes = '';
  let stamp = '';
  const load = async () => {
    const ids = listSeries(root);
    const stampNow = sourcesStamp(root, ids);
    if (stampNow === stamp) return;
    const now = ids.map((id) => sourcesHash(root, id));
    if (now.join() === hashes) {
      stamp = stampNow;
      return;
    }
    if (hashes && JSON.stringify(loadConfig(root)) !== JSON.stringify(config)) {
      throw new CoursemailError(
        'catalog.config',
        `${CONFIG_FILE} changed since this worker started: restart it to send with the new settings; nothing is sent until then`,
      );
    }
    const next = new Map<string, CatalogEntry>();
    const nextCourses = new Map<string, Course>();
    const stale: string[] = [];
    ids.forEach((id, i) => {
      const course = fromOutput(root, config, id, now[i]!, next);
      if (course) nextCourses.set(id, course);
      else stale.push(id);
    });
    if (stale.length) {
      onBuild?.(stale);
      // Only here are the renderers loaded (and they stay loaded).
      const [{ loadProject }, { buildCatalog }] = await Promise.all([import('../build/project.ts'), import('./build-catalog.ts')]);
      const built = await buildCatalog(await loadProject(root, { fresh: true }), stale);
      for (const id of stale) {
        nextCourses.set(id, built.courses.get(id)!);
        for (const s of built.courses.get(id)!.steps) next.set(`${id}/${s.slug}`, built.lesson(id, s.slug)!);
        next.set(id, built.confirm(id)!);
      }
    }
    entries = next;
    courses.clear();
    for (const [id, c] of nextCourses) courses.set(id, c);
    hashes = now.join();
    stamp = stampNow;
  };
  await load();
  return { courses, lesson: (seriesId, slug) => entries.get(`${seriesId}/${slug}`), confirm: (seriesId) => entries.get(seriesId), refresh: load };
}
