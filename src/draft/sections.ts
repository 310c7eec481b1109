import { Lexer } from 'marked';
import { plainText } from './blocks.ts';
import { countWords, sentenceSpans } from './sentences.ts';
import type { Block, Section, WordBudget } from './types.ts';

/**
 * Splits blocks at headings of depth ≤ `splitDepth`. Deeper headings stay inside their
 * section as sub-headings. Text before the first heading is a section without a title.
 */
export function splitSections(blocks: Block[], splitDepth: number): Section[] {
  const sections: Section[] = [];
  for (const block of blocks) {
    if (block.kind === 'heading' && (block.depth ?? 9) <= splitDepth) sections.push({ title: block.text, depth: block.depth, blocks: [] });
    else {
      if (!sections.length) sections.push({ blocks: [] });
      (sections[sections.length - 1] as Section).blocks.push(block);
    }
  }
  return sections;
}

const wordCache = new WeakMap<Block, number>();
function blockWords(block: Block): number {
  let n = wordCache.get(block);
  if (n === undefined) wordCache.set(block, (n = countWords(block.text)));
  return n;
}
const sectionCache = new WeakMap<Section, number>();
export function sectionWords(section: Section): number {
  let n = sectionCache.get(section);
  if (n === undefined) sectionCache.set(section, (n = section.blocks.reduce((sum, b) => sum + blockWords(b), 0)));
  return n;
}

function headingBlock(title: string, depth = 2): Block {
  const level = Math.min(Math.max(depth, 2), 3);
  return { kind: 'heading', depth: level, text: title, markdown: `${'#'.repeat(level)} ${title}` };
}

const headedOf = (s: Section) => s.headed ?? (s.title ? 1 : 0);

/** `b` appended to `a`; its title becomes a sub-heading so the reader still sees the break. */
function merge(a: Section, b: Section, note?: string): Section {
  const notes = [...(a.notes ?? []), ...(b.notes ?? []), ...(note ? [note] : [])];
  return {
    title: a.title ?? (a.blocks.length ? undefined : b.title),
    depth: a.depth,
    blocks: [...a.blocks, ...(b.title ? [headingBlock(b.title, b.depth)] : []), ...b.blocks],
    headed: headedOf(a) + headedOf(b),
    ...(notes.length ? { notes } : {}),
  };
}

/** Default for `mergeBelow`: a headed section this short is a fragment, not a message. */
export const MERGE_BELOW = 40;

/**
 * The introduction opens lesson 1 with the first section unless together they pass `max`. A section under `below` words joins a neighbour,
 * shortest first: the one before (a short section usually finishes its thought), else the one after when none is before or `max` would be passed.
 * A merge never holds more than two headed sections; each is noted on the section it made.
 */
export function mergeShort(input: Section[], { min, max }: WordBudget, below = MERGE_BELOW): Section[] {
  const sections = [...input];
  const [intro, first] = sections;
  // An introduction long enough to stand alone stays lesson 1 when both would pass `max`:
  // joined, they would be cut again, and the first section's heading lost to "(2/2)".
  if (intro && first && !intro.title && (sectionWords(intro) < min || sectionWords(intro) + sectionWords(first) <= max))
    sections.splice(0, 2, merge(intro, first));
  const stuck = new Set<Section>();
  for (;;) {
    const candidates = sections.filter((s) => !stuck.has(s) && headedOf(s) === 1 && sectionWords(s) < below);
    if (!candidates.length || sections.length < 2) return sections;
    const short = candidates.reduce((a, b) => (sectionWords(b) < sectionWords(a) ? b : a));
    const i = sections.indexOf(short);
    const j = [i - 1, i + 1].find((k) => {
      const other = sections[k];
      return other !== undefined && headedOf(short) + headedOf(other) <= 2 && sectionWords(short) + sectionWords(other) <= max;
    });
    if (j === undefined) {
      stuck.add(short);
      continue;
    }
    const other = sections[j] as Section;
    const name = (s: Section) => `"${s.title ?? 'the introduction and first section'}"`;
    const why = `${name(short)} (${sectionWords(short)} words, under the ${below}-word floor) was merged ${j < i ? 'in after' : 'in before'} ${name(other)}`;
    const [a, b] = j < i ? [other, short] : [short, other];
    sections.splice(Math.min(i, j), 2, merge(a, b, why));
  }
}

