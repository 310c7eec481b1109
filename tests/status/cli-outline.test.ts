import { join } from 'node:path';
import { expect, it } from 'vitest';
import { openStore } from '../../src/store/index.ts';
import { runCli, tempProject } from '../support/project.ts';
import { seedDueLessons } from '../support/worker-process.ts';

it('`coursemail status` names the series and its lessons from the series files, the ones nobody has reached too', async () => {
  const root = tempProject();
  const store = await openStore({ sqlitePath: join(root, 'data/coursemail.sqlite') });
  await seedDueLessons(store, 3, new Date('2026-12-01T12:00:00Z'));
  await store.close();
  const saved = process.env.DATABASE_URL;
  delete process.env.DATABASE_URL;
  try {
    const r = await runCli(['status', '--root', root, '--now', '2026-12-01T12:00:00Z']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('Series “Physician coaching is not therapy” (physician-coaching)');
    // Three due for lesson 1; the other four at 0. Subjects past 44 characters are cut.
    expect(r.out).toMatch(/^\s+1\. What physician coaching is, and what it is…\s+0\s+0\s+0\s+0\s+0\s+0\s+3$/m);
    expect(r.out).toMatch(/^\s+4\. Why the records distinction matters for phy…\s+0(\s+0){6}$/m);
    expect(r.out.match(/^\s+\d\. /gm)).toHaveLength(5);
  } finally {
    if (saved !== undefined) process.env.DATABASE_URL = saved;
  }
});
