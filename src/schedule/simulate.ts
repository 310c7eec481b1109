import type { Course } from '../course/types.ts';
import { nextDue } from './next-due.ts';
import type { EnrollmentClock, TimelineEntry } from './types.ts';
import { formatLocal } from './zone.ts';

export interface SimulateInput {
  course: Course;
  /** The subscriber's zone; null or invalid falls back to the course's, with a note. */
  timezone: string | null;
  enrolledAt: Date;
}

/** Every lesson a subscriber enrolling at `enrolledAt` would get, if each send happened exactly when due. */
export function simulate({ course, timezone, enrolledAt }: SimulateInput): TimelineEntry[] {
  const clock: EnrollmentClock = { startedAt: enrolledAt, lastStepSlug: null, lastSentAt: null, pausedAt: null, pausedMinutes: 0, sentSlugs: [] };
  const timeline: TimelineEntry[] = [];
  for (;;) {
    const next = nextDue({ course, enrollment: clock, subscriberTimezone: timezone, now: enrolledAt });
    if (next.kind !== 'due' && next.kind !== 'waiting') return timeline;
    const { step, dueAt, zone, notes } = next;
    timeline.push({ step: step.step, slug: step.slug, subject: step.subject, dueAt, local: formatLocal(dueAt, zone), notes });
    clock.lastStepSlug = step.slug;
    clock.lastSentAt = dueAt;
    clock.sentSlugs = [...(clock.sentSlugs ?? []), step.slug];
  }
}
