import { buildSeries, type BuiltMessage, type Project } from '../build/index.ts';
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
 * Every series compiled once at worker start: lessons by (series, slug) and each series'
 * confirmation. Sending then only fills; nothing is rendered per recipient.
 */
export interface Catalog {
  courses: Map<string, Course>;
  lesson(seriesId: string, slug: string): CatalogEntry | undefined;
  confirm(seriesId: string): CatalogEntry | undefined;
}

export function entryOf(built: BuiltMessage): CatalogEntry {
  return {
    compiled: compileMessage(built.message),
    sender: { name: built.message.senderName, email: built.message.senderEmail },
    subject: built.message.subject,
  };
}

export async function buildCatalog(project: Project, seriesIds = listSeries(project.root)): Promise<Catalog> {
  const courses = new Map<string, Course>();
  const lessons = new Map<string, CatalogEntry>();
  const confirms = new Map<string, CatalogEntry>();
  for (const id of seriesIds) {
    const { built, problems } = await buildSeries(project, id);
    if (!built) throw new CoursemailError('catalog', `Series "${id}" does not build; nothing will be sent until it does:`, problems);
    courses.set(id, built.course);
    for (const s of built.steps) lessons.set(`${id}/${s.step.slug}`, entryOf(s));
    confirms.set(id, entryOf(built.confirm));
  }
  return {
    courses,
    lesson: (seriesId, slug) => lessons.get(`${seriesId}/${slug}`),
    confirm: (seriesId) => confirms.get(seriesId),
  };
}
