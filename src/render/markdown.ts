import { Marked, type Tokens } from 'marked';
import type { LinkResolver } from '../config/index.ts';
import { escapeHtml } from './escape.ts';
import { sanitizeAuthorHtml } from './author-html.ts';

/**
 * Markdown renderers URL-encode `{{…}}` inside link targets (`%7B%7B`), which would break
 * placeholders. They are swapped for inert tokens before parsing and restored after.
 * `\{{` (a literal brace pair) is protected the same way so its backslash survives.
 */
const PLACEHOLDER = /\\?\{\{[\s\S]*?\}\}/g;

function protect(md: string): { text: string; restore: (html: string) => string } {
  const saved: string[] = [];
  const text = md.replace(PLACEHOLDER, (m) => `cmph${saved.push(m) - 1}x`);
  return { text, restore: (html) => html.replace(/cmph(\d+)x/g, (_, i) => saved[Number(i)] ?? '') };
}

/**
 * Link text with a run of this many characters and no space (a bare address, mostly) is
 * wider than a phone's column (~320 px of 16 px text): it gets the style that breaks it.
 */
const LONG_WORD = /\S{30}/;
const unbroken = (html: string) => LONG_WORD.test(html.replace(/<[^>]*>/g, ''));

function createMarked(resolveLink: LinkResolver): Marked {
  // Plain elements: the sanitizer gives each its template style (author styles never survive).
  return new Marked({
    gfm: true,
    renderer: {
      heading({ tokens, depth }: Tokens.Heading) {
        const level = Math.min(Math.max(depth, 2), 3);
        return `<h${level}>${this.parser.parseInline(tokens)}</h${level}>\n`;
      },
      list(token: Tokens.List) {
        const tag = token.ordered ? 'ol' : 'ul';
        const items = token.items.map((item) => `<li>${this.parser.parse(item.tokens).replace(/^<p>|<\/p>\n?$/g, '')}</li>`).join('\n');
        return `<${tag}>\n${items}\n</${tag}>\n`;
      },
      link({ href, title, tokens }: Tokens.Link) {
        const inner = this.parser.parseInline(tokens);
        const target = href.startsWith('link:') ? resolveLink(href.slice(5)) : href;
        // An unresolved named link reads as plain text: never a dead link (`check` warns).
        if (!target) return inner;
        const t = title ? ` title="${escapeHtml(title)}"` : '';
        return `<a href="${escapeHtml(target)}"${t}${unbroken(inner) ? ' data-cm-break' : ''}>${inner}</a>`;
      },
    },
  });
}

/**
 * Markdown body → email-safe HTML with inline styles (clients drop `<style>` blocks). Raw
 * HTML in the Markdown goes through the sanitizer with the rest (see author-html.ts).
 */
export function markdownToEmailHtml(md: string, resolveLink: LinkResolver): string {
  const { text, restore } = protect(md);
  const html = createMarked(resolveLink).parse(text, { async: false });
  return restore(sanitizeAuthorHtml(html));
}
