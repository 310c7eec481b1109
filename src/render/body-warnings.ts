import { Parser } from 'htmlparser2';
import { marked, type Token } from 'marked';
import type { LinkResolver } from '../config/index.ts';
import { allowedUrl, AUTHOR_ATTRIBUTES, AUTHOR_TAGS, DROPPED_WITH_CONTENT } from './author-html.ts';

/** Something the author wrote that does not reach the reader as written; line is within the body. */
export interface BodyWarning {
  code: 'author-html' | 'link.missing';
  line: number;
  message: string;
  /** For `link.missing`: the config key that would give the link its URL. */
  field?: string;
}

const VOID = new Set(['br', 'hr', 'img', 'input', 'meta', 'link', 'area', 'base', 'col', 'embed', 'source', 'track', 'wbr', 'param']);

interface Located {
  token: Token;
  line: number;
}

/**
 * Body tokens in document order, each with its line. Marked keeps no positions: each token's
 * raw text is found from where the previous one ended (a parent from where it starts).
 */
function locate(markdown: string): Located[] {
  const found: Located[] = [];
  let cursor = 0;
  marked.walkTokens(marked.lexer(markdown), (token) => {
    const at = token.raw ? markdown.indexOf(token.raw, cursor) : -1;
    found.push({ token, line: markdown.slice(0, at >= 0 ? at : cursor).split('\n').length });
    if (at >= 0) cursor = 'tokens' in token && token.tokens?.length ? at : at + token.raw.length;
  });
  return found;
}

/**
 * What the sanitizer (author-html.ts) will remove from the body's raw HTML, and what it
 * closes. One parser over every fragment in turn, as the sanitizer sees them: one block.
 */
function htmlWarnings(located: Located[]): BodyWarning[] {
  const warnings: BodyWarning[] = [];
  const open: { name: string; line: number }[] = [];
  let skipping = 0;
  let skipped = { name: '', line: 0 };
  let unclosed: typeof skipped | undefined;
  let fragment = { raw: '', line: 1, base: 0 };
  const lineAt = (index: number) => fragment.line + fragment.raw.slice(0, Math.max(0, index - fragment.base)).split('\n').length - 1;
  const warn = (index: number, message: string) => warnings.push({ code: 'author-html', line: lineAt(index), message });
  const parser: Parser = new Parser({
    onopentag(name, attribs) {
      if (skipping) return void (VOID.has(name) || skipping++);
      if (!AUTHOR_TAGS.has(name)) {
        const whole = DROPPED_WITH_CONTENT.includes(name);
        if (whole && !VOID.has(name)) [skipping, skipped] = [1, { name, line: lineAt(parser.startIndex) }];
        return warn(parser.startIndex, `<${name}> removed${whole ? ' with its content' : ''}: email allows text, links, images and tables only`);
      }
      for (const [attr, value] of Object.entries(attribs)) {
        if (attr === 'style')
          warn(parser.startIndex, `style="${value}" removed from <${name}>: the templates style every element, so nothing can hide or shrink text`);
        else if (!(AUTHOR_ATTRIBUTES[name] ?? []).includes(attr))
          warn(parser.startIndex, `${attr}= removed from <${name}>${/^on/i.test(attr) ? ': no scripts run in email' : ''}`);
        else if ((attr === 'href' || attr === 'src') && !allowedUrl(value, name)) warn(parser.startIndex, badUrl(attr, value, name));
      }
      if (!VOID.has(name)) open.push({ name, line: lineAt(parser.startIndex) });
    },
    onclosetag(name, implied) {
      if (skipping) {
        // A raw-text element (`<title>`, `<style>`) closed only by the end of the body.
        if (skipping === 1 && implied && name === skipped.name) unclosed = skipped;
        return void (VOID.has(name) || skipping--);
      }
      if (implied || VOID.has(name)) return;
      const i = open.findLastIndex((o) => o.name === name);
      if (i >= 0) open.splice(i, 1);
    },
    oncomment() {
      const closed = fragment.raw.indexOf('-->', parser.startIndex - fragment.base) >= 0;
      warn(parser.startIndex, closed ? 'HTML comment removed' : 'HTML comment never closed: removed, with everything after it in the message');
    },
  });
  let written = 0;
  for (const { token, line } of located) {
    if (token.type !== 'html') continue;
    fragment = { raw: token.raw, line, base: written };
    parser.write(token.raw);
    written += token.raw.length;
  }
  parser.end();
  const end = skipping ? skipped : unclosed;
  if (end)
    warnings.push({ code: 'author-html', line: end.line, message: `<${end.name}> is never closed: everything after it in the message is removed with it` });
  // Elements still open when the body ends would wrap what follows: the sanitizer closes them there.
  for (const o of open) warnings.push({ code: 'author-html', line: o.line, message: `<${o.name}> is never closed: closed at the end of the message body` });
  return warnings;
}

const badUrl = (attr: string, value: string, tag: string) =>
  `${attr}="${value.slice(0, 60)}" removed from <${tag}>: only ${tag === 'img' ? 'http(s) images' : 'http(s), mailto, tel and sms links'}`;

/** Markdown links and images whose URL the sanitizer drops (`javascript:`, `data:`, relative). */
function badMarkdownUrls(located: Located[]): BodyWarning[] {
  return located.flatMap(({ token, line }) => {
    if ((token.type !== 'link' && token.type !== 'image') || token.href.startsWith('link:')) return [];
    const tag = token.type === 'image' ? 'img' : 'a';
    // Placeholders are tokens by the time the sanitizer runs: a `{{…}}` URL stays.
    if (/^\{\{[\s\S]*\}\}$/.test(token.href.trim()) || allowedUrl(token.href, tag)) return [];
    return [{ code: 'author-html' as const, line, message: badUrl(tag === 'a' ? 'href' : 'src', token.href, tag) }];
  });
}

/** The config key a `link:NAME` reads (see config/links.ts). */
export const linkField = (name: string) => (name === 'consultation' ? 'consultationUrl' : name === 'site' ? 'siteUrl' : `links.${name}`);

function missingLinks(located: Located[], resolveLink: LinkResolver): BodyWarning[] {
  return located.flatMap(({ token, line }) => {
    if (token.type !== 'link' || !token.href.startsWith('link:')) return [];
    const name = token.href.slice(5);
    if (resolveLink(name)) return [];
    return [
      {
        code: 'link.missing' as const,
        line,
        field: linkField(name),
        message: `link:${name} has no URL, so it shows as plain text: set its URL in coursemail.config.json`,
      },
    ];
  });
}

/** Warnings for one message body (Markdown): removed HTML, closed elements, links with no URL. */
export function bodyWarnings(markdown: string, resolveLink: LinkResolver): BodyWarning[] {
  const located = locate(markdown);
  return [...htmlWarnings(located), ...badMarkdownUrls(located), ...missingLinks(located, resolveLink)].sort((a, b) => a.line - b.line);
}
