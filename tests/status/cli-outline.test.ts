import { join } from 'node:path';
import { expect, it } from 'vitest';
import { openStore } from '../../src/store/index.ts';
import { runCli, tempProject, writeFile } from '../support/project.ts';
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
    // Three due for lesson 1; the other four at 0. Subjects past 44 characters are cut. The
    // outbox hears nothing back: delivered, bounced and complained are not figures it has.
    const na = '(\\s+n/a with outbox){3}';
    expect(r.out).toMatch(new RegExp(`^\\s+1\\. What physician coaching is, and what it is…\\s+0${na}\\s+0\\s+0\\s+3$`, 'm'));
    expect(r.out).toMatch(new RegExp(`^\\s+4\\. Why the records distinction matters for phy…\\s+0${na}(\\s+0){3}$`, 'm'));
    expect(r.out.match(/^\s+\d\. /gm)).toHaveLength(5);
  } finally {
    if (saved !== undefined) process.env.DATABASE_URL = saved;
  }
});

it('`coursemail status` lists a series with nothing sent, says which columns the outbox cannot fill, and has a legend', async () => {
  const root = tempProject();
  writeFile(
    root,
    'series/new-course/series.yaml',
    'title: A new course\ndescription: Drafted today.\nengine: react\ntimezone: America/Chicago\nsendWindow:\n  start: "08:00"\n  end: "11:00"\n  days: [mon, tue, wed, thu, fri]\n',
  );
  writeFile(root, 'series/new-course/01-hello.md', '---\nsubject: Hello\npreheader: The first lesson of the new course.\ndelay: 0d\n---\n\nHello.\n');
  const saved = process.env.DATABASE_URL;
  delete process.env.DATABASE_URL;
  try {
    const r = await runCli(['status', '--root', root, '--now', '2026-12-01T12:00:00Z']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).not.toContain('Nothing sent or scheduled yet.');
    expect(r.out).toContain('Series “A new course” (new-course)');
    expect(r.out).toMatch(/^\s+1\. Hello\s+0(\s+n\/a with outbox){3}(\s+0){3}$/m);
    expect(r.out).toContain('Series “Physician coaching is not therapy” (physician-coaching)');
    expect(r.out).toMatch(/^sent: handed to the transport · delivered, bounced, complained: reported back by the provider/m);
    const json = JSON.parse((await runCli(['status', '--root', root, '--json'])).out) as {
      series: { seriesId: string }[];
      unreported: { columns: string[]; label: string };
    };
    expect(json.series.map((s) => s.seriesId)).toEqual(['new-course', 'physician-coaching']);
    expect(json.unreported).toEqual({ columns: ['delivered', 'bounced', 'complained'], label: 'n/a with outbox' });
  } finally {
    if (saved !== undefined) process.env.DATABASE_URL = saved;
  }
});
