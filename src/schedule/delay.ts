import type { Delay } from '../course/types.ts';
import { DAY_MS, instantsReading, MINUTE_MS, naiveLocal, pastGap, type ZoneOffsets } from './local-time.ts';
import { formatLocal } from './zone.ts';

const WRITTEN = /^(?:(\d+)d)?\s*(?:(\d+)h)?\s*(?:(\d+)m)?$/;

/**
 * Splits a delay into calendar days and elapsed minutes. The days are those the author wrote
 * with `d` (`Delay.raw`); `48h` is 48 elapsed hours, not two calendar days. A raw text that
 * does not spell out `minutes` counts whole days of `minutes` as calendar days instead.
 */
export function splitDelay(delay: Delay): { days: number; minutes: number } {
  const written = WRITTEN.exec(delay.raw.trim());
  if (written) {
    const [days, hours, minutes] = [written[1], written[2], written[3]].map((n) => Number(n ?? 0)) as [number, number, number];
    if (days * 1440 + hours * 60 + minutes === delay.minutes) return { days, minutes: hours * 60 + minutes };
  }
  return { days: Math.floor(delay.minutes / 1440), minutes: delay.minutes % 1440 };
}

/**
 * `from` plus the delay in `zone`: days move the local date and keep the wall-clock time across DST; hours and minutes are elapsed time.
 * A wall-clock time the change skips moves forward by the gap (02:30 → 03:30 EDT); one it repeats takes the first occurrence.
 */
export function addDelay(from: number, delay: Delay, zone: ZoneOffsets): { at: number; notes: string[] } {
  const { days, minutes } = splitDelay(delay);
  const notes: string[] = [];
  let at = from;
  if (days > 0) {
    // The same wall-clock time `days` local dates later, as a naive local time (see naiveLocal).
    const naive = naiveLocal(zone, from) + days * DAY_MS;
    const hits = instantsReading(zone, naive);
    const written = () => new Date(naive).toISOString().slice(0, 16).replace('T', ' ');
    if (hits.length === 0) {
      at = pastGap(zone, naive);
      notes.push(`${written()} does not exist in ${zone.name} (clocks spring forward); the delay ends at ${formatLocal(at, zone.name)}`);
    } else {
      at = hits[0]!;
      if (hits.length > 1)
        notes.push(`${written()} occurs twice in ${zone.name} (clocks fall back); the delay ends at the first, ${formatLocal(at, zone.name)}`);
    }
  }
  return { at: at + minutes * MINUTE_MS, notes };
}
