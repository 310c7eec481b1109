import { Parser } from 'htmlparser2';

export type HtmlToken =
  | { type: 'open'; name: string; attrs: Record<string, string>; selfClosing: boolean }
  | { type: 'close'; name: string }
  | { type: 'text'; text: string };

/**
 * Elements and text in document order, as htmlparser2 reads them (names lower-case, entities decoded), without a DOM.
 * Only closing tags written in the HTML are tokens, not the ones the parser implies; script and style contents are skipped.
 */
export function tokenize(html: string): HtmlToken[] {
  const tokens: HtmlToken[] = [];
  let raw = false;
  new Parser(
    {
      onopentag(name, attrs) {
        tokens.push({ type: 'open', name, attrs, selfClosing: false });
        raw = name === 'script' || name === 'style';
      },
      // A void element (`<br>`) or a self-closed one (`<td/>`) is closed by the parser at once: it never holds content.
      onclosetag(name, implied) {
        raw = false;
        const last = tokens.at(-1);
        if (!implied) tokens.push({ type: 'close', name });
        else if (last?.type === 'open' && last.name === name) last.selfClosing = true;
      },
      // The parser may hand one run of text over in pieces: it stays one token, as a word must.
      ontext(text) {
        const last = tokens.at(-1);
        if (raw) return;
        if (last?.type === 'text') last.text += text;
        else tokens.push({ type: 'text', text });
      },
    },
    { recognizeSelfClosing: true },
  ).end(html);
  return tokens;
}

/** Inline `style` → property map (lowercase names, last declaration wins). */
export function parseStyle(style: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const decl of (style ?? '').split(';')) {
    const i = decl.indexOf(':');
    if (i < 0) continue;
    const prop = decl.slice(0, i).trim().toLowerCase();
    const value = decl
      .slice(i + 1)
      .replace(/!important/i, '')
      .trim();
    if (prop && value) out.set(prop, value);
  }
  return out;
}

/** A CSS `font-size` in px, relative sizes against the parent's; what it cannot read inherits. */
export function fontPx(value: string | undefined, parent: number): number {
  const m = /^([\d.]+)(px|pt|em|rem|%)?$/.exec(value?.trim() ?? '');
  if (!m) return parent;
  const n = Number(m[1]);
  return m[2] === 'pt' ? (n * 4) / 3 : m[2] === 'em' ? n * parent : m[2] === 'rem' ? n * 16 : m[2] === '%' ? (n / 100) * parent : n;
}
