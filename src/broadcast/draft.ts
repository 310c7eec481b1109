import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { messageProblems, renderChecked, type BuiltMessage, type Project } from '../build/index.ts';
import { BROADCASTS_DIR, listSeries, loadSeries, parseMessageFile, readContentFile, resolveCta, type ParsedMessageFile } from '../content/index.ts';
import type { Course } from '../course/index.ts';
import type { ComplianceCheck } from '../render/guard.ts';
import { CoursemailError, type Problem } from '../shared/index.ts';
import { contentHash } from './file.ts';

/** One `broadcasts/<slug>.md`, read, hashed, rendered once and guarded. */
export interface BroadcastDraft {
  slug: string;
  /** Relative to the project root, for messages: `broadcasts/<slug>.md`. */
  file: string;
  /** sha256 (hex) of the file's bytes: a send is tied to exactly this content. */
  hash: string;
  parsed?: ParsedMessageFile;
  /** Present only when there are no problems: this is what would be sent. */
  built?: BuiltMessage;
  /** What rendered, problems or not: the console's editor shows it beside them. */
  rendered?: BuiltMessage;
  /** The compliance guard's verdict on the rendered message; empty when it did not render. */
  checks: ComplianceCheck[];
  problems: Problem[];
}

/**
 * The slug a FILE argument names: a `.md` file directly in `broadcasts/`, because workers find the message again by slug there
 * and the preview serves it at `/broadcasts/<slug>`. A path resolves from the working directory, else the project root; a bare slug is accepted too.
 */
export function slugOf(root: string, fileArg: string, cwd = process.cwd()): string {
  const dir = resolve(root, BROADCASTS_DIR);
  const inDir = (p: string) => p.endsWith('.md') && resolve(dirname(p)) === dir;
  const isBare = !/[\\/]/.test(fileArg) && !fileArg.endsWith('.md');
  const path = isBare ? join(dir, `${fileArg}.md`) : [resolve(cwd, fileArg), resolve(root, fileArg)].find(inDir);
  if (!path || !inDir(path)) {
    throw new CoursemailError(
      'broadcast.file',
      `"${fileArg}" is not a broadcast: give a .md file in ${relative(cwd, dir) || dir}/ (e.g. broadcasts/new-article.md).`,
    );
  }
  return basename(path, '.md');
}

/** Slugs of every draft in `broadcasts/`, sorted. */
export function listBroadcastSlugs(root: string): string[] {
  const dir = join(root, BROADCASTS_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.md'))
    .map((f) => f.slice(0, -3))
    .sort();
}

/**
 * The series a broadcast names, as the caller has it: its course, or `missing` (no such
 * series) or `broken` (it does not load). The CLI reads series/; the preview passes what it built.
 */
export type SeriesLookup = (id: string) => Course | 'missing' | 'broken';

const seriesOnDisk =
  (project: Project): SeriesLookup =>
  (id) => {
    if (!listSeries(project.root).includes(id)) return 'missing';
    return loadSeries(project.root, id, project.resolveLink).course ?? 'broken';
  };

/** Reads `broadcasts/<slug>.md` with a lesson file's checks, then `renderBroadcast`. */
export async function loadBroadcast(project: Project, slug: string, series: SeriesLookup = seriesOnDisk(project)): Promise<BroadcastDraft> {
  const file = `${BROADCASTS_DIR}/${slug}.md`;
  const path = join(project.root, file);
  if (!existsSync(path)) throw new CoursemailError('broadcast.missing', `${file} does not exist.`);
  // The same checks as a lesson file (size, binary, UTF-8, a directory named x.md) before parsing.
  const read = readContentFile(path, file);
  if ('problem' in read) return { slug, file, hash: '', checks: [], problems: [read.problem] };
  // The hash is of the raw bytes, as recorded when a send starts (a BOM counts).
  return renderBroadcast(project, { slug, file, text: read.text, hash: contentHash(readFileSync(path)) }, series);
}

/** A broadcast's source wherever it is kept (a file, a console draft): what `renderBroadcast` reads. */
export interface BroadcastSource {
  slug: string;
  /** Where it is kept, for messages. */
  file: string;
  text: string;
  /** sha256 (hex) of the exact bytes a send is tied to. */
  hash: string;
}

/**
 * Parses, renders and guards a broadcast's source. Files and console drafts both come through here, so there is one render path.
 * Every problem is returned; `built` only when there are none.
 */
export async function renderBroadcast(project: Project, source: BroadcastSource, series: SeriesLookup = seriesOnDisk(project)): Promise<BroadcastDraft> {
  const { slug, file, hash } = source;
  const { message: parsed, problems } = parseMessageFile(source.text, file, 'broadcast');
  if (!parsed) return { slug, file, hash, checks: [], problems };

  let course: Course | undefined;
  if (parsed.series) {
    const found = series(parsed.series);
    if (found === 'missing') problems.push({ code: 'broadcast.series', file, field: 'series', message: `no series "${parsed.series}" under series/` });
    else if (found === 'broken')
      problems.push({ code: 'broadcast.series', file, field: 'series', message: `series "${parsed.series}" does not load (run coursemail check)` });
    else course = found;
  }
  try {
    const built = await renderChecked(
      project,
      {
        kind: 'broadcast',
        engine: course?.engine ?? 'react',
        subject: parsed.subject,
        preheader: parsed.preheader,
        body: parsed.body,
        cta: resolveCta(parsed.cta, project.resolveLink),
        seriesTitle: course?.title,
        sender: course?.sender,
      },
      { file, bodyLine: parsed.bodyLine },
    );
    problems.push(...messageProblems(built, file));
    return { slug, file, hash, parsed, built: problems.length ? undefined : built, rendered: built, checks: built.checks, problems };
  } catch (err) {
    const message = err instanceof CoursemailError ? err.message : `rendering failed: ${(err as Error).message}`;
    return { slug, file, hash, parsed, checks: [], problems: [...problems, { code: 'render', file, message }] };
  }
}
