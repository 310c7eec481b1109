import type { Config } from '../config/index.ts';
import { formatProblem } from '../shared/index.ts';
import { fail, ok, type CheckResult } from './check.ts';
import { placeholderProblems } from './placeholders.ts';

/** One line per placeholder, so each is named with its field. */
export function placeholderChecks(config: Config): CheckResult[] {
  const problems = placeholderProblems(config);
  if (problems.length === 0) return [ok('config: real values', 'no placeholder left in coursemail.config.json')];
  return problems.map((p) => fail('config: placeholder', `${formatProblem(p)}: put your own value in coursemail.config.json (or run \`coursemail init --force\`).`));
}

export function publicUrlCheck(config: Config): CheckResult {
  const name = 'config: publicUrl';
  if (new URL(config.publicUrl).protocol === 'https:') return ok(name, `${config.publicUrl} is https`);
  return fail(name, `${config.publicUrl} is not https: serve the public endpoints behind TLS (see docs/deploy.md) and set publicUrl to that https address.`);
}
