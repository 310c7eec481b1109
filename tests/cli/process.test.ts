import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO, tempProject } from '../support/project.ts';

const run = promisify(execFile);

/**
 * The in-process tests run under Vitest's own transformer; these run `bin/coursemail.mjs`
 * as a user does, so the tsx loader and the templates' JSX runtime are exercised for real.
 */
describe('the CLI as a process', () => {
  it('builds a project with its own emails/ from an unrelated working directory', async () => {
    const root = tempProject({ emails: true });
    const cwd = mkdtempSync(join(tmpdir(), 'coursemail-cwd-'));
    const { stdout } = await run(process.execPath, [join(REPO, 'bin/coursemail.mjs'), 'build', '--root', root], {
      cwd,
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(stdout).toContain('The bottom line');
    const lesson = readFileSync(join(root, 'previews/physician-coaching/01-what-coaching-is.html'), 'utf8');
    expect(lesson).toContain('988lifeline.org');
    expect(existsSync(join(root, 'previews/physician-coaching/manifest.json'))).toBe(true);
  }, 60_000);
});
