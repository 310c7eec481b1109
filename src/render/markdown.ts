import { Marked, type Tokens } from 'marked';
import type { LinkResolver } from '../config/index.ts';
import { escapeHtml } from './escape.ts';
import { emailStyles as s } from './styles.ts';

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
  return new Marked({
    gfm: true,
    renderer: {
      paragraph({ tokens }: Tokens.Paragraph) {
        return `<p style="${s.paragraph}">${this.parser.parseInline(tokens)}</p>\n`;
      },
      heading({ tokens, depth }: Tokens.Heading) {
        const level = Math.min(Math.max(depth, 2), 3);
        return `<h${level} style="${level === 2 ? s.h2 : s.h3}">${this.parser.parseInline(tokens)}</h${level}>\n`;
      },
      list(token: Tokens.List) {
        const tag = token.ordered ? 'ol' : 'ul';
        const items = token.items.map((item) => `<li style="${s.listItem}">${this.parser.parse(item.tokens).replace(/^<p[^>]*>|<\/p>\n?$/g, '')}</li>`).join('\n');
        return `<${tag} style="${s.list}">\n${items}\n</${tag}>\n`;
      },
      blockquote({ tokens }: Tokens.Blockquote) {
        return `<blockquote style="${s.blockquote}">${this.parser.parse(tokens)}</blockquote>\n`;
      },
      link({ href, title, tokens }: Tokens.Link) {
        const inner = this.parser.parseInline(tokens);
        const target = href.startsWith('link:') ? resolveLink(href.slice(5)) : href;
        // An unresolved named link reads as plain text: never a dead link.
        if (!target) return inner;
        const t = title ? ` title="${escapeHtml(title)}"` : '';
        return `<a href="${escapeHtml(target)}"${t} style="${unbroken(inner) ? s.addressLink : s.link}">${inner}</a>`;
      },
      image({ href, text }: Tokens.Image) {
        return `<img src="${escapeHtml(href)}" alt="${escapeHtml(text)}" style="max-width:100%;height:auto" />`;
      },
      hr() {
        return `<hr style="${s.hr}" />\n`;
      },
    },
  });
}

/** Markdown body → email-safe HTML with inline styles (clients drop `<style>` blocks). */
export function markdownToEmailHtml(md: string, resolveLink: LinkResolver): string {
  const { text, restore } = protect(md);
  const html = createMarked(resolveLink).parse(text, { async: false });
  return restore(html);
}
