import type { z } from 'zod';
import type { Problem } from '../shared/index.ts';
import type { YamlEntry } from './yaml-block.ts';

/**
 * Checks a YAML block's entries against a zod object schema. Each problem names the line of
 * the key it is about (a missing key: `missingLine`), once, in line order.
 */
export function validateEntries<S extends z.ZodObject>(
  schema: S,
  entries: YamlEntry[],
  problem: (line: number, field: string, message: string) => Problem,
  missingLine: number,
): { value?: z.output<S>; problems: Problem[] } {
  // Own properties only (fromEntries defines them): a `__proto__` key is just an unknown key.
  const parsed = schema.safeParse(Object.fromEntries(entries.map((e) => [e.key, e.value])));
  if (parsed.success) return { value: parsed.data, problems: [] };
  const lineOf = (key: string) => entries.find((e) => e.key === key)?.line ?? missingLine;
  const allowed = Object.keys(schema.shape).join(', ');
  const problems = parsed.error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys' && issue.path.length === 0
      ? issue.keys.map((k) => problem(lineOf(k), k, `unknown key "${k}" (allowed: ${allowed})`))
      : [problem(lineOf(String(issue.path[0])), String(issue.path[0]), issue.message)],
  );
  const once = problems.filter((p, i) => problems.findIndex((q) => q.line === p.line && q.message === p.message) === i);
  return { problems: once.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)) };
}
