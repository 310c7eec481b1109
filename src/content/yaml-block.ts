import { LineCounter, parseDocument, isMap, isScalar, type Node, type Pair } from 'yaml';
import type { Problem } from '../shared/index.ts';

export interface YamlEntry {
  key: string;
  value: unknown;
  /** 1-based line in the whole file. */
  line: number;
}

export interface YamlBlock {
  entries: YamlEntry[];
  problems: Problem[];
}

/**
 * Parses a YAML mapping and reports where each key sits, so validation can name file:line.
 * Values are converted with a small alias budget (YAML bombs stop early) and keys such as
 * `__proto__` arrive as ordinary entries the caller rejects as unknown, never as prototypes.
 */
export function parseYamlBlock(source: string, file: string, firstLine = 1): YamlBlock {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineOf = (offset: number | undefined) => (offset === undefined ? firstLine : lineCounter.linePos(offset).line + firstLine - 1);
  const seen = new Set<string>();
  const problems: Problem[] = [];
  for (const e of doc.errors) {
    const p = { code: 'yaml.syntax', file, line: lineOf(e.pos[0]), message: `YAML syntax error: ${e.message.split('\n')[0]}` };
    // The parser can report one mistake twice (once per token it spans).
    if (!seen.has(`${p.line}:${p.message}`)) problems.push(p);
    seen.add(`${p.line}:${p.message}`);
  }
  if (problems.length) return { entries: [], problems };
  if (doc.contents === null) return { entries: [], problems };
  if (!isMap(doc.contents)) {
    return { entries: [], problems: [{ code: 'yaml.shape', file, line: firstLine, message: 'expected a mapping of keys to values' }] };
  }
  const entries: YamlEntry[] = [];
  for (const pair of doc.contents.items as Pair<Node, Node>[]) {
    const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    const line = lineOf(pair.key?.range?.[0]);
    try {
      const value = pair.value == null ? null : pair.value.toJS(doc, { maxAliasCount: 50 });
      entries.push({ key, value, line });
    } catch (err) {
      problems.push({ code: 'yaml.value', file, line, field: key, message: (err as Error).message });
    }
  }
  return { entries, problems };
}

/** Splits `---\nfrontmatter\n---\nbody`. Lines are 1-based positions in the whole file. */
export function splitFrontmatter(text: string): { yaml: string; yamlLine: number; body: string; bodyLine: number } | null {
  const normalized = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  if (!normalized.startsWith('---\n')) return null;
  const end = normalized.indexOf('\n---', 3);
  if (end === -1) return null;
  const afterFence = normalized.indexOf('\n', end + 4);
  const yaml = normalized.slice(4, end + 1);
  const body = afterFence === -1 ? '' : normalized.slice(afterFence + 1);
  const bodyLine = normalized.slice(0, afterFence === -1 ? normalized.length : afterFence + 1).split('\n').length;
  return { yaml, yamlLine: 2, body, bodyLine };
}
