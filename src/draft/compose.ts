import { stringify } from 'yaml';
import { formatOffset } from '../course/index.ts';
import { kebab } from './cross-refs.ts';
import { sectionWords } from './sections.ts';
import { sentences, trimAtWord } from './sentences.ts';
import { subjectFromTitle } from './subject.ts';
import type { Block, DraftCta, DraftLesson, LinkTodo, Section } from './types.ts';

export const GREETING = '{{#if firstName}}Hi {{firstName}},{{else}}Hello,{{/if}}';
const PREHEADER_MAX = 90;
const SLUG_MAX = 40;

/**
 * Escapes an article's `{{` so it is not read as a placeholder: Handlebars' `\{{` (never doubled) when a `}}` follows, else a zero-width space
 * between the braces, because the renderer keeps the backslash away from Markdown only for a complete `\{{…}}`.
 */
function escapeBraces(text: string): string {
  const lastClose = text.lastIndexOf('}}');
  return text.replace(/\\*\{\{/g, (match, offset: number) => (offset + match.length <= lastClose ? '\\{{' : '{\u200b{'));
}

export interface LessonContext {
  docTitle: string;
  proper: Set<string>;
  every: { raw: string; minutes: number };
}

export interface ComposedLesson extends DraftLesson {
  /** Every call-to-action of the lesson, the first one being the button. */
  ctas: DraftCta[];
}

function subjectOf(section: Section, ctx: LessonContext): string {
  const base = subjectFromTitle(section.title ?? ctx.docTitle, ctx.proper, section.part ? 70 : 78);
  return section.part ? `${base} (${section.part.index}/${section.part.of})` : base;
}

/**
 * The section's first sentence; while that is under 40 characters ("This is not a soft
 * claim.", "The honest comparison:") the next ones are added. Trimmed to 90 characters.
 */
function preheaderOf(section: Section, subject: string): string {
  const prose = section.blocks.filter((b) => b.kind === 'paragraph' || b.kind === 'list' || b.kind === 'quote').slice(0, 3);
  let preheader = '';
  // Images and code leave gaps in the plain reading ("an image ."); close them up.
  const text = prose
    .map((b) => b.text)
    .join(' ')
    .replace(/\s+/g, ' ')
    .replace(/ ([.,;:!?])/g, '$1');
  for (const sentence of sentences(text)) {
    preheader = preheader ? `${preheader} ${sentence}` : sentence;
    if (preheader.length >= 40 || preheader.length >= PREHEADER_MAX) break;
  }
  return trimAtWord(preheader || subject, PREHEADER_MAX);
}

/** A slug that does not end on a dangling small word once cut: `…-matters`, not `…-matters-to`. */
function slugOf(subject: string, max: number): string {
  return kebab(subject, max).replace(/(?:-(?:a|an|the|and|or|of|to|for|in|on|at|by|with|vs|from))+$/, '') || 'lesson';
}

/**
 * One lesson file: frontmatter (subject, preheader, delay, and the first call-to-action as
 * `cta`), the greeting, then the section's blocks. A second call-to-action in the same
 * lesson cannot be a second button, so its sentence stays in the text.
 */
function composeLesson(section: Section, index: number, offsetMinutes: number, usedSlugs: Set<string>, ctx: LessonContext): ComposedLesson {
  const number = index + 1;
  const subject = subjectOf(section, ctx);
  const preheader = preheaderOf(section, subject);
  const ctas = section.blocks.filter((b): b is Block & { cta: DraftCta } => b.kind === 'cta' && !!b.cta).map((b) => b.cta);
  const body = section.blocks
    .map((b) => (b.kind === 'cta' ? (b.cta === ctas[0] ? '' : (b.cta?.sentence ?? '')) : b.markdown))
    .filter(Boolean)
    .join('\n\n');

  let slug = slugOf(subject, SLUG_MAX);
  for (let n = 2; usedSlugs.has(slug); n++) slug = `${slugOf(subject, SLUG_MAX - 3)}-${n}`;
  usedSlugs.add(slug);

  const delay = index === 0 ? '0d' : ctx.every.raw;
  const cta = ctas[0] ? { text: ctas[0].text, href: ctas[0].href } : undefined;
  const frontmatter = stringify({ subject: escapeBraces(subject), preheader: escapeBraces(preheader), delay, ...(cta ? { cta } : {}) }, { lineWidth: 0 });
  const content = `---\n${frontmatter}---\n\n${GREETING}\n\n${escapeBraces(body)}\n`;
  return {
    number,
    fileName: `${String(number).padStart(2, '0')}-${slug}.md`,
    slug,
    subject,
    preheader,
    delay,
    offsetMinutes,
    words: sectionWords(section),
    cta,
    ctas,
    content,
  };
}

export function composeLessons(sections: Section[], ctx: LessonContext): ComposedLesson[] {
  const used = new Set<string>();
  return sections.map((s, i) => composeLesson(s, i, i * ctx.every.minutes, used, ctx));
}

/** Day and time after confirmation, for the lesson list: `day 0`, `day 4`, `day 4 +18h`. */
export function dayLabel(offsetMinutes: number): string {
  const rest = offsetMinutes % 1440;
  return `day ${Math.floor(offsetMinutes / 1440)}${rest ? ` +${formatOffset(rest)}` : ''}`;
}

export interface SeriesFileInput {
  title: string;
  description: string;
  engine: 'react' | 'mjml';
  linksTodo: LinkTodo[];
}

/** `series.yaml` in the project's format; `links.todo` lists the names config must give URLs. */
export function composeSeriesYaml({ title, description, engine, linksTodo }: SeriesFileInput): string {
  const head = stringify({ title, description, engine, timezone: 'America/New_York' }, { lineWidth: 0 });
  const window = 'sendWindow:\n  start: "08:00"\n  end: "11:00"\n  days: [mon, tue, wed, thu, fri, sat, sun]\n';
  const links = linksTodo.length ? stringify({ links: { todo: linksTodo.map(({ name, text }) => ({ name, text })) } }, { lineWidth: 0 }) : '';
  return head + window + links;
}
