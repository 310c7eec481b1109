import { extname } from 'node:path';
import type { ArticleFormat } from './types.ts';

const HTML_START = /^\s*(?:<!--[\s\S]*?-->\s*)*<(?:!doctype\s+html|html|head|body|article|main|section|div|p|h[1-6])\b/i;
const MD_HEADING = /^(?:#{1,6}[ \t]+\S|\S[^\n]*\n(?:=+|-{2,})[ \t]*$)/m;

/**
 * The extension decides for `.html`/`.htm` and `.txt`; otherwise the content does (an opening HTML tag, Markdown headings, else plain text).
 * Plain-text reading keeps inline Markdown intact, so an author's `.md` article without headings loses nothing by it.
 */
export function detectFormat(text: string, fileName: string): ArticleFormat {
  const ext = extname(fileName).toLowerCase();
  if (ext === '.html' || ext === '.htm') return 'html';
  if (ext === '.txt') return 'text';
  if (HTML_START.test(text)) return 'html';
  if (MD_HEADING.test(text)) return 'markdown';
  return 'text';
}
