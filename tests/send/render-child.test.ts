import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBroadcast } from '../../src/broadcast/index.ts';
import { loadProject } from '../../src/build/index.ts';
import { personalize } from '../../src/personalize/index.ts';
import { catalogData, catalogDataInChild, catalogFromData, entryData, renderBroadcastInChild } from '../../src/send/index.ts';
import { CoursemailError } from '../../src/shared/index.ts';
import { REPO, tempProject } from '../support/project.ts';

const reader = { firstName: 'Ana', unsubscribeUrl: 'https://x.test/u/1', preferencesUrl: 'https://x.test/p/1', confirmUrl: 'https://x.test/c/1' };

/**
 * The worker renders in a child process (send/render-process.ts) and compiles what it is
 * handed; it must send exactly what rendering in process would.
 */
describe('rendering in a child process for the worker', () => {
  it('hands over the same catalog, filled the same for a reader, and the same broadcast', { timeout: 60_000 }, async () => {
    const project = await loadProject(REPO);
    const [child, local, childBroadcast, draft] = await Promise.all([
      catalogDataInChild(REPO),
      catalogData(project),
      renderBroadcastInChild(REPO, 'welcome-new-article'),
      loadBroadcast(project, 'welcome-new-article'),
    ]);
    expect(child).toEqual(local);
    expect(Object.keys(child.lessons).length).toBeGreaterThan(1);
    const [a, b] = [catalogFromData(child), catalogFromData(local)];
    for (const [key] of Object.entries(child.lessons)) {
      const [series, slug] = key.split('/') as [string, string];
      expect(personalize(a.lesson(series, slug)!.compiled, reader)).toEqual(personalize(b.lesson(series, slug)!.compiled, reader));
    }
    const series = child.courses[0]!.id;
    expect(personalize(a.confirm(series)!.compiled, reader).html).toContain('https://x.test/c/1');
    expect(childBroadcast).toEqual({ hash: draft.hash, entry: entryData(draft.built!), problems: [] });
  });

  it('a series that does not build fails with its file and problem, as in process', { timeout: 60_000 }, async () => {
    const root = tempProject();
    const lesson = join(root, 'series/physician-coaching/02-what-the-evidence-shows.md');
    writeFileSync(lesson, `${readFileSync(lesson, 'utf8')}\n\nYour code is {{password}}.\n`);
    const err = await catalogDataInChild(root).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CoursemailError);
    const local = (await catalogData(await loadProject(root)).catch((e: unknown) => e)) as CoursemailError;
    expect((err as CoursemailError).message).toBe(local.message);
    expect((err as CoursemailError).problems).toEqual(local.problems);
    expect((err as CoursemailError).message).toMatch(/Series "physician-coaching" does not build[\s\S]*02-what-the-evidence-shows\.md[\s\S]*password/);
  });
});
