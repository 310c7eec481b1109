import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { configSchema, type Config } from './schema.ts';
import { CoursemailError, type Problem } from '../shared/index.ts';

export const CONFIG_FILE = 'coursemail.config.json';

/** Validates a parsed config object; returns every problem, each naming its field. */
export function validateConfig(raw: unknown, file = CONFIG_FILE): { config?: Config; problems: Problem[] } {
  const parsed = configSchema.safeParse(raw);
  if (parsed.success) return { config: parsed.data, problems: [] };
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
  return { problems };
}

/** Reads `coursemail.config.json` from the project root; throws with every problem listed. */
export function loadConfig(root: string): Config {
  const file = join(root, CONFIG_FILE);
  if (!existsSync(file)) {
    throw new CoursemailError('config.missing', `No ${CONFIG_FILE} in ${root}. Create one (see README, "Configuration").`);
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
