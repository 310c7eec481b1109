import { buildSeries, type Project } from '../build/index.ts';
import { listSeries } from '../content/index.ts';
import { CoursemailError } from '../shared/index.ts';
import { catalogFromData, entryData, type Catalog, type CatalogData } from './catalog-data.ts';

export { entryData, entryOf, type Catalog, type CatalogData, type CatalogEntry, type CatalogEntryData } from './catalog-data.ts';

/**
 * Builds (renders and guards) every series. A series that does not build stops it with
 * its problems: nothing is sent until every series builds.
 */
export async function catalogData(project: Project, seriesIds = listSeries(project.root)): Promise<CatalogData> {
  const data: CatalogData = { courses: [], lessons: {}, confirms: {} };
  for (const id of seriesIds) {
    const { built, problems } = await buildSeries(project, id);
    if (!built) throw new CoursemailError('catalog', `Series "${id}" does not build; nothing will be sent until it does:`, problems);
    data.courses.push(built.course);
    for (const s of built.steps) data.lessons[`${id}/${s.step.slug}`] = entryData(s);
    data.confirms[id] = entryData(built.confirm);
  }
  return data;
}

/**
 * The catalog built in this process, for callers that have the renderers loaded anyway
 * (the dev server, tests). The worker builds it in a child instead (render-process.ts).
 */
export async function buildCatalog(project: Project, seriesIds = listSeries(project.root)): Promise<Catalog> {
  return catalogFromData(await catalogData(project, seriesIds));
}
