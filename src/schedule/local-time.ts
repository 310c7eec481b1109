import { DateTime, IANAZone, Zone, type ZoneOffsetFormat, type ZoneOffsetOptions } from 'luxon';
import { cached } from '../shared/index.ts';

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;
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

/**
 * The wall clock of an instant as a "naive" millisecond count: its local reading, read back as
 * if it were UTC. Whole local days and minutes are then plain arithmetic, with no DateTime made:
 * the scheduler pass asks this a few times for each of a million enrollments.
 */
export const naiveLocal = (zone: ZoneOffsets, ts: number): number => ts + zone.offset(ts) * MINUTE_MS;

/** Weekday of a naive day number (days since 1970-01-01, a Thursday), 1 = Monday as Luxon counts. */
export const weekdayOf = (day: number): number => (((day % 7) + 10) % 7) + 1;

/**
 * Every instant whose wall clock reads the naive local time `naive`, ascending: one normally,
 * none when the reading falls in a spring-forward gap, two when a fall-back repeats it.
 * An instant reads it when the offset in force there is the one that maps it back.
 */
export function instantsReading(zone: ZoneOffsets, naive: number): number[] {
  const near = zone.transitions(naive - OFFSET_REACH_MS, naive + OFFSET_REACH_MS);
  const found: number[] = [];
  for (const offset of [zone.offset(naive - OFFSET_REACH_MS), ...near.map((t) => zone.offset(t))]) {
    const ts = naive - offset * MINUTE_MS;
    if (zone.offset(ts) === offset && !found.includes(ts)) found.push(ts);
  }
  return found.sort((a, b) => a - b);
}

/** Where a reading the clocks skip lands: moved forward by the gap (02:30 → 03:30 EDT), read with the offset from before the change. */
export const pastGap = (zone: ZoneOffsets, naive: number): number => naive - zone.offset(naive - OFFSET_REACH_MS) * MINUTE_MS;

/** Clock changes whose instant falls on the local calendar day starting at `naiveMidnight`. */
export function transitionsOnLocalDay(zone: ZoneOffsets, naiveMidnight: number): number[] {
  return zone.transitions(naiveMidnight - OFFSET_REACH_MS, naiveMidnight + DAY_MS + OFFSET_REACH_MS).filter((ts) => {
    const local = naiveLocal(zone, ts);
    return local >= naiveMidnight && local < naiveMidnight + DAY_MS;
  });
}
