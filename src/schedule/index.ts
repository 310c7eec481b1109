/**
 * The drip scheduler: pure functions of enrollments, the course, the subscriber's zone and `now` (never the clock).
 * The rules are written on `nextDue`, `nextStep` (which lesson), `addDelay` (calendar days vs elapsed time, DST) and `fitWindow` (the send window, DST).
 */
export { nextDue, dueNow } from './next-due.ts';
export { heldUntil } from './late.ts';
export { simulate, type SimulateInput } from './simulate.ts';
export { firstLessonPromise, windowWords, type FirstLessonPromise } from './promise.ts';
export { nextStep } from './position.ts';
export { addDelay, splitDelay } from './delay.ts';
export { fitWindow, describeWindow } from './window.ts';
export { resolveZone, isValidZone, formatLocal } from './zone.ts';
export { zoneOffsets, type ZoneOffsets } from './local-time.ts';
export type { EnrollmentClock, NextDueInput, NextDue, Scheduled, TimelineEntry } from './types.ts';
