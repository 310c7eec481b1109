import { addDelay } from './delay.ts';
import { MINUTE_MS, zoneOffsets } from './local-time.ts';
import { nextStep } from './position.ts';
import type { NextDue, NextDueInput } from './types.ts';
import { fitWindow } from './window.ts';
import { formatLocal, resolveZone } from './zone.ts';

/**
 * What one enrollment is owed at `now`. Completion is checked before pausing, so a paused enrollment with nothing left reads `complete`;
 * callers must leave unsubscribed enrollments out of the query. The wait is the next step's delay from the last send plus `pausedMinutes`,
 * fitted into the send window in the subscriber's zone, except a zero-delay first lesson, which goes at confirmation.
 */
export function nextDue(input: NextDueInput): NextDue {
  const { course, enrollment, now } = input;
  const { zone, notes } = resolveZone(input.subscriberTimezone, course.timezone);
  const position = nextStep(course, enrollment);
  const step = position.step;
  if (!step) return { kind: 'complete' };
  if (enrollment.pausedAt) return { kind: 'paused' };
  notes.push(...position.notes);

  const nothingSent = enrollment.lastStepSlug === null && !enrollment.sentSlugs?.length;
  const from = (nothingSent ? enrollment.startedAt : (enrollment.lastSentAt ?? enrollment.startedAt)).getTime();
  const held = enrollment.pausedMinutes * MINUTE_MS;
  let dueAt: number;
  if (nothingSent && step.delay.minutes === 0) {
    dueAt = from + held;
    const fitted = fitWindow(dueAt, course.sendWindow, zoneOffsets(zone));
    if (fitted.at !== dueAt) notes.push(`first lesson has no delay: sent at confirmation, ${formatLocal(dueAt, zone)}, outside the send window`);
  } else {
    const offsets = zoneOffsets(zone);
    const waited = addDelay(from, step.delay, offsets);
    const fitted = fitWindow(waited.at + held, course.sendWindow, offsets);
    notes.push(...waited.notes, ...fitted.notes);
    dueAt = fitted.at;
    // Asked after the window it was due in has closed (an hourly cron pass): the next window.
    const late = dueAt <= now.getTime() ? fitWindow(now.getTime(), course.sendWindow, offsets) : undefined;
    if (late && late.at !== now.getTime()) {
      notes.push(`due ${formatLocal(dueAt, zone)}, but the window closed before it was sent; waits for the next opening, ${formatLocal(late.at, zone)}`);
      dueAt = late.at;
    }
  }
  return { kind: dueAt <= now.getTime() ? 'due' : 'waiting', step, dueAt: new Date(dueAt), zone, notes };
}
