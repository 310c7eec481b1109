import type { Course } from '../course/types.ts';
import { zoneOffsets } from './local-time.ts';
import { fitWindow } from './window.ts';
import { resolveZone } from './zone.ts';

/**
 * Whether a lesson about to be sent at `now` must wait because its send window closed since it fell due (a backlog, a stopped worker): the next opening.
 * Undefined when it may go now: inside the window, or lesson 1 with no delay, which goes at confirmation whatever the window (as `nextDue` schedules it).
 */
export function heldUntil(
  course: Pick<Course, 'steps' | 'sendWindow' | 'timezone'>,
  stepSlug: string,
  subscriberTimezone: string | null,
  now: Date,
): Date | undefined {
  const index = course.steps.findIndex((s) => s.slug === stepSlug);
  if (index < 0 || (index === 0 && course.steps[0]!.delay.minutes === 0)) return undefined;
  const { zone } = resolveZone(subscriberTimezone, course.timezone);
  const opening = fitWindow(now.getTime(), course.sendWindow, zoneOffsets(zone)).at;
  return opening === now.getTime() ? undefined : new Date(opening);
}
