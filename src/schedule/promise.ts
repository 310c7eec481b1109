import type { Course, SendWindow } from '../course/types.ts';
import { wallClock, zoneOffsets } from './local-time.ts';
import { nextDue } from './next-due.ts';

export interface FirstLessonPromise {
  /** When lesson 1 is due for this reader; null when no reader (zone, confirm time) is given. */
  at: Date | null;
  /** "at once", "tomorrow between 8 and 11 am your time", "1 day after you confirm, …". */
  when: string;
  /** `The first lesson arrives ${when}.` */
  sentence: string;
}

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const DAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** `08:00` → 8 and `am`; `13:30` → 1:30 and `pm`. */
function clock(hhmm: string): { time: string; half: 'am' | 'pm' } {
  const [h, m] = [Number(hhmm.slice(0, 2)), hhmm.slice(3, 5)];
  return { time: `${h % 12 === 0 ? 12 : h % 12}${m === '00' ? '' : `:${m}`}`, half: h < 12 || h === 24 ? 'am' : 'pm' };
}

/** "between 8 and 11 am your time", "between 8 am and 1:30 pm your time", with " on weekdays" when not every day. */
export function windowWords(w: SendWindow): string {
  const [a, b] = [clock(w.start), clock(w.end)];
  const range = a.half === b.half ? `${a.time} and ${b.time} ${b.half}` : `${a.time} ${a.half} and ${b.time} ${b.half}`;
  const days =
    w.days.length === 7
      ? ''
      : w.days.length === 5 && !w.days.includes('sat') && !w.days.includes('sun')
        ? ' on a weekday'
        : ` on ${WEEKDAYS.filter((d) => w.days.includes(d))
            .map((d) => DAY_NAMES[WEEKDAYS.indexOf(d)])
            .join(', ')}`;
  return `between ${range} your time${days}`;
}

function delayWords(minutes: number): string {
  const days = Math.floor(minutes / 1440);
  const hours = Math.round((minutes % 1440) / 60);
  const parts = [days ? `${days} day${days === 1 ? '' : 's'}` : '', hours ? `${hours} hour${hours === 1 ? '' : 's'}` : ''].filter(Boolean);
  return parts.length ? parts.join(' and ') : `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

/** A due time this close to confirming is "at once": the worker sends it on its next pass. */
const AT_ONCE_MS = 60_000;

/**
 * The one statement of when lesson 1 arrives, for the confirmation email, the confirm page
 * and the timeline. Without a reader it states the rule (the email is rendered once for all);
 * with one it is the scheduler's own answer in their zone, so the words cannot drift from it.
 */
export function firstLessonPromise(
  course: Pick<Course, 'steps' | 'sendWindow' | 'timezone'>,
  reader?: { timezone: string | null; confirmedAt: Date },
): FirstLessonPromise {
  const first = course.steps[0];
  const make = (when: string, at: Date | null = null): FirstLessonPromise => ({ at, when, sentence: `The first lesson arrives ${when}.` });
  if (!first) return make('once the course has lessons');
  if (!reader)
    return first.delay.minutes === 0
      ? make('at once when you confirm')
      : make(`${delayWords(first.delay.minutes)} after you confirm, in the first send window ${windowWords(course.sendWindow)}`);
  const { confirmedAt } = reader;
  const next = nextDue({
    course,
    enrollment: { startedAt: confirmedAt, lastStepSlug: null, lastSentAt: null, pausedAt: null, pausedMinutes: 0, sentSlugs: [] },
    subscriberTimezone: reader.timezone,
    now: confirmedAt,
  });
  if (next.kind !== 'due' && next.kind !== 'waiting') return make('once the course has lessons');
  if (next.dueAt.getTime() - confirmedAt.getTime() < AT_ONCE_MS) return make('at once', next.dueAt);
  const offsets = zoneOffsets(next.zone);
  const [from, to] = [wallClock(offsets, confirmedAt.getTime()), wallClock(offsets, next.dueAt.getTime())];
  const days = Math.round((Date.UTC(to.year, to.month - 1, to.day) - Date.UTC(from.year, from.month - 1, from.day)) / 86_400_000);
  const range = windowWords({ ...course.sendWindow, days: [...WEEKDAYS] });
  const day =
    days === 0
      ? 'later today'
      : days === 1
        ? 'tomorrow'
        : days < 7
          ? `on ${DAY_NAMES[to.weekday - 1]}`
          : `on ${DAY_NAMES[to.weekday - 1]} ${to.day} ${MONTHS[to.month - 1]}`;
  return make(`${day} ${range}`, next.dueAt);
}
