import type { SendWindow, Weekday } from '../course/types.ts';
import { cached, CoursemailError } from '../shared/index.ts';
import { DAY_MS, instantsReading, MINUTE_MS, naiveLocal, transitionsOnLocalDay, weekdayOf, type ZoneOffsets } from './local-time.ts';
import { formatLocal } from './zone.ts';

const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
/** A week plus slack for a window that a clock change removes from one day. */
const SEARCH_DAYS = 15;

interface CompiledWindow {
  start: number;
  end: number;
  /** Allowed weekdays by luxon number, 1 = Monday. */
  days: boolean[];
}

// Courses are loaded once and read for every enrollment: parse each window once.
const compiled = new WeakMap<SendWindow, CompiledWindow>();

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const compile = (window: SendWindow): CompiledWindow =>
  cached(compiled, window, () => ({ start: minutes(window.start), end: minutes(window.end), days: [false, ...WEEKDAYS.map((d) => window.days.includes(d))] }));

function inWindow(zone: ZoneOffsets, ts: number, c: CompiledWindow): boolean {
  const local = naiveLocal(zone, ts);
  const day = Math.floor(local / DAY_MS);
  const m = Math.floor((local - day * DAY_MS) / MINUTE_MS);
  return c.days[weekdayOf(day)] === true && m >= c.start && m < c.end;
}

function describeWindow(window: SendWindow): string {
  const days = window.days.length === 7 ? 'every day' : window.days.join(', ');
  return `${window.start}–${window.end}, ${days}`;
}

/**
 * The earliest instant at or after `at` in the send window by the local wall clock (allowed weekday, time in [start, end)); DST follows from that:
 * a skipped opening opens at the jump (02:30 → 03:00 EDT), a window wholly inside the skipped hour does not open that day,
 * and a repeated time uses its first occurrence still ahead.
 */
export function fitWindow(at: number, window: SendWindow, zone: ZoneOffsets): { at: number; notes: string[] } {
  const c = compile(window);
  if (inWindow(zone, at, c)) return { at, notes: [] };

  // Local days as naive day numbers (see naiveLocal): a million enrollments pass through here, so no DateTime is made.
  const today = Math.floor(naiveLocal(zone, at) / DAY_MS);
  for (let day = today; day < today + SEARCH_DAYS; day++) {
    if (!c.days[weekdayOf(day)]) continue;
    const midnight = day * DAY_MS;
    const openings = instantsReading(zone, midnight + c.start * MINUTE_MS);
    // Besides the opening time, the wall clock can enter the window only by jumping into it.
    const jumps = transitionsOnLocalDay(zone, midnight);
    const ahead = [...openings, ...jumps].filter((ts) => ts >= at && inWindow(zone, ts, c)).sort((a, b) => a - b);
    const opening = ahead[0];
    if (opening === undefined) continue;
    const notes = [
      `${formatLocal(at, zone.name)} is outside the send window (${describeWindow(window)}); moved to the next opening, ${formatLocal(opening, zone.name)}`,
    ];
    const date = new Date(midnight).toISOString().slice(0, 10);
    if (openings.length === 0) notes.push(`${window.start} does not exist on ${date} in ${zone.name} (clocks spring forward); the window opened at the jump`);
    else if (!openings.includes(opening)) notes.push(`the clock change on ${date} in ${zone.name} moved the wall clock into the window`);
    else if (openings.length > 1) {
      const which = opening === openings[0] ? 'first' : 'second';
      notes.push(`${window.start} occurs twice on ${date} in ${zone.name} (clocks fall back); used the ${which} occurrence`);
    }
    return { at: opening, notes };
  }
  throw new CoursemailError('schedule.window', `send window ${describeWindow(window)} never opens in ${zone.name}; check sendWindow in series.yaml`);
}
