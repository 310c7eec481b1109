import { DateTime, IANAZone } from 'luxon';
import { cached, CoursemailError } from '../shared/index.ts';
import { naiveLocal, zoneOffsets } from './local-time.ts';

// Luxon checks a zone by building an Intl formatter (~150 µs); zones repeat across subscribers.
const validity = new Map<string, boolean>();

export const isValidZone = (zone: string): boolean => cached(validity, zone, () => IANAZone.isValidZone(zone));

/**
 * The zone a subscriber's lessons are timed in: theirs when it is a valid IANA zone, else the
 * course's, with a note saying why. A course zone that is not valid is the author's error
 * (the content check rejects it), so it throws rather than guessing.
 */
export function resolveZone(subscriberTimezone: string | null | undefined, courseTimezone: string): { zone: string; notes: string[] } {
  if (!isValidZone(courseTimezone)) {
    throw new CoursemailError(
      'schedule.timezone',
      `course time zone "${courseTimezone}" is not an IANA time zone (e.g. America/New_York); fix timezone in series.yaml`,
    );
  }
  if (subscriberTimezone && isValidZone(subscriberTimezone)) return { zone: subscriberTimezone, notes: [] };
  const why = subscriberTimezone ? `subscriber time zone "${subscriberTimezone}" is not a valid IANA zone` : 'subscriber has no time zone';
  return { zone: courseTimezone, notes: [`${why}; using the course's zone ${courseTimezone}`] };
}

const WEEKDAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
// Luxon builds an Intl formatter for each `ZZZZ` (~280 µs); a zone's name for an offset never changes.
const abbreviations = new Map<string, string>();

const abbreviation = (zone: string, offset: number, ts: number): string =>
  cached(abbreviations, `${zone}|${offset}`, () => DateTime.fromMillis(ts, { zone, locale: 'en-US' }).toFormat('ZZZZ'));

const two = (n: number) => String(n).padStart(2, '0');

/** `Tue 2026-12-01 19:30 CST` (luxon's `ccc yyyy-LL-dd HH:mm ZZZZ`, en-US): what `simulate` prints and notes use. */
export function formatLocal(at: Date | number, zone: string): string {
  const ts = typeof at === 'number' ? at : at.getTime();
  const offsets = zoneOffsets(zone);
  const offset = offsets.offset(ts);
  // The local reading as a UTC date (see naiveLocal): no DateTime for what notes print by the thousand.
  const w = new Date(naiveLocal(offsets, ts));
  const date = `${String(w.getUTCFullYear()).padStart(4, '0')}-${two(w.getUTCMonth() + 1)}-${two(w.getUTCDate())}`;
  return `${WEEKDAY_NAMES[(w.getUTCDay() + 6) % 7]} ${date} ${two(w.getUTCHours())}:${two(w.getUTCMinutes())} ${abbreviation(zone, offset, ts)}`;
}
