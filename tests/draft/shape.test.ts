import { basename, extname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runNew } from '../../src/cli/commands/new.ts';
import type { Draft } from '../../src/draft/index.ts';
import { runCli } from '../support/project.ts';
import { bodyOf, draftFixture, draftText, fixture, projects } from './support.ts';

const newProject = projects();
const quiet = { out: () => {}, err: () => {} };

/** Headings as the article gives them, in order (its title first). */
const ARTICLES = {
  'article-night-shifts.txt': {
    format: 'text',
    title: 'Night shifts without the wreckage',
    sections: ['Before the first night', 'Sleep between nights', 'Eating at three in the morning', 'The recovery day'],
    subjects: ['Night shifts without the wreckage', 'Sleep between nights', 'Eating at three in the morning', 'The recovery day'],
    nav: ['Back to all articles | Next: Caffeine on call'],
  },
  'clinic-letters.md': {
    format: 'markdown',
    title: 'Writing clinic letters patients can read',
    sections: ['Start with the answer', 'One idea a paragraph', 'Numbers', 'Words to avoid', 'Reading it aloud'],
    subjects: ['Writing clinic letters patients can read', 'Numbers', 'Reading it aloud'],
    nav: ['← Previous', 'Read more articles'],
  },
  'handover-habits.html': {
    format: 'html',
    title: 'Handover habits that stick',
    sections: ['Same place, same time', 'Sickest first', 'Say what you are worried about', 'Close the loop'],
    subjects: ['Handover habits that stick', 'Sickest first', 'Close the loop'],
    nav: ['Back to all articles | Next: SBAR in practice'],
  },
} as const;

/** A heading is kept when it is a lesson's subject or a `##` heading inside a lesson. */
function whereIs(draft: Draft, heading: string): string | undefined {
  const k = draft.lessons.findIndex((l) => l.subject === heading);
  if (k >= 0) return `subject of lesson ${k + 1}`;
  const j = draft.lessons.findIndex((l) => bodyOf(l.content).includes(`\n## ${heading}\n`));
  return j >= 0 ? `heading in lesson ${j + 1}` : undefined;
}

/** What a subject made from the file name looked like: "Article night shifts". */
const fromFileName = (name: string) => basename(name, extname(name)).replace(/[-_]+/g, ' ').toLowerCase();

