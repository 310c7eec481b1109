import type { Course, Delay, SendWindow, Step, Weekday } from '../../src/course/types.ts';
import type { EnrollmentClock } from '../../src/schedule/index.ts';

export const EVERY_DAY: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
export const WEEKDAYS_ONLY: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri'];

export function delay(raw: string): Delay {
  const unit: Record<string, number> = { d: 1440, h: 60, m: 1 };
  const minutes = raw.split(/\s+/).reduce((sum, part) => sum + Number(part.slice(0, -1)) * (unit[part.slice(-1)] ?? NaN), 0);
  return { raw, minutes };
}

/** Steps from `[slug, delay]` pairs, numbered in order. */
export function course(lessons: Array<[string, string]>, opts: { window?: Partial<SendWindow>; timezone?: string } = {}): Course {
  let offset = 0;
  const steps: Step[] = lessons.map(([slug, raw], i) => {
    const d = delay(raw);
    offset += d.minutes;
    return {
      step: i + 1,
      slug,
      subject: `Subject of ${slug}`,
      preheader: '',
      delay: d,
      offsetMinutes: offset,
      body: 'Hello',
      file: `series/test/${slug}.md`,
      bodyLine: 5,
    };
  });
  return {
    id: 'test',
    title: 'Test course',
    description: '',
    engine: 'react',
    sendWindow: { start: '08:00', end: '11:00', days: EVERY_DAY, ...opts.window },
    timezone: opts.timezone ?? 'America/New_York',
    steps,
    dir: 'series/test',
  };
}

export const FIVE_LESSONS: Array<[string, string]> = [
  ['what-coaching-is', '0d'],
  ['the-evidence', '2d'],
  ['coaching-vs-therapy', '2d'],
  ['records', '3d'],
  ['bottom-line', '3d'],
];

export function enrollment(over: Partial<EnrollmentClock> & { startedAt: Date }): EnrollmentClock {
  return { lastStepSlug: null, lastSentAt: null, pausedAt: null, pausedMinutes: 0, ...over };
}

/** An enrollment that has been sent `slugs` in order, the last at `lastSentAt`. */
export function sentUpTo(slugs: string[], lastSentAt: Date, startedAt = new Date(lastSentAt.getTime() - 7 * 86_400_000)): EnrollmentClock {
  return enrollment({ startedAt, lastStepSlug: slugs.at(-1) ?? null, lastSentAt, sentSlugs: slugs });
}

export const at = (iso: string): Date => new Date(iso);
