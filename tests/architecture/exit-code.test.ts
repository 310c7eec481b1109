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
  it('is non-zero when a test fails, with the Postgres global setup loaded', () => {
    const dir = mkdtempSync(join(REPO, '.tmp', 'exit-code-'));
    writeFileSync(join(dir, 'fails.check.ts'), "import { expect, it } from 'vitest';\nit('fails on purpose', () => expect(1).toBe(2));\n");
    const config = join(dir, 'vitest.config.ts');
    writeFileSync(
      config,
      `export default { root: ${JSON.stringify(REPO)}, test: { include: [${JSON.stringify(`${relative(REPO, dir)}/*.check.ts`)}], globalSetup: ['tests/support/postgres-global-setup.ts'] } };\n`,
    );
    const run = spawnSync(process.execPath, [join(REPO, 'node_modules/vitest/vitest.mjs'), 'run', '--config', config], { cwd: REPO, encoding: 'utf8', timeout: 120_000 });
    expect(run.stdout + run.stderr).toContain('fails on purpose');
    expect(run.status).toBe(1);
  }, 150_000);
});
