import { parseDelay } from '../course/index.ts';
import { CoursemailError } from '../shared/index.ts';
import { markdownBlocks } from './blocks.ts';
import { dropBoilerplate } from './clean.ts';
import { composeLessons, composeSeriesYaml, type ComposedLesson } from './compose.ts';
import { linkReferences, linkRelativeUrls } from './cross-refs.ts';
import { extractCtas } from './cta.ts';
import { decodeArticle } from './decode.ts';
import { detectFormat } from './detect.ts';
import { stripArticleFrontmatter } from './frontmatter.ts';
import { htmlTitle, htmlToMarkdown } from './html-to-markdown.ts';
import { linkNames } from './link-names.ts';
import { absorbEmpty, MERGE_BELOW, mergeShort, sectionWords, splitLong, splitSections } from './sections.ts';
import { countWords, sentences, trimAtWord } from './sentences.ts';
import { properNouns } from './subject.ts';
import { textToMarkdown } from './text-to-markdown.ts';
import type { ArticleFormat, Block, Draft, DraftOptions, LinkTodo, WordBudget } from './types.ts';

/**
 * The word budget per lesson. 450 words is about two minutes of reading; under 50 words a
 * section is a fragment, not a message. (The author's sections run 58–122 words.)
 */
export const DEFAULT_WORDS: WordBudget = { min: 50, max: 450 };
/** Lesson files are numbered `NN-`; a course longer than this is a book. */
const MAX_LESSONS = 99;

/** Markdown splits at `#`/`##`, HTML at `h1`–`h3`, plain text at its title lines (`##`). */
const SPLIT_DEPTH: Record<ArticleFormat, number> = { markdown: 2, html: 3, text: 2 };

/** `--words 450` (maximum; the minimum stays 50, or a third of it if that is smaller) or `--words 80-300`. */
export function parseWordBudget(spec: string | undefined): WordBudget {
  if (spec === undefined || spec === '') return DEFAULT_WORDS;
  const m = /^\s*(?:(\d+)\s*-\s*)?(\d+)\s*$/.exec(spec);
  const max = Number(m?.[2]);
  const min = m?.[1] !== undefined ? Number(m[1]) : Math.min(DEFAULT_WORDS.min, Math.floor(max / 3));
  if (!m || max < 30 || max > 5000 || min >= max) {
    throw new CoursemailError('args', `--words "${spec}" must be MAX or MIN-MAX words per lesson, e.g. 450 or 80-300 (MAX between 30 and 5000, MIN below MAX)`);
  }
  return { min, max };
}

/**
 * A title when the article states none: its first heading, else its first sentence cut
 * short. Never the file name, which says where the article was saved, not what it says.
 */
function fallbackTitle(blocks: Block[]): string {
  const heading = blocks.find((b) => b.kind === 'heading')?.text;
  if (heading) return heading;
  const prose = blocks.find((b) => b.kind === 'paragraph')?.text ?? '';
  return trimAtWord((sentences(prose.replace(/\s+/g, ' '))[0] ?? '').replace(/[.!?]+$/, ''), 60) || 'Untitled course';
}

const normalizeTitle = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

/** A first `#` heading that is the only one of its level is the article's title, not a section. */
function takeTitleHeading(blocks: Block[], metaTitle: string | undefined): string | undefined {
  const first = blocks[0];
  if (first?.kind !== 'heading' || first.depth !== 1) return undefined;
  if (blocks.filter((b) => b.kind === 'heading' && b.depth === 1).length !== 1) return undefined;
  if (metaTitle && normalizeTitle(metaTitle) !== normalizeTitle(first.text)) return undefined;
  blocks.shift();
  return first.text;
}

/** A cheap word count before parsing, so a huge file is refused before any real work. */
function estimateWords(body: string, format: ArticleFormat): number {
  const text = format === 'html' ? body.replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, ' ').replace(/<[^>]*>/g, ' ') : body;
  return countWords(text);
}

/**
 * Article bytes → a draft series: lesson files, `series.yaml`, the names config must fill,
 * and warnings. Pure: no I/O, no clock; the caller reads the file and writes the folder.
 */
