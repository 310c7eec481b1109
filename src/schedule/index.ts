/**
 * The drip scheduler: pure functions of enrollments, the course, the subscriber's zone and `now` (never the clock).
 * The rules are written on `nextDue`, `nextStep` (which lesson), `addDelay` (calendar days vs elapsed time, DST) and `fitWindow` (the send window, DST).
 */
export { nextDue } from './next-due.ts';
export { heldUntil } from './late.ts';
export { simulate, type SimulateInput } from './simulate.ts';
export { firstLessonPromise, windowWords, type FirstLessonPromise } from './promise.ts';
export { splitDelay } from './delay.ts';
export { isValidZone } from './zone.ts';
export { zoneOffsets, type ZoneOffsets } from './local-time.ts';
export type { EnrollmentClock, NextDueInput, NextDue, Scheduled, TimelineEntry } from './types.ts';
