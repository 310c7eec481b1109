import { IANAZone } from 'luxon';

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;
/** Wider than any UTC offset, so [naive − this, naive + DAY + this) covers a whole local day. */
const OFFSET_REACH_MS = 18 * 3_600_000;

/** The local wall-clock reading of an instant in one zone. */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  /** 1 = Monday … 7 = Sunday. */
  weekday: number;
  /** Minutes east of UTC. */
  offset: number;
  /** The wall-clock reading written as if it were a UTC instant: the key for local arithmetic. */
  naive: number;
}

interface DaySpan {
  before: number;
  after: number;
  /** The instant in this UTC day when the offset changes from `before` to `after`, if it does. */
  at: number | null;
}

/**
 * A zone's UTC offsets, memoised per UTC day. An Intl lookup costs ~13 µs and the scheduler
 * runs once per enrollment, so each day is looked up once. Assumes at most one offset change
 * per UTC day, which holds for the tz database's current rules.
 */
export class ZoneOffsets {
  private readonly days = new Map<number, DaySpan>();

  constructor(
    readonly name: string,
    private readonly zone: IANAZone,
  ) {}

  offset(ts: number): number {
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
export function zoneOffsets(name: string): ZoneOffsets {
  let table = tables.get(name);
  if (!table) {
    table = new ZoneOffsets(name, IANAZone.create(name));
    tables.set(name, table);
  }
  return table;
}

export function wallClock(zone: ZoneOffsets, ts: number): WallClock {
  const offset = zone.offset(ts);
  const naive = ts + offset * MINUTE_MS;
  const d = new Date(naive);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    millisecond: d.getUTCMilliseconds(),
    weekday: ((d.getUTCDay() + 6) % 7) + 1,
    offset,
    naive,
  };
}

/**
 * Every instant whose wall clock reads `naive`, ascending: one normally, none when the
 * reading falls in a spring-forward gap, two when a fall-back repeats it.
 */
export function localInstants(zone: ZoneOffsets, naive: number): number[] {
  const offsets = new Set([zone.offset(naive - DAY_MS), zone.offset(naive), zone.offset(naive + DAY_MS)]);
  const found: number[] = [];
  for (const o of offsets) {
    const ts = naive - o * MINUTE_MS;
    if (zone.offset(ts) === o && !found.includes(ts)) found.push(ts);
  }
  return found.sort((a, b) => a - b);
}

/** Clock changes whose instant falls on the local calendar day starting at `naiveMidnight`. */
export function transitionsOnLocalDay(zone: ZoneOffsets, naiveMidnight: number): number[] {
  return zone
    .transitions(naiveMidnight - OFFSET_REACH_MS, naiveMidnight + DAY_MS + OFFSET_REACH_MS)
    .filter((ts) => {
      const local = ts + zone.offset(ts) * MINUTE_MS;
      return local >= naiveMidnight && local < naiveMidnight + DAY_MS;
    });
}

/** The offset in force just before a spring-forward gap or fall-back overlap around `naive`. */
export function offsetBefore(zone: ZoneOffsets, naive: number): number {
  return zone.offset(naive - DAY_MS);
}