export function draftSeries(bytes: Uint8Array, options: DraftOptions): Draft {
  const { fileName, words: budget } = options;
  const every = parseDelay(options.every);
  if ('error' in every) throw new CoursemailError('args', `--every: ${every.error}`);
  if (every.minutes === 0) throw new CoursemailError('args', '--every must be longer than 0 (lesson 1 goes at once; this is the wait between the others)');

  const text = decodeArticle(bytes, fileName);
  const { meta, body, warning } = stripArticleFrontmatter(text);
  const warnings: string[] = warning ? [warning] : [];
  if (!body.trim())
    throw new CoursemailError('draft.empty', `${fileName} has no text to turn into lessons${text.trim() ? ' (only frontmatter)' : ' (the file is empty)'}.`);

  const format = detectFormat(body, fileName);
  const capacity = MAX_LESSONS * budget.max;
  const estimate = estimateWords(body, format);
  if (estimate > capacity) {
    throw new CoursemailError(
      'draft.too-long',
      `${fileName} has about ${estimate.toLocaleString('en-US')} words; a course of at most ${MAX_LESSONS} lessons of ${budget.max} words holds ${capacity.toLocaleString('en-US')}. Draft a course from one part of it, or raise --words.`,
    );
  }

  const markdown = format === 'html' ? htmlToMarkdown(body) : format === 'text' ? textToMarkdown(body) : body;
  const blocks = markdownBlocks(markdown);
  const titleHeading = takeTitleHeading(blocks, meta.title);
  const stated = meta.title ?? titleHeading ?? (format === 'html' ? htmlTitle(body) : undefined);
  const title = stated ?? fallbackTitle(blocks);
  if (!stated)
    warnings.push(
      `the article has no title (a # heading, <h1> or <title>, or a short first line without a full stop), so the series is titled "${title}"; change it in series.yaml`,
    );

  const cleaned = dropBoilerplate(blocks);
  warnings.push(...cleaned.warnings);

  const names = linkNames();
  /** Names given to links the article made relative (`/articles/x`), with that address. */
  const relativeTargets = new Map<string, string>();
  let ctaCount = 0;
  const withCtas = extractCtas(cleaned.blocks, () => names.claim(`cta-${++ctaCount}`));

  const linked = withCtas.map((b) => {
    if (b.kind !== 'paragraph' && b.kind !== 'list' && b.kind !== 'quote') return b;
    const refs = format === 'text' ? linkReferences(b.markdown, names.forPhrase).markdown : b.markdown;
    const relative = linkRelativeUrls(refs, names.forPhrase);
    for (const r of relative.found) relativeTargets.set(names.forPhrase(r.text), r.href);
    return { ...b, markdown: relative.markdown };
  });

  if (!linked.some((b) => b.kind !== 'heading' && countWords(b.text) > 0)) {
    throw new CoursemailError('draft.empty', `${fileName} has no prose to turn into lessons: nothing is left but headings, a disclaimer or navigation.`);
  }

  const sections = splitSections(linked, SPLIT_DEPTH[format]);
  const fitted = absorbEmpty(splitLong(mergeShort(sections, budget, options.mergeBelow), budget));
  if (!sections.some((s) => s.title)) {
    warnings.push(
      `no section headings found, so the text was cut by the word budget into ${fitted.length} lesson${fitted.length === 1 ? '' : 's'}; give each a subject that says what it is about`,
    );
  }
  if (fitted.length > MAX_LESSONS) {
    throw new CoursemailError(
      'draft.too-long',
      `${fileName} would make ${fitted.length} lessons; at most ${MAX_LESSONS} fit. Draft a course from one part of it, or raise --words.`,
    );
  }

  const proper = properNouns(linked.filter((b) => b.kind !== 'heading').map((b) => b.text));
  const lessons = composeLessons(fitted, { docTitle: title, proper, every });
  const floor = options.mergeBelow ?? MERGE_BELOW;
  fitted.forEach((section, k) => {
    const at = `lesson ${k + 1} (${lessons[k]?.fileName})`;
    warnings.push(...(section.notes ?? []).map((note) => `${at}: ${note}`));
    if (fitted.length > 1 && section.title && sectionWords(section) < floor)
      warnings.push(
        `${at} has only ${sectionWords(section)} words, under the ${floor}-word floor, but no neighbour could take it (a merge joins at most two headed sections, within ${budget.max} words): add to it or join it by hand`,
      );
  });
  // Only a lesson's first call-to-action is a button; a second stays a sentence and needs no URL.
  for (const { ctas } of lessons) if (ctas[0]?.href.startsWith('link:cta-')) names.todo.push({ name: ctas[0].href.slice(5), text: ctas[0].text });
  const linksTodo = names.todo;
  warnings.push(...lessonWarnings(lessons, linksTodo, relativeTargets, budget));

  const firstProse = linked.find((b) => b.kind === 'paragraph')?.text;
  const description =
    meta.description ?? (firstProse ? trimAtWord(sentences(firstProse.replace(/\s+/g, ' '))[0] ?? '', 200) : `An email course from the article "${title}".`);
  return {
    title,
    description,
    format,
    lessons: lessons.map(({ ctas: _ctas, ...lesson }) => lesson),
    linksTodo,
    seriesYaml: composeSeriesYaml({ title, description, engine: options.engine, linksTodo }),
    warnings,
  };
}

/** What the author must look at, per lesson: each call-to-action and each named link to fill. */
function lessonWarnings(lessons: ComposedLesson[], linksTodo: LinkTodo[], relativeTargets: Map<string, string>, budget: WordBudget): string[] {
  const todo = new Map(linksTodo.map((t) => [t.name, t]));
  const out: string[] = [];
  for (const lesson of lessons) {
    const at = `lesson ${lesson.number} (${lesson.fileName})`;
    lesson.ctas.forEach((cta, k) => {
      const target = cta.href.startsWith('link:consultation')
        ? 'link:consultation (consultationUrl in coursemail.config.json)'
        : cta.href.startsWith('link:')
          ? `${cta.href}: add its URL under "links" in coursemail.config.json`
          : cta.href;
      const was = cta.linkedTo ? ` (it linked to ${cta.linkedTo})` : '';
      out.push(
        k === 0
          ? `${at}: the sentence "${cta.sentence}"${was} became the button "${cta.text}" → ${target}`
          : `${at}: the sentence "${cta.sentence}" is a second call-to-action in one lesson; it stayed in the text — link it (${target}) or delete it`,
      );
    });
    for (const m of lesson.content.matchAll(/\]\(link:([a-z0-9-]+)\)/g)) {
      const entry = todo.get(m[1] as string);
      if (entry && !entry.name.startsWith('cta-')) {
        const was = relativeTargets.has(entry.name) ? ` (the article linked it to ${relativeTargets.get(entry.name)}, an address no inbox can open)` : '';
        out.push(
          `${at}: "${entry.text}" links to link:${entry.name}${was}; add its URL under "links" in coursemail.config.json (listed in series.yaml links.todo); until then it reads as plain text`,
        );
      }
    }
    if (lesson.words > budget.max) out.push(`${at} has ${lesson.words} words, more than ${budget.max}: one block in it could not be cut`);
  }
  return out;
}
