import type { Step } from './types.ts';

/** A lesson read from its file, before it has a place in the course. */
export type Lesson = Omit<Step, 'step' | 'offsetMinutes'>;

/** A lesson file's name, `NN-slug.md`: the number orders the course, the slug names the step. */
export const LESSON_FILE = /^(\d{2,3})-([a-z0-9][a-z0-9-]*)\.md$/;

/** The Markdown files of a series folder in course order: by file name, so `01-` comes before `02-`. */
export function lessonOrder(names: readonly string[]): string[] {
  return names.filter((f) => f.endsWith('.md')).sort();
}

/** Numbers lessons (already in order) from 1 and sums their delays into each step's offset from confirmation. */
export function toSteps(lessons: readonly Lesson[]): Step[] {
  let offset = 0;
  return lessons.map(({ slug, subject, preheader, delay, body, cta, file, bodyLine }, i) => {
    offset += delay.minutes;
    return { step: i + 1, slug, subject, preheader, delay, offsetMinutes: offset, body, cta, file, bodyLine };
  });
}
