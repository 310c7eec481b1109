import { DateTime, IANAZone, Zone, type ZoneOffsetFormat, type ZoneOffsetOptions } from 'luxon';
import { cached } from '../shared/index.ts';

export const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** Wider than any UTC offset, so [naive − this, naive + DAY + this) covers a whole local day. */
const OFFSET_REACH_MS = 18 * 3_600_000;

/** The local wall-clock reading of an instant in one zone (weekday 1 = Monday). */
export type WallClock = DateTime<true>;

interface DaySpan {
  before: number;
  after: number;
  /** The instant in this UTC day when the offset changes from `before` to `after`, if it does. */
  at: number | null;
}

/**
 * A Luxon zone whose UTC offsets are memoised per UTC day: an Intl lookup costs ~13 µs and the
 * scheduler runs once per enrollment. Assumes at most one offset change per UTC day, which
 * holds for the tz database's current rules.
 */
export class ZoneOffsets extends Zone<true> {
  private readonly days = new Map<number, DaySpan>();

  constructor(private readonly zone: Zone<true>) {
    super();
  }

  override get type() {
    return 'memoised-iana';
  }
  override get name() {
    return this.zone.name;
  }
  override get isUniversal() {
    return false;
  }
  override get isValid() {
    return true as const;
  }
  override offsetName(ts: number, options: ZoneOffsetOptions) {
    return this.zone.offsetName(ts, options);
  }
  override formatOffset(ts: number, format: ZoneOffsetFormat) {
    return this.zone.formatOffset(ts, format);
  }
  override equals(other: Zone) {
    return other.type === this.type && other.name === this.name;
  }

  override offset(ts: number): number {
    const span = this.span(Math.floor(ts / DAY_MS));
    return span.at !== null && ts >= span.at ? span.after : span.before;
  }

  /** Instants in [from, to) at which the offset changes (clocks jump forward or back). */
  transitions(from: number, to: number): number[] {
    const found: number[] = [];
    for (let day = Math.floor(from / DAY_MS); day * DAY_MS < to; day++) {
      const at = this.span(day).at;
      if (at !== null && at >= from && at < to) found.push(at);
    }
    return found;
  }

  private span(day: number): DaySpan {
    const cached = this.days.get(day);
    if (cached) return cached;
    const start = day * DAY_MS;
    const before = this.zone.offset(start - 1);
    const after = this.zone.offset(start + DAY_MS - 1);
    let at: number | null = null;
    if (before !== after) {
      // Offsets change on whole minutes: find the first minute of the day already on `after`.
      let lo = -1;
      let hi = DAY_MS / MINUTE_MS - 1;
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        if (this.zone.offset(start + mid * MINUTE_MS) === after) hi = mid;
        else lo = mid;
      }
      at = start + hi * MINUTE_MS;
    }
    const span = { before, after, at };
    this.days.set(day, span);
    return span;
  }
}

const tables = new Map<string, ZoneOffsets>();

/** Offsets for a zone the caller has already checked is valid (see `resolveZone`). */
export const zoneOffsets = (name: string): ZoneOffsets => cached(tables, name, () => new ZoneOffsets(IANAZone.create(name) as Zone<true>));

export function wallClock(zone: ZoneOffsets, ts: number): WallClock {
  return DateTime.fromMillis(ts, { zone }) as WallClock;
}

/** A reading of the wall clock, to the millisecond. */
export type Wall = { year: number; month: number; day: number; hour: number; minute: number; second?: number; millisecond?: number };

/**
 * Every instant whose wall clock reads `wall`, ascending: one normally, none when the
 * reading falls in a spring-forward gap, two when a fall-back repeats it.
 */
export function localInstants(zone: ZoneOffsets, wall: Wall): number[] {
  const found = DateTime.fromObject(wall, { zone });
  // Luxon moves a skipped reading forward by the gap.
  if (found.day !== wall.day || found.hour !== wall.hour || found.minute !== wall.minute) return [];
  return found
    .getPossibleOffsets()
    .map((d) => d.toMillis())
    .sort((a, b) => a - b);
}

/** The calendar date `days` after `date`, as a UTC midnight: whole days are exact in UTC (and Luxon's `plus` costs ~30 µs). */
export function dateAfter(date: { year: number; month: number; day: number }, days: number): DateTime<true> {
  return DateTime.fromMillis(Date.UTC(date.year, date.month - 1, date.day) + days * DAY_MS, { zone: 'utc' }) as DateTime<true>;
}

/** Clock changes whose instant falls on the local calendar day starting at `naiveMidnight`. */
export function transitionsOnLocalDay(zone: ZoneOffsets, naiveMidnight: number): number[] {
  return zone.transitions(naiveMidnight - OFFSET_REACH_MS, naiveMidnight + DAY_MS + OFFSET_REACH_MS).filter((ts) => {
    const local = ts + zone.offset(ts) * MINUTE_MS;
    return local >= naiveMidnight && local < naiveMidnight + DAY_MS;
  });
}
