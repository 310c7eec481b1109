import { fontPx, parseStyle, tokenize } from './html-tokens.ts';
import type { LintWarning } from './types.ts';

/**
 * The text column of a 375 px phone once the layout's padding is taken (ours: 28 px a side).
 * A word wider than this cannot wrap: the table cell holding it grows, and with it the whole
 * email, which the reader then scrolls sideways or sees shrunk.
 */
const PHONE_COLUMN_PX = 320;
/** An average character of a sans-serif face is ~0.55 em wide; a URL's are close to it. */
const EM_A_CHARACTER = 0.55;

interface Frame {
  name: string;
  fontPx: number;
  /** `word-break: break-all` (or `overflow-wrap: anywhere`) lets the browser break inside a word. */
  breaks: boolean;
  /** Hidden (the preheader) or preformatted: not laid out as running text. */
  skip: boolean;
}

function breaksAnywhere(style: Map<string, string>): boolean {
  const wb = style.get('word-break');
  return wb === 'break-all' || wb === 'break-word' || style.get('overflow-wrap') === 'anywhere';
}

/**
 * Words too wide for a phone (a pasted address, a link whose text is its URL). Estimated from character count and font size, so it is advice.
 * It checks the filled message because a template's `{{confirmUrl}}` is short until a real, signed link takes its place.
 */
export function lintPhoneWidth(html: string): LintWarning[] {
  const stack: Frame[] = [{ name: '#root', fontPx: 16, breaks: false, skip: false }];
  const out = new Map<string, LintWarning>();
  for (const t of tokenize(html)) {
    const top = stack[stack.length - 1] as Frame;
    if (t.type === 'open') {
      const style = parseStyle(t.attrs.style);
      const frame: Frame = {
        name: t.name,
        fontPx: fontPx(style.get('font-size'), top.fontPx),
        breaks: top.breaks || breaksAnywhere(style),
        skip:
          top.skip ||
          t.name === 'head' ||
          t.name === 'pre' ||
          style.get('display') === 'none' ||
          style.get('max-height') === '0' ||
          style.get('white-space') === 'pre',
      };
      if (!t.selfClosing) stack.push(frame);
    } else if (t.type === 'close') {
      const at = stack.map((f) => f.name).lastIndexOf(t.name);
      if (at > 0) stack.length = at;
    } else if (!top.skip && !top.breaks) {
      for (const [word] of t.text.matchAll(/\S+/g)) {
        const px = Math.round(word.length * top.fontPx * EM_A_CHARACTER);
        if (px <= PHONE_COLUMN_PX || out.has(word)) continue;
        const shown = word.length > 48 ? `${word.slice(0, 45)}…` : word;
        out.set(word, {
          rule: 'phone-width',
          message: `“${shown}” is one word about ${px} px wide at ${Math.round(top.fontPx)} px type, more than a phone’s ~${PHONE_COLUMN_PX} px column: it cannot wrap, so the whole email widens and the reader scrolls sideways. Give the link words for its text, or let it break (style="word-break:break-all")`,
        });
      }
    }
  }
  return [...out.values()];
}
