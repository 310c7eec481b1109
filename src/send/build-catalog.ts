import { buildSeries, type Project } from '../build/index.ts';
import { listSeries } from '../content/index.ts';
import type { Course } from '../course/types.ts';
import { CoursemailError } from '../shared/index.ts';
import { entryOf, type Catalog, type CatalogEntry } from './catalog-entry.ts';

/**
 * Builds (renders and guards) every series in this process, loading the renderers. A series
 * that does not build stops it with its problems: nothing is sent until every series builds.
 */
export async function buildCatalog(project: Project, seriesIds = listSeries(project.root)): Promise<Catalog> {
  const courses = new Map<string, Course>();
  const entries = new Map<string, CatalogEntry>();
  for (const id of seriesIds) {
    const { built, problems } = await buildSeries(project, id);
    if (!built) throw new CoursemailError('catalog', `Series "${id}" does not build; nothing will be sent until it does:`, problems);
    courses.set(id, built.course);
    for (const s of built.steps) entries.set(`${id}/${s.step.slug}`, entryOf(s.message));
    entries.set(id, entryOf(built.confirm.message));
  }
  return { courses, lesson: (seriesId, slug) => entries.get(`${seriesId}/${slug}`), confirm: (seriesId) => entries.get(seriesId) };
}
