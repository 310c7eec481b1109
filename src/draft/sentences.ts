/** Abbreviations whose period does not end a sentence ("Coaching vs. therapy", "e.g. sleep"). */
const ABBREVIATIONS = new Set([
  'vs',
  'v',
  'e.g',
  'i.e',
  'eg',
  'ie',
  'cf',
  'dr',
  'mr',
  'mrs',
  'ms',
  'prof',
  'st',
  'no',
  'fig',
  'al',
  'approx',
  'inc',
  'ltd',
  'jr',
  'sr',
  'u.s',
  'etc',
]);

/** A sentence end: terminal punctuation, optional closing quotes/brackets, then space or the end. */
const END = /[.!?]+["”’')\]*_]*(?=\s|$)/g;

/**
 * Sentence boundaries as [start, end) spans (the end includes trailing whitespace), so a
 * sentence can be cut out of Markdown without disturbing its neighbours. A period after a
 * known abbreviation, or followed by a lower-case word, does not end a sentence.
 */
export function sentenceSpans(text: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  let start = 0;
  for (const m of text.matchAll(END)) {
    const at = m.index;
    const after = at + m[0].length;
    const rest = text.slice(after, after + 12).trimStart();
    if (m[0].startsWith('.') && !m[0].startsWith('..')) {
      const word = /([\p{L}.]+)$/u.exec(text.slice(Math.max(start, at - 12), at))?.[1]?.toLowerCase();
      if (word && ABBREVIATIONS.has(word)) continue;
    }
    if (rest && !/^[\p{Lu}\p{N}"“‘'([*_\-–—•]/u.test(rest)) continue;
    let end = after;
    while (end < text.length && /\s/.test(text[end] as string)) end++;
    spans.push([start, end]);
    start = end;
  }
  if (start < text.length && text.slice(start).trim()) spans.push([start, text.length]);
  return spans;
}

export function sentences(text: string): string[] {
  return sentenceSpans(text).map(([a, b]) => text.slice(a, b).trim());
}

export function countWords(text: string): number {
  let n = 0;
  for (const token of text.split(/\s+/)) if (/[\p{L}\p{N}]/u.test(token)) n++;
  return n;
}

/** Shortens to at most `max` characters at a word boundary, ending with an ellipsis when cut. */
export function trimAtWord(text: string, max: number): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  if (clean.length <= max) return clean;
  // Cutting at the last space within `max` leaves room for the ellipsis; only one giant word is cut hard.
  const cut = clean.slice(0, max);
  const space = cut.lastIndexOf(' ');
  const head = (space > max / 3 ? cut.slice(0, space) : cut.slice(0, max - 1)).replace(/[\s,;:—–(-]+$/u, '');
  return `${head}…`;
}
