import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildSeries, loadProject, type BuiltMessage, type Project } from '../build/index.ts';
import { CONFIG_FILE } from '../config/index.ts';
import { listSeries } from '../content/index.ts';
import type { Course } from '../course/types.ts';
import { compileMessage, type CompiledMessage } from '../personalize/index.ts';
import { CoursemailError } from '../shared/index.ts';

export interface CatalogEntry {
  compiled: CompiledMessage;
  sender: { name: string; email: string };
  subject: string;
}

/**
 * Every series compiled once: lessons by (series, slug) and each series' confirmation.
 * Sending then only fills; nothing is rendered per recipient.
 */
export interface Catalog {
  courses: Map<string, Course>;
  lesson(seriesId: string, slug: string): CatalogEntry | undefined;
  confirm(seriesId: string): CatalogEntry | undefined;
  /** Brings the catalog up to date with its sources, or throws: the worker calls it before each pass and batch. */
  refresh?(): Promise<void>;
}

export function entryOf(built: BuiltMessage): CatalogEntry {
  const { kind, subject, html, text, senderName, senderEmail } = built.message;
  return { compiled: compileMessage({ kind, subject, html, text }), sender: { name: senderName, email: senderEmail }, subject };
}

/**
 * Builds (renders and guards) every series. A series that does not build stops it with
 * its problems: nothing is sent until every series builds.
 */
export async function buildCatalog(project: Project, seriesIds = listSeries(project.root)): Promise<Catalog> {
  const courses = new Map<string, Course>();
  const entries = new Map<string, CatalogEntry>();
  for (const id of seriesIds) {
    const { built, problems } = await buildSeries(project, id);
    if (!built) throw new CoursemailError('catalog', `Series "${id}" does not build; nothing will be sent until it does:`, problems);
    courses.set(id, built.course);
    for (const s of built.steps) entries.set(`${id}/${s.step.slug}`, entryOf(s));
    entries.set(id, entryOf(built.confirm));
  }
  return { courses, lesson: (seriesId, slug) => entries.get(`${seriesId}/${slug}`), confirm: (seriesId) => entries.get(seriesId) };
}

/** Path, size and modification time of every file a catalog is built from: cheap enough to take before each batch. */
function sourcesStamp(project: Project): string {
  const files = [join(project.root, CONFIG_FILE)];
  for (const dir of [join(project.root, 'series'), project.emailsDir]) {
    if (existsSync(dir)) for (const f of readdirSync(dir, { recursive: true, encoding: 'utf8' })) files.push(join(dir, f));
  }
  return files
    .sort()
    .map((f) => {
      const s = statSync(f, { throwIfNoEntry: false });
      return `${f}\0${s?.size}\0${s?.mtimeMs}`;
    })
    .join('\n');
}

/**
 * The worker's catalog: built in this process at start, and built again before the next
 * batch whenever a lesson, template or the config changed since. A catalog older than its
 * sources is never sent from: until a rebuild succeeds, `refresh` throws with its problems.
 * A changed config is refused instead: the worker's footer checks use the one it started with.
 */
export async function sourceCatalog(started: Project): Promise<Catalog> {
  const { root, config } = started;
  let project = started;
  let stamp = sourcesStamp(project);
  let current = await buildCatalog(project);
  const courses = new Map(current.courses);
  return {
    courses,
    lesson: (seriesId, slug) => current.lesson(seriesId, slug),
    confirm: (seriesId) => current.confirm(seriesId),
    async refresh() {
      const now = sourcesStamp(project);
      if (now === stamp) return;
      project = await loadProject(root, { fresh: true });
      if (JSON.stringify(project.config) !== JSON.stringify(config)) {
        throw new CoursemailError('catalog.config', `${CONFIG_FILE} changed since this worker started: restart it to send with the new settings; nothing is sent until then`);
      }
      current = await buildCatalog(project);
      stamp = now;
      courses.clear();
      for (const [id, c] of current.courses) courses.set(id, c);
    },
  };
}