describe.each(Object.entries(ARTICLES))('new --from %s keeps the article’s shape', (name, want) => {
  const draft = draftFixture(name);

  it('takes the title and lesson 1’s subject from the article, never from the file name', () => {
    expect(draft.format).toBe(want.format);
    expect(draft.title).toBe(want.title);
    expect(draft.lessons[0]!.subject).toBe(want.title);
    for (const l of draft.lessons) expect(l.subject.toLowerCase()).not.toBe(fromFileName(name));
    expect(draft.warnings.join('\n')).not.toContain('has no title');
  });

  it('gives each headed section its heading as a subject, or keeps it as a heading where it was merged, and says why', () => {
    expect(draft.lessons.map((l) => l.subject)).toEqual(want.subjects);
    for (const heading of want.sections) expect(whereIs(draft, heading), heading).toBeDefined();
    const merges = draft.warnings.filter((w) => w.includes('was merged'));
    // Every section not a subject (but the first, which the introduction opens) is reported as merged, with its word count.
    const merged = want.sections.slice(1).filter((h) => !want.subjects.includes(h as never));
    expect(merges).toHaveLength(merged.length);
    for (const h of merged)
      expect(
        merges.find((w) => w.includes(`"${h}"`)),
        h,
      ).toMatch(/\(\d+ words, under the 40-word floor\) was merged in (?:after|before) "/);
  });

  it('never puts more than two headed sections in one lesson', () => {
    for (const l of draft.lessons) {
      const headed = ((want.sections as readonly string[]).includes(l.subject) ? 1 : 0) + [...bodyOf(l.content).matchAll(/^## /gm)].length;
      expect(headed, l.fileName).toBeLessThanOrEqual(2);
    }
  });

  it('leaves out the trailing navigation, and says so', () => {
    const all = draft.lessons.map((l) => l.content).join('\n');
    for (const line of want.nav) {
      expect(draft.warnings.find((w) => w.startsWith('left out the trailing navigation'))).toContain(`"${line}"`);
    }
    expect(all).not.toMatch(/Back to all articles|Read more articles|← Previous|Next: (?:Caffeine|SBAR)/);
    expect(draft.linksTodo).toEqual([]);
  });

  it('writes a series that `coursemail check` passes', async () => {
    const root = newProject();
    runNew({ root, id: 'shape', from: fixture(name), every: '2d', engine: 'react', force: false }, quiet);
    const { code, err, out } = await runCli(['check', '--root', root, '--series', 'shape']);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain(`shape: ${want.subjects.length} lessons`);
  });
});

describe('the merge floor', () => {
  it('is configurable: --merge-below 0 never merges, a higher floor merges more, still two headed sections at most', async () => {
    const none = draftFixture('clinic-letters.md', { mergeBelow: 0 });
    expect(none.lessons.map((l) => l.subject)).toEqual([
      'Writing clinic letters patients can read',
      'One idea a paragraph',
      'Numbers',
      'Words to avoid',
      'Reading it aloud',
    ]);
    expect(none.warnings.filter((w) => w.includes('was merged'))).toEqual([]);
    const high = draftFixture('article-night-shifts.txt', { mergeBelow: 60 });
    expect(high.lessons.map((l) => l.subject)).toEqual(['Night shifts without the wreckage', 'Sleep between nights', 'The recovery day']);
    expect(high.warnings).toContainEqual(
      expect.stringMatching(
        /lesson 2 \(02-sleep-between-nights\.md\): "Eating at three in the morning" \(40 words, under the 60-word floor\) was merged in after "Sleep between nights"/,
      ),
    );
    const root = newProject();
    runNew({ root, id: 'floor', from: fixture('clinic-letters.md'), every: '2d', engine: 'react', mergeBelow: '0', force: false }, quiet);
    expect((await runCli(['check', '--root', root, '--series', 'floor'])).out).toContain('floor: 5 lessons');
  });

  it('a short lesson no neighbour can take is reported', () => {
    const draft = draftFixture('clinic-letters.md');
    expect(draft.warnings).toContainEqual(
      expect.stringMatching(/lesson 2 \(02-numbers\.md\) has only 22 words, under the 40-word floor, but no neighbour could take it/),
    );
  });
});

describe('plain-text titles', () => {
  const section = (h: string) =>
    `${h}\n\nA paragraph about ${h.toLowerCase()} that runs long enough to stand as a lesson of its own: it says what to do, when to do it, and why it helps, in the plain words a tired reader on a break between patients can take in at once without rereading anything.`;

  it('a short first line without a full stop is the title, even with the introduction on the next line', () => {
    const text = `Caffeine on call\nCoffee is the most used drug on any ward at night, and the least planned.\n\n${section('Timing the first cup')}\n\n${section('The last cup')}\n`;
    const draft = draftText(text, { fileName: 'notes-2024-final.txt' });
    expect(draft.title).toBe('Caffeine on call');
    expect(draft.lessons.map((l) => l.subject)).toEqual(['Caffeine on call', 'The last cup']);
    expect(bodyOf(draft.lessons[0]!.content)).toContain('Coffee is the most used drug');
  });

  it('a first line ending in a full stop is prose, not a title, and the file name is still not used', () => {
    const text = `Coffee is the most used drug on any ward at night.\n\n${section('Timing the first cup')}\n\n${section('The last cup')}\n`;
    const draft = draftText(text, { fileName: 'caffeine-on-call.txt' });
    expect(draft.title).not.toMatch(/caffeine on call/i);
    expect(draft.warnings).toContainEqual(expect.stringContaining('the article has no title'));
  });

  it('"Next: …" inside the article stays; only at the end is it navigation', () => {
    const text = `Hand hygiene\n\n${section('Before the patient')}\n\nNext: wash your hands again before you touch the chart.\n\n${section('After the patient')}\n\nNext: Gloves are not enough\n`;
    const draft = draftText(text, { fileName: 'h.txt' });
    const all = draft.lessons.map((l) => bodyOf(l.content)).join('\n');
    expect(all).toContain('Next: wash your hands again');
    expect(all).not.toContain('Gloves are not enough');
    expect(draft.warnings).toContainEqual('left out the trailing navigation: "Next: Gloves are not enough"');
  });
});
