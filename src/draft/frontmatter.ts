import { parse } from 'yaml';

export interface ArticleMeta {
  title?: string;
  description?: string;
}

/**
 * Separates the article's own YAML frontmatter from its body. Only `title` and a
 * `description`/`summary` are used; a block that does not parse is left out with a warning
 * rather than read as text, since it is not prose either way.
 */
export function stripArticleFrontmatter(text: string): { meta: ArticleMeta; body: string; warning?: string } {
  const m = /^---\n([\s\S]*?)\n---[ \t]*(?:\n|$)/.exec(text);
  if (!m) return { meta: {}, body: text };
  const body = text.slice(m[0].length);
  let data: unknown;
  try {
    data = parse(m[1] as string, { maxAliasCount: 10 });
  } catch (err) {
    return { meta: {}, body, warning: `the article's frontmatter is not valid YAML (${(err as Error).message.split('\n')[0]}); it was left out` };
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) return { meta: {}, body };
  const record = data as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim().replace(/\s+/g, ' ') : undefined);
  return { meta: { title: str(record.title), description: str(record.description) ?? str(record.summary) }, body };
}
