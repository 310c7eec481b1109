import { sentences, trimAtWord } from './sentences.ts';

/** Words title case leaves lower-case; their capitals carry no information. */
const MINOR = new Set([
  'a',
  'an',
  'the',
  'and',
  'but',
  'or',
  'nor',
  'for',
  'so',
  'yet',
  'as',
  'at',
  'by',
  'in',
  'of',
  'off',
  'on',
  'per',
  'to',
  'up',
  'via',
  'vs',
  'vs.',
  'with',
  'from',
  'into',
  'onto',
  'over',
  'than',
]);

const letters = (w: string) => w.replace(/[^\p{L}]/gu, '');

/**
 * Words the article capitalises in the middle of sentences more often than not: names such
 * as "Boston" or "Mayo" that sentence case must keep.
 */
export function properNouns(texts: string[]): Set<string> {
  const upper = new Map<string, number>();
  const lower = new Map<string, number>();
  for (const text of texts) {
    for (const sentence of sentences(text)) {
      const words = sentence.split(/\s+/).slice(1);
      for (const raw of words) {
        const w = letters(raw);
        if (!w) continue;
        const key = w.toLowerCase();
        const map = /^\p{Lu}/u.test(w) ? upper : lower;
        map.set(key, (map.get(key) ?? 0) + 1);
      }
    }
  }
  return new Set([...upper].filter(([k, n]) => n > (lower.get(k) ?? 0)).map(([k]) => k));
}

function isTitleCase(words: string[]): boolean {
  const significant = words.slice(1).filter((w) => letters(w) && !MINOR.has(w.toLowerCase()));
  return significant.length >= 1 && significant.every((w) => /^\P{L}*\p{Lu}/u.test(w));
}

function lowerWord(word: string, proper: Set<string>): string {
  return word
    .split('-')
    .map((part) => {
      const l = letters(part);
      // Acronyms (PTSD), inner capitals (McGonagle, iPhone), "I" and the article's own names stay.
      if (!l || l === 'I' || /\p{Lu}/u.test(l.slice(1)) || proper.has(l.toLowerCase())) return part;
      return part.toLowerCase();
    })
    .join('-');
}

/**
 * A subject line from a section title: trailing punctuation removed (a question mark stays), Title Case and ALL CAPS made sentence case
 * (acronyms, inner capitals and the article's proper nouns kept), at most 78 characters, cut at a word.
 */
export function subjectFromTitle(title: string, proper: Set<string>, max = 78): string {
  let s = title
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[\s.:;,!—–-]+$/u, '');
  const words = s.split(' ');
  const allCaps = letters(s).length > 3 && letters(s) === letters(s).toUpperCase() && words.length > 1;
  if (allCaps) s = s.toLowerCase();
  else if (isTitleCase(words)) {
    // The first word keeps its capital; what follows a hyphen in it ("Night-Shift") does not.
    const [firstPart = '', ...hyphenated] = (words[0] as string).split('-');
    const first = [firstPart, ...hyphenated.map((p) => lowerWord(p, proper))].join('-');
    s = [first, ...words.slice(1).map((w) => lowerWord(w, proper))].join(' ');
  }
  s = s.replace(/^(\P{L}*)(\p{L})/u, (_, pre: string, c: string) => pre + c.toUpperCase());
  return trimAtWord(s, max);
}
