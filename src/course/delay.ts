import type { Delay } from './types.ts';

const UNIT_MINUTES: Record<string, number> = { d: 1440, h: 60, m: 1 };
const PART = /^(\d{1,4})([dhm])$/;

/**
 * Parses `0d`, `2d`, `3d 9h`, `90m`. Each unit at most once, largest first, so a delay
 * reads one way only. Returns an error message instead of throwing: callers collect problems.
 */
export function parseDelay(input: unknown): Delay | { error: string } {
  const raw = typeof input === 'number' ? String(input) : input;
  if (typeof raw !== 'string' || raw.trim() === '') {
    return { error: 'delay must be a duration such as 0d, 2d, "3d 9h" or 90m' };
  }
  const parts = raw.trim().split(/\s+/);
  let minutes = 0;
  let lastRank = -1;
  for (const part of parts) {
    const m = PART.exec(part);
    if (!m) return { error: `delay "${raw}" is not a duration (use d, h, m: 0d, 2d, "3d 9h", 90m)` };
    const unit = m[2] as string;
    const rank = 'dhm'.indexOf(unit);
    if (rank <= lastRank) return { error: `delay "${raw}": write each unit once, days before hours before minutes` };
    lastRank = rank;
    minutes += Number(m[1]) * (UNIT_MINUTES[unit] as number);
  }
  return { raw: raw.trim(), minutes };
}

export function formatOffset(minutes: number): string {
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  return [d ? `${d}d` : '', h ? `${h}h` : '', m ? `${m}m` : ''].filter(Boolean).join(' ') || '0d';
}
