import { countWords, trimAtWord } from './sentences.ts';
import type { Block } from './types.ts';

const DISCLAIMER_START = /^(?:important note|disclaimer|medical disclaimer|legal disclaimer|please note: this (?:article|post|content))\b/i;
const NOT_ADVICE =
  /\bnot\b[^.!?]{0,80}?\b(?:medical|clinical|psychological|psychiatric|legal|financial|health(?:care)?|professional)\b[^.!?]{0,60}?\badvice\b/i;
const INFO_ONLY = /\bfor (?:general )?informational (?:and educational )?purposes only\b/i;
const DISCLAIMER_HEADING = /^(?:important note|(?:medical |legal )?disclaimers?)$/i;

/**
 * The article's own disclaimer: a paragraph that starts "Important note" or "Disclaimer", or
 * says it is "not medical … advice" / "for informational purposes only". Every message gets
 * the compliance footer, so a copied disclaimer would only be said twice (and differently).
 */
export function isDisclaimer(block: Block): boolean {
  if (block.kind !== 'paragraph' && block.kind !== 'quote') return false;
  const text = block.text.trim();
  return DISCLAIMER_START.test(text) || NOT_ADVICE.test(text) || INFO_ONLY.test(text);
}

/** Page chrome, not prose: "← Back to Articles", "Share this", "Read next", "Tags: …". */
const NAV =
  /^(?:[←‹«<]\s*)?(?:back(?: to (?:all |the )?(?:articles?|posts?|blog|home|top|resources|insights|news|library))?|(?:read )?(?:all|more) (?:articles|posts)|read next|up next|next(?: article| post)?|previous(?: article| post)?|related(?: articles| posts| reading)?|you might also like|share(?: this)?(?: article| post| page)?(?: on [\w ]+)?|tags?:.*|filed under:?.*|categories?:.*|return to .*)\s*[:→›»>]?$/i;
/** "Next: Caffeine on call", "← Previous: Sleep before nights": another article's title (no full stop), page chrome only at the end. */
const NEXT_OR_PREVIOUS = /^(?:[←‹«<]\s*)?(?:next|previous|prev)(?: (?:article|post))?\s*[:→›»>\-–—]\s*[^\s.!][^.!]{0,80}?(?:\s*[→›»>])?$/i;
/** Navigation items side by side: "Back to all articles | Next: …". */
const SEPARATOR = /\s+[|·•]\s+|\s+[/]\s+(?=[←‹«<]|back|next|prev|read|all|more)/i;

/**
 * A block of navigation lines. "Next: <title>" counts only when `trailing` (at the article's
 * end) or beside another navigation item, so a sentence "Next: wash your hands." stays.
 */
export function isNavigation(block: Block, trailing = false): boolean {
  if (block.kind !== 'paragraph' && block.kind !== 'heading' && block.kind !== 'list') return false;
  const lines = block.text.split('\n').filter((l) => l.trim());
  const item = (part: string, nextOk: boolean) => NAV.test(part) || (nextOk && NEXT_OR_PREVIOUS.test(part));
  return (
    lines.length > 0 &&
    lines.every((line) => {
      const parts = line
        .trim()
        .split(SEPARATOR)
        .map((p) => p.trim())
        .filter(Boolean);
      return countWords(line) <= 16 && parts.length > 0 && parts.every((p) => item(p, trailing || parts.length > 1));
    })
  );
}

/** What comes after "Read next" or "Share this": short lines, link lists, headings. */
const isShort = (block: Block) => block.kind === 'heading' || block.kind === 'rule' || block.text.split('\n').every((line) => countWords(line) <= 20);

/**
 * Drops the disclaimer (a paragraph, or a section headed "Disclaimer"/"Important note"),
 * navigation lines anywhere, and everything after a trailing navigation marker when only
 * short lines follow it (a "Read next" list, share buttons). Says what it dropped.
 */
export function dropBoilerplate(blocks: Block[]): { blocks: Block[]; warnings: string[] } {
  const warnings: string[] = [];
  const quote = (b: Block) => `"${trimAtWord(b.text.replace(/\s+/g, ' '), 70)}"`;

  let end = blocks.length;
  for (let i = blocks.length - 1; i >= 0; i--) {
    const b = blocks[i] as Block;
    if (isNavigation(b, true) && blocks.slice(i + 1, end).every(isShort)) end = i;
    else if (!isShort(b) || isDisclaimer(b)) break;
  }
  if (end < blocks.length) warnings.push(`left out the trailing navigation: ${blocks.slice(end).map(quote).join(', ')}`);

  const kept: Block[] = [];
  let skipDepth: number | undefined;
  for (const b of blocks.slice(0, end)) {
    if (b.kind === 'heading') {
      if (skipDepth !== undefined && (b.depth ?? 9) > skipDepth) continue;
      skipDepth = undefined;
      if (DISCLAIMER_HEADING.test(b.text.replace(/[:.]$/, ''))) {
        skipDepth = b.depth ?? 2;
        warnings.push(`left out the article's "${b.text}" section (every message carries the compliance footer)`);
        continue;
      }
    } else if (skipDepth !== undefined) continue;
    if (isDisclaimer(b)) warnings.push(`left out the article's disclaimer ${quote(b)} (every message carries the compliance footer)`);
    else if (isNavigation(b)) warnings.push(`left out the navigation line ${quote(b)}`);
    else kept.push(b);
  }
  return { blocks: kept, warnings };
}
