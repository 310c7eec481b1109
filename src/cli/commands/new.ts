import { defineCommand } from 'citty';
import { readFileSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { dayLabel, draftSeries, parseWordBudget, writeSeriesFolder, type Draft } from '../../draft/index.ts';
import { CoursemailError } from '../../shared/index.ts';
import { processIO, type CliIO } from '../output.ts';
import { rootArg } from './args.ts';

/** Larger than any article; refused before reading so a wrong path cannot exhaust memory. */
const MAX_BYTES = 20 * 1024 * 1024;

export interface NewOptions {
  root: string;
  id: string;
  from: string;
  every: string;
  engine: string;
  words?: string;
  /** `--merge-below N`: a headed section under N words joins a neighbour. */
  mergeBelow?: string;
  force: boolean;
}

function parseMergeBelow(spec: string | undefined): number | undefined {
  if (spec === undefined || spec === '') return undefined;
  const n = Number(spec);
  if (!/^\s*\d+\s*$/.test(spec) || n > 1000)
    throw new CoursemailError('args', `--merge-below "${spec}" must be a whole number of words from 0 (never merge) to 1000, e.g. 40`);
  return n;
}

function readArticle(path: string): Uint8Array {
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new CoursemailError('draft.input', `${path} is not a file.`);
    size = stat.size;
  } catch (err) {
    if (err instanceof CoursemailError) throw err;
    throw new CoursemailError(
      'draft.input',
      `cannot read ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`,
    );
  }
  if (size > MAX_BYTES)
    throw new CoursemailError(
      'draft.too-long',
      `${path} is ${(size / 1024 / 1024).toFixed(1)} MB; an article to draft a course from is at most ${MAX_BYTES / 1024 / 1024} MB.`,
    );
  return readFileSync(path);
}

function printDraft(io: CliIO, dir: string, from: string, draft: Draft): void {
  const total = draft.lessons.reduce((n, l) => n + l.words, 0);
  io.out(`Drafted ${dir}/ from ${from} (${draft.format}, ${draft.lessons.length} lesson${draft.lessons.length === 1 ? '' : 's'}, ${total} words):`);
  for (const l of draft.lessons) {
    io.out(
      `  ${String(l.number).padStart(2)}. ${dayLabel(l.offsetMinutes).padEnd(8)} ${String(l.words).padStart(4)} words  ${l.subject}${l.cta ? `  [button: ${l.cta.text}]` : ''}`,
    );
  }
  if (draft.warnings.length) {
    io.err(`${draft.warnings.length} warning${draft.warnings.length === 1 ? '' : 's'} — check these before sending:`);
    for (const w of draft.warnings) io.err(`  ! ${w}`);
  }
  io.out('Edit the lessons, then run `coursemail check`.');
}

/** Reads the article, drafts the series, writes it in one step, and prints what it made. */
export function runNew(opts: NewOptions, io: CliIO): number {
  if (opts.engine !== 'react' && opts.engine !== 'mjml') throw new CoursemailError('args', '--engine must be react or mjml');
  const words = parseWordBudget(opts.words);
  const mergeBelow = parseMergeBelow(opts.mergeBelow);
  const root = resolve(opts.root);
  const from = resolve(opts.from);
  const article = readArticle(from);
  let draft: Draft;
  try {
    draft = draftSeries(article, { fileName: opts.from, engine: opts.engine, every: opts.every, words, mergeBelow });
  } catch (err) {
    // Quotes, lists or HTML nested thousands deep exhaust the Markdown and HTML parsers' stack.
    if (err instanceof RangeError)
      throw new CoursemailError(
        'draft.nesting',
        `${opts.from} is nested too deeply to read (quotes, lists or HTML elements thousands of levels inside one another); nothing was written.`,
      );
    throw err;
  }
  const files = [...draft.lessons.map((l) => ({ name: l.fileName, content: l.content })), { name: 'series.yaml', content: draft.seriesYaml }];
  const dir = writeSeriesFolder(root, opts.id, files, { force: opts.force });
  printDraft(io, relative(process.cwd(), dir) || dir, opts.from, draft);
  return 0;
}

export const newCommand = (io: CliIO) =>
  defineCommand({
    meta: { name: 'new', description: 'draft series/<id>/ from an article (Markdown, HTML or plain text)' },
    args: {
      ...rootArg,
      id: { type: 'positional', description: 'series id: the folder series/<id>/ (lowercase, digits, dashes)', required: true },
      from: { type: 'string', description: 'the article to draft from', required: true },
      every: { type: 'string', description: 'wait between lessons (lesson 1 goes at once): 2d, "3d 9h", 90m', default: '2d' },
      engine: { type: 'string', description: 'react | mjml', default: 'react' },
      words: { type: 'string', description: 'words per lesson: MAX or MIN-MAX (default 50-450)' },
      'merge-below': { type: 'string', description: 'a headed section under this many words joins a neighbour (default 40; 0 never merges)' },
      force: { type: 'boolean', description: 'replace an existing series/<id>/', default: false },
    },
    run: ({ args }) => runNew({ ...args, mergeBelow: args['merge-below'] }, io),
  });

export default newCommand(processIO);
