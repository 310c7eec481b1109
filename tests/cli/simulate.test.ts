import { describe, expect, it } from 'vitest';
import { runCli, tempProject } from '../support/project.ts';

describe('coursemail simulate', () => {
  it('prints each lesson at its local time for a Chicago subscriber confirming Tuesday evening', async () => {
    const root = tempProject();
    const { code, out } = await runCli([
      'simulate',
      '--root',
      root,
      '--series',
      'physician-coaching',
      '--tz',
      'America/Chicago',
      '--now',
      '2026-12-02T01:30:00Z',
    ]);
    expect(code).toBe(0);
    const lines = out.split('\n').filter((l) => /^\s+\d\./.test(l));
    expect(lines).toHaveLength(5);
    expect(lines[0]).toContain('Tue 2026-12-01 19:30 CST');
    for (const l of lines.slice(1)) expect(l).toMatch(/ 08:00 CST /);
  });
  it('names a bad --now and an unknown series', async () => {
    const root = tempProject();
    expect((await runCli(['simulate', '--root', root, '--series', 'physician-coaching', '--now', 'yesterday'])).err).toContain('--now "yesterday"');
    const r = await runCli(['simulate', '--root', root, '--series', 'nope']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('series/nope/series.yaml');
  });
});
