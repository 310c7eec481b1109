import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runNew } from '../../src/cli/commands/new.ts';
import { GREETING } from '../../src/draft/index.ts';
import { REPO, runCli } from '../support/project.ts';
import { bodyOf, draftFixture, fixture, projects } from './support.ts';

const quiet = { out: () => {}, err: () => {} };
const newProject = projects();

describe("coursemail new on the author's article", () => {
  const shared = join(REPO, '../shared/content/physician-coaching-is-not-therapy.md');
  /** SHA-256 of the author's article as published in ../shared/content (the fixture is a verbatim copy). */
  const AUTHOR_ARTICLE_SHA256 = 'aa53dffda1eedcea404cd9183a6f41a902290f28ce6483544ab57fa19e3f0595';
  const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
  it('the fixture is the author’s article, unchanged (and so is ../shared/content where a checkout has it)', () => {
    expect(sha256(fixture('physician-coaching-is-not-therapy.md'))).toBe(AUTHOR_ARTICLE_SHA256);
    // A clone without the shared folder (CI) checks the copy against the recorded hash alone.
    if (existsSync(shared)) expect(sha256(shared)).toBe(AUTHOR_ARTICLE_SHA256);
  });

  const draft = draftFixture('physician-coaching-with-navigation.md');
  const bodies = draft.lessons.map((l) => bodyOf(l.content));

  it('makes exactly five lessons, one per section of the article (the introduction opens lesson 1)', () => {
    expect(draft.format).toBe('text');
    expect(draft.title).toBe('Physician coaching is not therapy');
    expect(draft.lessons.map((l) => l.subject)).toEqual([
      'Physician coaching is not therapy',
      'What the evidence shows',
      'Coaching vs. therapy for doctors',
      'Why the records distinction matters to physicians',
      'The bottom line',
    ]);
    expect(draft.lessons.map((l) => l.fileName)).toEqual([
      '01-physician-coaching-is-not-therapy.md',
      '02-what-the-evidence-shows.md',
      '03-coaching-vs-therapy-for-doctors.md',
      '04-why-the-records-distinction-matters.md',
      '05-the-bottom-line.md',
    ]);
    const [intro, evidence, vs, records, bottom] = bodies as [string, string, string, string, string];
    expect(intro).toContain('not a wellness webinar');
    expect(intro).toContain('## What it is');
    expect(intro).toContain('disciplined thinking partnership');
    expect(evidence).toContain('Randomized controlled trials of professional coaching');
    expect(vs).toContain('- Therapy is licensed clinical care.');
    expect(vs).toContain('- Coaching is non-clinical.');
    expect(records).toContain('disclosure landscape');
    expect(bottom).toContain('an honest conversation, not a guess');
    for (const body of bodies) expect(body.startsWith(`\n${GREETING}\n\n`)).toBe(true);
    expect(draft.lessons.map((l) => l.delay)).toEqual(['0d', '2d', '2d', '2d', '2d']);
  });

  it('leaves out the "Important note" disclaimer and the "Back to Articles" navigation', () => {
    const all = draft.lessons.map((l) => l.content).join('\n') + draft.seriesYaml;
    expect(all).not.toMatch(/Important note/i);
    expect(all).not.toMatch(/Back to Articles/i);
    expect(all).not.toMatch(/Share this/i);
    expect(all).not.toContain('988'); // the crisis line comes from the footer, not a copy of the article's note
    expect(draft.warnings.some((w) => w.includes('Important note: This article is general information'))).toBe(true);
    expect(draft.warnings.some((w) => w.includes('Back to Articles'))).toBe(true);
  });

  it('turns "You can request one here." into a consultation button, and warns about it', () => {
    const last = draft.lessons[4]!;
    expect(last.cta).toEqual({ text: 'Request a free, private consultation', href: 'link:consultation' });
    expect(bodies[4]).not.toContain('request one here');
    expect(bodies[4]).toContain('A free, private consultation creates no record and is simply that conversation.');
    expect(draft.lessons.filter((l) => l.cta)).toHaveLength(1);
    expect(draft.warnings).toContainEqual(
      expect.stringMatching(/lesson 5 .*"You can request one here\." became the button "Request a free, private consultation" → link:consultation/),
    );
  });

  it('lists the three plain-text cross-references under links.todo and links them by name', () => {
    expect(draft.linksTodo).toEqual([
      { name: 'physician-burnout', text: 'physician burnout: solutions that actually work' },
      { name: 'cost-of-compartmentalization', text: 'the cost of compartmentalization' },
      { name: 'coaching-for-physicians', text: 'the coaching for physicians page' },
    ]);
    expect(bodies[1]).toContain('is in [physician burnout: solutions that actually work](link:physician-burnout).');
    expect(bodies[2]).toContain('explored in [the cost of compartmentalization](link:cost-of-compartmentalization).');
    expect(bodies[3]).toContain('detailed on [the coaching for physicians page](link:coaching-for-physicians) (a dedicated article');
    const series = parse(draft.seriesYaml);
    expect(Object.keys(series)).toEqual(['title', 'description', 'engine', 'timezone', 'sendWindow', 'links']);
    expect(series.links).toEqual({ todo: draft.linksTodo });
    expect(series.sendWindow).toEqual({ start: '08:00', end: '11:00', days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] });
    expect(draft.warnings.filter((w) => w.includes('links.todo'))).toHaveLength(3);
  });

  it('gives every lesson frontmatter with only subject, preheader, delay and cta, within their lengths', () => {
    for (const lesson of draft.lessons) {
      const fm = parse(lesson.content.slice(4, lesson.content.indexOf('\n---\n', 4)));
      expect(Object.keys(fm).every((k) => ['subject', 'preheader', 'delay', 'cta'].includes(k))).toBe(true);
      expect(fm.subject.length).toBeLessThanOrEqual(78);
      expect(fm.preheader.length).toBeLessThanOrEqual(90);
      expect(fm.preheader.length).toBeGreaterThan(30);
    }
    expect(draft.lessons[1]!.preheader).toBe('This is not a soft claim. Randomized controlled trials of professional coaching for…');
  });

  it.each(['react', 'mjml'] as const)('writes a series that `coursemail check` passes as it is (%s)', async (engine) => {
    const root = newProject();
    runNew({ root, id: 'coaching', from: fixture('physician-coaching-with-navigation.md'), every: '2d', engine, force: false }, quiet);
    expect(readdirSync(join(root, 'series/coaching')).sort()).toEqual([...draft.lessons.map((l) => l.fileName), 'series.yaml'].sort());
    expect(readFileSync(join(root, 'series/coaching/series.yaml'), 'utf8')).toContain(`engine: ${engine}`);
    const { code, out, err } = await runCli(['check', '--root', root, '--series', 'coaching']);
    // Only the warnings for cross-references the author has yet to give a URL (link:NAME).
    expect(err.split('\n').filter((l) => l && !/^\d+ warnings?:$/.test(l) && !/has no URL, so it shows as plain text/.test(l))).toEqual([]);
    expect(code).toBe(0);
    expect(out).toContain('coaching: 5 lessons');
  });
});