/** A paragraph longer than a lesson is cut at sentences, and a giant sentence at words. */
function pieces(block: Block, max: number): Block[] {
  if (block.kind !== 'paragraph' || blockWords(block) <= max) return [block];
  const chunks: string[] = [];
  let current = '';
  let words = 0;
  const push = () => {
    if (current.trim()) chunks.push(current.trim());
    current = '';
    words = 0;
  };
  for (const [start, end] of sentenceSpans(block.markdown)) {
    const sentence = block.markdown.slice(start, end);
    const n = countWords(sentence);
    if (n > max) {
      push();
      const tokens = sentence.split(/(?<=\s)/);
      for (let k = 0; k < tokens.length; k += max)
        chunks.push(
          tokens
            .slice(k, k + max)
            .join('')
            .trim(),
        );
      continue;
    }
    if (words + n > max) push();
    current += sentence;
    words += n;
  }
  push();
  return chunks.map((markdown) => ({ kind: 'paragraph', markdown, text: plainText(Lexer.lex(markdown, { gfm: true })).trim() }));
}

/**
 * Cuts sections longer than `max` words at paragraph boundaries into parts of about equal length (total ÷ the fewest parts that fit).
 * A sub-heading stays with the paragraph after it and a call-to-action with the one before; a last part under `min` rejoins the one before.
 */
export function splitLong(sections: Section[], { min, max }: WordBudget): Section[] {
  const out: Section[] = [];
  for (const section of sections) {
    const total = sectionWords(section);
    if (total <= max) {
      out.push(section);
      continue;
    }
    const units: Block[][] = [];
    let pendingHeadings: Block[] = [];
    const count = Math.ceil(total / max);
    const target = total / count;
    for (const block of section.blocks.flatMap((b) => pieces(b, Math.ceil(target)))) {
      if (block.kind === 'heading') pendingHeadings.push(block);
      else if (block.kind === 'cta' && units.length && !pendingHeadings.length) (units[units.length - 1] as Block[]).push(block);
      else {
        units.push([...pendingHeadings, block]);
        pendingHeadings = [];
      }
    }
    if (pendingHeadings.length) units.push(pendingHeadings);

    const parts: Block[][] = [];
    let current: Block[] = [];
    let words = 0;
    for (const unit of units) {
      const n = unit.reduce((sum, b) => sum + blockWords(b), 0);
      if (current.length && (words + n > max || (parts.length < count - 1 && words + n / 2 > target))) {
        parts.push(current);
        current = [];
        words = 0;
      }
      current.push(...unit);
      words += n;
    }
    if (current.length) parts.push(current);
    const last = parts[parts.length - 1] as Block[];
    const lastWords = last.reduce((sum, b) => sum + blockWords(b), 0);
    const before = parts[parts.length - 2];
    if (before && lastWords < min && lastWords + before.reduce((sum, b) => sum + blockWords(b), 0) <= max) before.push(...(parts.pop() as Block[]));

    parts.forEach((blocks, k) => {
      out.push({
        title: section.title,
        blocks,
        headed: section.headed,
        ...(k === 0 && section.notes ? { notes: section.notes } : {}),
        ...(parts.length > 1 ? { part: { index: k + 1, of: parts.length } } : {}),
      });
    });
  }
  return out;
}

/**
 * A section left with no words (a heading over an image, say) cannot be a lesson on its
 * own; it joins the one before it (or after it, when first), whatever the budget.
 */
export function absorbEmpty(input: Section[]): Section[] {
  const sections = [...input];
  for (let i = 0; i < sections.length && sections.length > 1; ) {
    const s = sections[i] as Section;
    if (sectionWords(s) > 0 || s.blocks.some((b) => b.kind === 'cta')) {
      i++;
      continue;
    }
    if (i > 0) sections.splice(i - 1, 2, { ...merge(sections[i - 1] as Section, s), part: sections[i - 1]?.part });
    else sections.splice(0, 2, merge(s, sections[1] as Section));
  }
  return sections;
}
