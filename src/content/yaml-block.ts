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
 * Largest YAML block parsed. Frontmatter and series files hold a handful of keys; the
 * parser's duplicate-key check is quadratic in the keys of a mapping (8 000 keys take
 * seconds), so a block past this is refused unread.
 */
export const MAX_YAML_BYTES = 16 * 1024;

/** A stack overflow inside the parser or the conversion is a nesting bomb, not a syntax slip. */
const describe = (message: string) =>
  /Maximum call stack size exceeded/i.test(message) ? 'nested too deeply to read (lists or mappings inside one another thousands of levels deep)' : message;

/**
 * Parses a YAML mapping and reports where each key sits, so validation can name file:line.
 * Values are converted with a small alias budget (YAML bombs stop early) and keys such as
 * `__proto__` arrive as ordinary entries the caller rejects as unknown, never as prototypes.
 */
export function parseYamlBlock(source: string, file: string, firstLine = 1): YamlBlock {
  const size = Buffer.byteLength(source);
  if (size > MAX_YAML_BYTES) {
    return {
      entries: [],
      problems: [
        { code: 'yaml.size', file, line: firstLine, message: `the YAML block is ${Math.ceil(size / 1024)} KB; the limit is ${MAX_YAML_BYTES / 1024} KB` },
      ],
    };
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineOf = (offset: number | undefined) => (offset === undefined ? firstLine : lineCounter.linePos(offset).line + firstLine - 1);
  const seen = new Set<string>();
  const problems: Problem[] = [];
  for (const e of doc.errors) {
    const p = { code: 'yaml.syntax', file, line: lineOf(e.pos[0]), message: `YAML syntax error: ${describe(e.message.split('\n')[0]!)}` };
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
    const line = lineOf(pair.key?.range?.[0]);
    // A key can itself be a collection (`? [...]`): only scalar keys are names; the rest are
    // reported under a placeholder, never stringified (a deep one would exhaust the stack).
    const key = isScalar(pair.key) ? String(pair.key.value) : '(a key that is not text)';
    try {
      const value = pair.value == null ? null : pair.value.toJS(doc, { maxAliasCount: 50 });
      entries.push({ key, value, line });
    } catch (err) {
      problems.push({ code: 'yaml.value', file, line, field: key, message: describe((err as Error).message) });
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
