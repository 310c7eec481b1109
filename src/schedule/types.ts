import type { Course, Step } from '../course/types.ts';

/** What the scheduler needs to know about one enrollment. */
export interface EnrollmentClock {
  /** When the subscriber confirmed: lesson 1's delay counts from here. */
  startedAt: Date;
  lastStepSlug: string | null;
  /** The actual send of the last lesson: the next lesson's delay counts from here. */
  lastSentAt: Date | null;
  /** Set while paused: nothing is due until it is cleared. */
  pausedAt: Date | null;
  /**
   * Minutes spent paused since the last send (or since `startedAt`), added to the wait so a
   * pause holds the clock. On resume the caller adds the pause's length; on a send it resets to 0.
   */
  pausedMinutes: number;
  /** Every slug sent so far, to place the subscriber when their last lesson was removed. */
  sentSlugs?: string[];
}

export interface NextDueInput {
  /** Only its lessons, window and zone are read: the public pages pass a series' summary. */
  course: Pick<Course, 'steps' | 'sendWindow' | 'timezone'>;
  enrollment: EnrollmentClock;
  subscriberTimezone: string | null;
  now: Date;
}

/** Scheduled: `dueAt ≤ now` is `due`, later is `waiting`. `zone` is the zone actually used. */
export interface Scheduled {
  step: Step;
  dueAt: Date;
  zone: string;
  /** Why the time is what it is, when that is not plain: zone fallback, window move, DST. */
  notes: string[];
}

export type NextDue = ({ kind: 'due' } & Scheduled) | ({ kind: 'waiting' } & Scheduled) | { kind: 'paused' } | { kind: 'complete' };

export interface TimelineEntry {
  step: number;
  slug: string;
  subject: string;
  dueAt: Date;
  /** `ccc yyyy-LL-dd HH:mm ZZZZ` in the zone used, e.g. `Tue 2026-12-01 19:30 CST`. */
  local: string;
  notes: string[];
}
