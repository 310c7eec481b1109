import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../support/project.ts';

/**
 * `npm test` must fail when a test fails, or CI passes anything. It once did not: a
 * dependency of the Postgres global setup ended the process with exit code 0 on
 * `beforeExit`. This runs Vitest with that same global setup on one failing test.
 */
describe('the test command’s exit code', () => {
  const runVitest = (body: string) => {
    const dir = mkdtempSync(join(REPO, '.tmp', 'exit-code-'));
    writeFileSync(join(dir, 'case.check.ts'), `import { expect, it } from 'vitest';\n${body}\n`);
    const config = join(dir, 'vitest.config.ts');
    writeFileSync(
      config,
      `export default { root: ${JSON.stringify(REPO)}, test: { include: [${JSON.stringify(`${relative(REPO, dir)}/*.check.ts`)}], globalSetup: ['tests/support/postgres-global-setup.ts'] } };\n`,
    );
    return spawnSync(process.execPath, [join(REPO, 'node_modules/vitest/vitest.mjs'), 'run', '--config', config], {
      cwd: REPO,
      encoding: 'utf8',
      timeout: 120_000,
    });
  };
  it('is non-zero when a test fails, and zero with no error output when all pass, with the Postgres global setup loaded', () => {
    const failing = runVitest("it('fails on purpose', () => expect(1).toBe(2));");
    expect(failing.stdout + failing.stderr).toContain('fails on purpose');
    expect(failing.status).toBe(1);
    const passing = runVitest("it('passes', () => expect(1).toBe(1));");
    expect(passing.stderr).not.toContain('TypeError');
    expect(passing.status).toBe(0);
  }, 240_000);
});
