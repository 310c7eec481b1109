import type { Course, Step } from '../course/types.ts';
import type { EnrollmentClock } from './types.ts';

/**
 * The step a subscriber gets next, by slug in the course's current order: the first after the last one sent that has not been sent,
 * so inserted, removed or moved lessons are never sent twice. If the last sent slug is gone, the furthest one of `sentSlugs` still in the course counts;
 * callers should pass `sentSlugs`, since without it only `lastStepSlug` is known to be sent.
 */
export function nextStep(course: Pick<Course, 'steps'>, enrollment: EnrollmentClock): { step?: Step; notes: string[] } {
  const { lastStepSlug } = enrollment;
  const sent = new Set(enrollment.sentSlugs ?? []);
  if (lastStepSlug !== null) sent.add(lastStepSlug);
  const notes: string[] = [];
  let from = 0;
  if (lastStepSlug !== null) {
    const last = course.steps.findIndex((s) => s.slug === lastStepSlug);
    if (last >= 0) from = last + 1;
    else {
      let furthest = -1;
      course.steps.forEach((s, i) => {
        if (sent.has(s.slug)) furthest = i;
      });
      from = furthest + 1;
      const reached = course.steps[furthest];
      notes.push(
        reached
          ? `last sent lesson "${lastStepSlug}" is no longer in the course; continuing after "${reached.slug}", the furthest sent lesson still in it`
          : `last sent lesson "${lastStepSlug}" is no longer in the course and no sent lesson remains; continuing with the first lesson not yet sent`,
      );
    }
  }
  const step = course.steps.slice(from).find((s) => !sent.has(s.slug));
  return step ? { step, notes } : { notes };
}
