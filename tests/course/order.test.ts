import { describe, expect, it } from 'vitest';
import { lessonOrder, toSteps, type Lesson } from '../../src/course/index.ts';

const lesson = (slug: string, raw: string, minutes: number): Lesson => ({
  slug,
  subject: slug,
  preheader: '',
  delay: { raw, minutes },
  body: 'Hi',
  file: `series/x/${slug}.md`,
  bodyLine: 5,
});

describe('course order', () => {
  it('orders lesson files by name and leaves out what is not Markdown', () => {
    expect(lessonOrder(['02-next.md', 'series.yaml', '01-welcome.md', 'notes.txt', '10-last.md'])).toEqual(['01-welcome.md', '02-next.md', '10-last.md']);
  });
  it('numbers steps from 1 and sums the delays into offsets from confirmation', () => {
    const steps = toSteps([lesson('welcome', '0d', 0), lesson('two', '2d', 2880), lesson('three', '1d 6h', 1800)]);
    expect(steps.map((s) => [s.step, s.slug, s.offsetMinutes])).toEqual([
      [1, 'welcome', 0],
      [2, 'two', 2880],
      [3, 'three', 4680],
    ]);
  });
});
