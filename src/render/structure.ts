import { Parser } from 'htmlparser2';

/** What the guard reads from a rendered HTML part's element tree. */
export interface HtmlStructure {
  footers: number;
  /** Where the (first) footer sits: after the author's block and outside it, or not. */
  footerInsideAuthor: boolean;
  footerBeforeAuthor: boolean;
  /** Text inside the footer element, tags dropped, entities decoded, spaces collapsed. */
  footerText: string;
  /** Every `href` inside the footer element. */
  footerLinks: string[];
  /** Script, event handlers, forms, frames and script/data URLs anywhere in the document. */
  active: string[];
}

const ACTIVE_TAGS = new Set(['script', 'iframe', 'frame', 'object', 'embed', 'form', 'input', 'button', 'select', 'textarea', 'applet', 'base']);
const VOID = new Set(['br', 'hr', 'img', 'input', 'meta', 'link', 'area', 'base', 'col', 'embed', 'source', 'track', 'wbr', 'param']);

/**
 * Walks the rendered HTML once: where the footer (`data-compliance-footer`) sits against the
 * author's block (`data-author-content`), what it says, and anything that could run.
 */
export function htmlStructure(html: string): HtmlStructure {
  const out: HtmlStructure = { footers: 0, footerInsideAuthor: false, footerBeforeAuthor: false, footerText: '', footerLinks: [], active: [] };
  const stack: { name: string; author: boolean; footer: boolean }[] = [];
  let authorSeen = false;
  let footerDone = false;
  const inside = (key: 'author' | 'footer') => stack.some((f) => f[key]);
  const text: string[] = [];
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        if (ACTIVE_TAGS.has(name)) out.active.push(`<${name}>`);
        for (const [attr, value] of Object.entries(attribs)) {
          if (/^on/i.test(attr)) out.active.push(`${attr}= on <${name}>`);
          if (['href', 'src', 'action', 'formaction', 'xlink:href'].includes(attr) && /^\s*(javascript|data|vbscript):/i.test(value))
            out.active.push(`${attr}="${value.slice(0, 30)}" on <${name}>`);
        }
        const author = 'data-author-content' in attribs;
        const footer = 'data-compliance-footer' in attribs;
        if (author) authorSeen = true;
        if (footer) {
          out.footers++;
          if (out.footers === 1) {
            out.footerInsideAuthor = inside('author');
            out.footerBeforeAuthor = !authorSeen;
          }
        }
        if (name === 'a' && inside('footer') && !footerDone && attribs.href) out.footerLinks.push(attribs.href);
        if (!VOID.has(name)) stack.push({ name, author, footer: footer && out.footers === 1 });
      },
      ontext(t) {
        if (inside('footer') && !footerDone) text.push(t);
      },
      onclosetag(name) {
        if (VOID.has(name)) return;
        const at = stack.findLastIndex((f) => f.name === name);
        if (at < 0) return;
        if (stack.slice(at).some((f) => f.footer)) footerDone = true;
        stack.length = at;
      },
    },
    { decodeEntities: true },
  );
  parser.end(html);
  // A footer placed before any author block only matters when there is one.
  if (!authorSeen) out.footerBeforeAuthor = false;
  out.footerText = text.join('').replace(/\s+/g, ' ').trim();
  return out;
}
