/** Longest first name kept; longer input is cut, not refused (it is a greeting, not an identity). */
export const MAX_NAME_LENGTH = 100;

/**
 * A first name fit to store and to put in a greeting or a header: control characters
 * (CR/LF above all: header injection) become spaces, runs of spaces collapse, the result
 * is trimmed and cut to 100 characters. Invisible format characters are dropped: bidi
 * overrides and isolates (an RTL override in "Hi {{firstName}}," reverses the rest of the
 * line), zero-width spaces, word joiners and BOMs. ZWJ/ZWNJ stay: scripts and emoji need them.
 * Empty means no name.
 */
export function sanitizeName(input: unknown): string | null {
  if (typeof input !== 'string') return null;
  const clean = input
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ')
    .replace(/[\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (clean === '') return null;
  return [...clean].slice(0, MAX_NAME_LENGTH).join('').trim();
}
