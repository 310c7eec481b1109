import { decodeHTML } from 'entities';
import { Lexer, type Token, type Tokens } from 'marked';
import { htmlToMarkdown } from './html-to-markdown.ts';
import type { Block } from './types.ts';

const KIND: Partial<Record<string, Block['kind']>> = {
  paragraph: 'paragraph',
  list: 'list',
  blockquote: 'quote',
  code: 'code',
  hr: 'rule',
  table: 'table',
};

/** What a reader sees of some tokens: link text without URLs, no emphasis marks or escapes. */
export function plainText(tokens: Token[] | undefined): string {
  let out = '';
  for (const t of tokens ?? []) {
    const nested = (t as { tokens?: Token[] }).tokens;
    if (t.type === 'list') out += (t as Tokens.List).items.map((item) => plainText(item.tokens)).join('\n');
    else if (t.type === 'table') {
      const table = t as Tokens.Table;
      out += [table.header, ...table.rows].map((row) => row.map((cell) => plainText(cell.tokens)).join(' ')).join('\n');
    } else if (t.type === 'image' || t.type === 'html' || t.type === 'def' || t.type === 'space') continue;
    else if (t.type === 'br') out += '\n';
    else if (t.type === 'codespan' || t.type === 'escape') out += (t as Tokens.Codespan).text;
    else if (t.type === 'code') out += (t as Tokens.Code).text;
    else if (nested) out += plainText(nested) + (t.type === 'paragraph' || t.type === 'heading' ? '\n' : '');
    else if ('text' in t) out += decodeHTML(String(t.text));
  }
  return out;
}

function links(tokens: Token[] | undefined, found: Tokens.Link[] = []): Tokens.Link[] {
  for (const t of tokens ?? []) {
    if (t.type === 'link') found.push(t as Tokens.Link);
    if (t.type === 'list') for (const item of (t as Tokens.List).items) links(item.tokens, found);
    links((t as { tokens?: Token[] }).tokens, found);
  }
  return found;
}

/**
 * Reference-style links (`[text][ref]` with `[ref]: url` elsewhere) would lose their
 * target once the article is cut into lessons, so they are rewritten inline.
 */
function inlineReferenceLinks(markdown: string, tokens: Token[] | undefined): string {
  let out = markdown;
  for (const link of links(tokens)) {
    if (/\]\(/.test(link.raw) || link.raw.startsWith('<') || !link.raw.startsWith('[')) continue;
    out = out.replace(link.raw, `[${link.text}](${link.href})`);
  }
  return out;
}

/**
 * Markdown → top-level blocks. Raw HTML blocks inside Markdown go through the HTML converter,
 * so a `<script>` or `<div>` in a Markdown article is cleaned the same way as an HTML article.
 */
export function markdownBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  for (const token of Lexer.lex(markdown, { gfm: true })) {
    if (token.type === 'heading') {
      const h = token as Tokens.Heading;
      const text = plainText(h.tokens).replace(/\s+/g, ' ').trim();
      if (text) blocks.push({ kind: 'heading', depth: h.depth, text, markdown: `${'#'.repeat(h.depth)} ${h.text.replace(/\s+/g, ' ').trim()}` });
    } else if (token.type === 'html') {
      const converted = htmlToMarkdown(token.raw);
      if (converted) blocks.push(...markdownBlocks(converted));
    } else {
      const kind = KIND[token.type];
      if (!kind) continue;
      const text = plainText([token]).trim();
      if (!text && kind !== 'rule') continue;
      blocks.push({ kind, text, markdown: inlineReferenceLinks(token.raw.trim(), [token]) });
    }
  }
  return blocks;
}
