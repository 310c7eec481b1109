import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { configSchema, type Config } from './schema.ts';
import { CoursemailError, type Problem } from '../shared/index.ts';

export const CONFIG_FILE = 'coursemail.config.json';
/** The README section that lists every key (a test keeps the two in step). */
export const CONFIG_DOCS = 'README.md, section "Configuration"';

/**
 * `"__proto__"` keys at any depth. JSON.parse makes them ordinary keys, but zod drops one
 * inside a record (`links`) without a word: it is named here instead of vanishing.
 */
function protoKeys(value: unknown, path: string[] = []): string[] {
  if (!value || typeof value !== 'object') return [];
  const found: string[] = [];
  for (const key of Object.keys(value)) {
    if (key === '__proto__' && path.length > 0) found.push([...path, key].join('.'));
    found.push(...protoKeys((value as Record<string, unknown>)[key], [...path, key]));
  }
  return found;
}

/** Validates a parsed config object; returns every problem, each naming its field. */
export function validateConfig(raw: unknown, file = CONFIG_FILE): { config?: Config; problems: Problem[] } {
  const parsed = configSchema.safeParse(raw);
  const proto = protoKeys(raw).map((field) => ({ code: 'config', file, field, message: '"__proto__" is not a name coursemail accepts' }));
  if (parsed.success) return proto.length ? { problems: proto } : { config: parsed.data, problems: [] };
  const problems = parsed.error.issues.map((issue) => {
    const field = issue.path.join('.') || '(root)';
    const message =
      issue.code === 'unrecognized_keys'
        ? `unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`
        : issue.code === 'invalid_type' && issue.input === undefined
          ? `"${field}" is required`
          : issue.message;
    return { code: 'config', file, field, message };
  });
  // A nested one a strict object already reports as unknown is not named twice.
  return { problems: [...problems, ...proto.filter((p) => !problems.some((q) => p.field === `${q.field}.__proto__` && q.message.includes('"__proto__"')))] };
}

/** Reads `coursemail.config.json` from the project root; throws with every problem listed. */
export function loadConfig(root: string): Config {
  const file = join(root, CONFIG_FILE);
  if (!existsSync(file)) {
    throw new CoursemailError('config.missing', `No ${CONFIG_FILE} in ${root}. Write one with "coursemail init"; every key is listed in ${CONFIG_DOCS}.`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new CoursemailError('config.syntax', `${file}: not valid JSON: ${(err as Error).message}`);
  }
  const { config, problems } = validateConfig(raw, file);
  if (!config) throw new CoursemailError('config.invalid', `${file} has ${problems.length} problem(s):`, problems);
  return config;
}
