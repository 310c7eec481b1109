import { decodeHTML } from 'entities';

export type HtmlToken =
  | { type: 'open'; name: string; attrs: Record<string, string>; selfClosing: boolean }
  | { type: 'close'; name: string }
  | { type: 'text'; text: string };

/** Elements that never have content, so never sit on an open-element stack. */
const VOID_ELEMENTS = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);

const TAG =
  /<!--[\s\S]*?-->|<![^>]*>|<\?[^>]*>|<\/\s*([a-zA-Z][\w:-]*)\s*>|<([a-zA-Z][\w:-]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?)*)\s*(\/?)>/g;
const ATTR = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g;

function parseAttrs(source: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const m of source.matchAll(ATTR)) {
    const name = (m[1] as string).toLowerCase();
    if (!(name in attrs)) attrs[name] = decodeHTML(m[2] ?? m[3] ?? m[4] ?? '');
  }
  return attrs;
}

/**
 * A small tokenizer for the HTML our own renderers emit (well-formed, inline styles): enough
 * to walk elements and text in order without a DOM. Script and style contents are skipped.
 */
export function* tokenize(html: string): Generator<HtmlToken> {
  let last = 0;
  let rawUntil: string | undefined;
  for (const m of html.matchAll(TAG)) {
    const at = m.index ?? 0;
    if (rawUntil) {
      if (m[1]?.toLowerCase() !== rawUntil) continue;
      rawUntil = undefined;
      last = at + m[0].length;
      continue;
    }
    if (at > last) yield { type: 'text', text: decodeHTML(html.slice(last, at)) };
    last = at + m[0].length;
    if (m[1]) yield { type: 'close', name: m[1].toLowerCase() };
    else if (m[2]) {
      const name = m[2].toLowerCase();
      yield { type: 'open', name, attrs: parseAttrs(m[3] ?? ''), selfClosing: m[4] === '/' || VOID_ELEMENTS.has(name) };
      if ((name === 'script' || name === 'style') && m[4] !== '/') rawUntil = name;
    }
  }
  if (!rawUntil && last < html.length) yield { type: 'text', text: decodeHTML(html.slice(last)) };
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
