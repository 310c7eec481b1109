import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { LinkResolver } from '../config/index.ts';
import { LESSON_FILE, lessonOrder, toSteps, type Course, type Lesson } from '../course/index.ts';
import type { Problem } from '../shared/index.ts';
import { parseMessageFile, resolveCta } from './lesson-file.ts';
import { readContentFile } from './read-file.ts';
import { validateSeriesFile } from './series-file.ts';
import { parseYamlBlock } from './yaml-block.ts';

const SERIES_FILE = 'series.yaml';

export function listSeries(root: string): string[] {
  const dir = join(root, 'series');
  if (!existsSync(dir)) return [];
  return (
    readdirSync(dir)
      // A dangling symlink under series/ is not a series (statSync would throw on it).
      .filter((id) => statSync(join(dir, id), { throwIfNoEntry: false })?.isDirectory() && existsSync(join(dir, id, SERIES_FILE)))
      .sort()
  );
}

/**
 * Reads `series/<id>/`: the series file and every `NN-slug.md` lesson, in file-name order.
 * Every problem in every file is collected, so one run shows them all.
 */
export function loadSeries(root: string, id: string, resolveLink: LinkResolver): { course?: Course; problems: Problem[] } {
  const dir = join(root, 'series', id);
  const rel = (p: string) => relative(root, p) || p;
  const seriesPath = join(dir, SERIES_FILE);
  if (!existsSync(seriesPath)) {
    return { problems: [{ code: 'series.missing', file: rel(seriesPath), message: `no ${SERIES_FILE} in ${rel(dir)}` }] };
  }
  const problems: Problem[] = [];
  const read = readContentFile(seriesPath, rel(seriesPath));
  const block = 'problem' in read ? { entries: [], problems: [read.problem] } : parseYamlBlock(read.text, rel(seriesPath));
  problems.push(...block.problems);
  const { meta, problems: metaProblems } = block.problems.length ? { meta: undefined, problems: [] } : validateSeriesFile(block.entries, rel(seriesPath));
  problems.push(...metaProblems);

  const files = lessonOrder(readdirSync(dir));
  const lessons: Lesson[] = [];
  const slugs = new Set<string>();
  for (const name of files) {
    const file = rel(join(dir, name));
    const m = LESSON_FILE.exec(name);
    if (!m) {
      problems.push({ code: 'lesson.name', file, message: 'lesson files are named NN-slug.md (e.g. 01-welcome.md): lowercase, digits and dashes' });
      continue;
    }
    const slug = m[2] as string;
    if (slugs.has(slug)) problems.push({ code: 'lesson.slug', file, message: `slug "${slug}" is used by two lessons` });
    slugs.add(slug);
    const read = readContentFile(join(dir, name), file);
    if ('problem' in read) {
      problems.push(read.problem);
      continue;
    }
    const parsed = parseMessageFile(read.text, file, 'lesson');
    problems.push(...parsed.problems);
    if (!parsed.message) continue;
    const { subject, preheader, delay, cta, body, bodyLine } = parsed.message;
    lessons.push({ slug, subject, preheader, delay: delay!, body, cta: resolveCta(cta, resolveLink), file, bodyLine });
  }
  if (files.length === 0) problems.push({ code: 'series.empty', file: rel(dir), message: 'the series has no lessons (NN-slug.md files)' });
  if (problems.length || !meta) return { problems };
  return { problems, course: { id, ...meta, steps: toSteps(lessons), dir: rel(dir) } };
}
