import { DateTime, IANAZone } from 'luxon';
import { CoursemailError } from '../shared/index.ts';

export const LOCAL_FORMAT = 'ccc yyyy-LL-dd HH:mm ZZZZ';

// Luxon checks a zone by building an Intl formatter (~150 µs); zones repeat across subscribers.
const validity = new Map<string, boolean>();

export function isValidZone(zone: string): boolean {
  let valid = validity.get(zone);
  if (valid === undefined) {
    valid = IANAZone.isValidZone(zone);
    validity.set(zone, valid);
  }
  return valid;
}

/**
 * The zone a subscriber's lessons are timed in: theirs when it is a valid IANA zone, else the
 * course's, with a note saying why. A course zone that is not valid is the author's error
 * (the content check rejects it), so it throws rather than guessing.
 */
export function resolveZone(subscriberTimezone: string | null | undefined, courseTimezone: string): { zone: string; notes: string[] } {
  if (!isValidZone(courseTimezone)) {
    throw new CoursemailError('schedule.timezone', `course time zone "${courseTimezone}" is not an IANA time zone (e.g. America/New_York); fix timezone in series.yaml`);
  }
  if (subscriberTimezone && isValidZone(subscriberTimezone)) return { zone: subscriberTimezone, notes: [] };
  const why = subscriberTimezone
    ? `subscriber time zone "${subscriberTimezone}" is not a valid IANA zone`
    : 'subscriber has no time zone';
  return { zone: courseTimezone, notes: [`${why}; using the course's zone ${courseTimezone}`] };
}

/** `Tue 2026-12-01 19:30 CST`: the form `simulate` prints and the notes use. */
export function formatLocal(at: Date | number, zone: string): string {
  return DateTime.fromMillis(typeof at === 'number' ? at : at.getTime(), { zone, locale: 'en-US' }).toFormat(LOCAL_FORMAT);
}
