import type { Config } from '../config/index.ts';
import { identityProblems } from '../config/identity.ts';
import { formatProblem } from '../shared/index.ts';
import { fail, ok, type CheckResult } from './check.ts';

/**
 * One line per placeholder, by the send-time guard's rules. An outbox config is judged as
 * the Resend one it must become for a launch (the guard itself lets the outbox through).
 */
export function placeholderChecks(config: Config): CheckResult[] {
  const real = config.transport === 'outbox';
  const problems = identityProblems(config, real ? 'resend' : config.transport);
  if (problems.length === 0) return [ok('config: real values', 'no placeholder left in coursemail.config.json')];
  return problems.map((p) =>
    fail(
      'config: placeholder',
      formatProblem({ ...p, file: undefined, message: real ? p.message.replace(' (transport "resend" sends real email)', '') : p.message }),
    ),
  );
}

export function publicUrlCheck(config: Config): CheckResult {
  const name = 'config: publicUrl';
  if (new URL(config.publicUrl).protocol === 'https:') return ok(name, `${config.publicUrl} is https`);
  return fail(name, `${config.publicUrl} is not https: serve the public endpoints behind TLS (see docs/deploy.md) and set publicUrl to that https address.`);
}
