/** Longest first name kept, in graphemes; longer input is cut, not refused (it is a greeting, not an identity). */
const MAX_NAME_LENGTH = 100;

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * A first name fit for a greeting or a header: control characters (CR/LF: header injection) become spaces, runs collapse, cut to 100 graphemes.
 * Invisible format characters (bidi overrides that would reverse "Hi {{firstName}},", zero-width spaces, joiners, BOMs) are dropped;
 * ZWJ/ZWNJ stay, since scripts and emoji need them. Empty means no name.
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
  return Array.from(graphemes.segment(clean), (g) => g.segment)
    .slice(0, MAX_NAME_LENGTH)
    .join('')
    .trim();
}

/** A dotted host with a lowercase top-level label ("evil.example/login"); "St.John" and "J.R." pass. */
const TLD_LIKE = /[\p{L}\p{N}-]\.[a-z]{2,}(?=$|[\s/:?#,;!)])/u;

/**
 * Why a first name is refused, or undefined when it may be kept. A name appears in mail the
 * coach's domain sends: one holding a URL, an address or markup would let anyone use the
 * sign-up form to send their own words ("Visit evil.example to claim your refund").
 */
export function nameProblem(name: string | null): string | undefined {
  if (!name) return undefined;
  if (/[<>]/.test(name)) return 'a first name cannot contain < or >';
  if (/\S@\S/.test(name)) return 'a first name cannot contain an email address';
  if (/[a-z][a-z0-9+.-]*:\/\/|\bwww\./i.test(name) || TLD_LIKE.test(name)) return 'a first name cannot contain a web address';
  return undefined;
}
