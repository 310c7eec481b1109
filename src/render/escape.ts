const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] as string);
}

/** A whole `<style>` block, kept as it is (CSS does not read character references), or one character past Latin-1. */
const WIDE_OUTSIDE_STYLE = /(<style\b[\s\S]*?<\/style>)|[^\0-\xff]/giu;

/**
 * Characters past Latin-1 (dashes, curly quotes, the preheader's zero-width padding) as numeric
 * references: the HTML reads the same, and V8 keeps it at one byte a character instead of two,
 * which halves every filled copy a sending worker holds.
 */
export function latin1Html(html: string): string {
  return html.replace(WIDE_OUTSIDE_STYLE, (m, style: string | undefined) => style ?? `&#${m.codePointAt(0)};`);
}
