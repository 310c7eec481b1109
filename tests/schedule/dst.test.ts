import { describe, expect, it } from 'vitest';
import { nextDue, type NextDue } from '../../src/schedule/index.ts';
import { at, course, sentUpTo } from './fixtures.ts';

const NY = 'America/New_York';
const ALL_DAY = { start: '00:00', end: '23:59' };

/** The next lesson after `one`, sent at `sentAt`, for a New York subscriber. */
function after(
  sentAt: string,
  lessonDelay: string,
  window: { start: string; end: string } = { start: '08:00', end: '11:00' },
): Extract<NextDue, { kind: 'waiting' }> {
  const c = course(
    [
      ['one', '0d'],
      ['two', lessonDelay],
    ],
    { window },
  );
  const r = nextDue({ course: c, enrollment: sentUpTo(['one'], at(sentAt)), subscriberTimezone: NY, now: at(sentAt) });
  if (r.kind !== 'waiting') throw new Error(`expected waiting, got ${r.kind}`);
  return r;
}

describe('spring forward, New York, Sun 2026-03-08 02:00 EST → 03:00 EDT', () => {
  it('2d after Fri 09:15 EST is Sun 09:15 EDT: calendar days keep the wall clock (47 elapsed hours)', () => {
    const r = after('2026-03-06T14:15:00Z', '2d');
    expect(r.dueAt.toISOString()).toBe('2026-03-08T13:15:00.000Z');
  });

  it('48h is elapsed time: Fri 09:15 EST + 48h is Sun 10:15 EDT', () => {
    expect(after('2026-03-06T14:15:00Z', '48h').dueAt.toISOString()).toBe('2026-03-08T14:15:00.000Z');
  });

  it('days landing on a skipped time move forward by the gap: 2d after Fri 02:30 EST is Sun 03:30 EDT', () => {
    const r = after('2026-03-06T07:30:00Z', '2d', ALL_DAY);
    expect(r.dueAt.toISOString()).toBe('2026-03-08T07:30:00.000Z');
    expect(r.notes.join()).toMatch(/2026-03-08 02:30 does not exist in America\/New_York/);
  });

  it('a window opening at a skipped time (02:30) opens at the jump, 03:00 EDT', () => {
    // sent Sun 00:30 EST, +30m = 01:00 EST, before the window
    const r = after('2026-03-08T05:30:00Z', '30m', { start: '02:30', end: '04:00' });
    expect(r.dueAt.toISOString()).toBe('2026-03-08T07:00:00.000Z');
    expect(r.notes.join()).toMatch(/02:30 does not exist on 2026-03-08 .*the window opened at the jump/);
  });

  it('a window wholly inside the skipped hour (02:00–02:45) does not open that day', () => {
    const r = after('2026-03-08T05:30:00Z', '30m', { start: '02:00', end: '02:45' });
    expect(r.dueAt.toISOString()).toBe('2026-03-09T06:00:00.000Z'); // Mon 02:00 EDT
  });
});

describe('fall back, New York, Sun 2026-11-01 02:00 EDT → 01:00 EST', () => {
  it('2d after Fri 09:15 EDT is Sun 09:15 EST (49 elapsed hours)', () => {
    expect(after('2026-10-30T13:15:00Z', '2d').dueAt.toISOString()).toBe('2026-11-01T14:15:00.000Z');
  });

  it('days landing on a repeated time take the first occurrence: 2d after Fri 01:30 EDT is Sun 01:30 EDT', () => {
    const r = after('2026-10-30T05:30:00Z', '2d', ALL_DAY);
    expect(r.dueAt.toISOString()).toBe('2026-11-01T05:30:00.000Z');
    expect(r.notes.join()).toMatch(/01:30 occurs twice .*the first/);
  });

  it('a window opening at a repeated time (01:30) opens at its first occurrence, 01:30 EDT', () => {
    // sent Sun 00:00 EDT, +30m = 00:30 EDT
    const r = after('2026-11-01T04:00:00Z', '30m', { start: '01:30', end: '03:00' });
    expect(r.dueAt.toISOString()).toBe('2026-11-01T05:30:00.000Z');
    expect(r.notes.join()).toMatch(/occurs twice .*used the first occurrence/);
  });

  it('after the first run of a repeated window closes, its second run is the next opening (01:00 EST)', () => {
    // sent 01:20 EDT, +30m = 01:50 EDT: past the 01:00–01:45 window, which the clock then repeats
    const r = after('2026-11-01T05:20:00Z', '30m', { start: '01:00', end: '01:45' });
    expect(r.dueAt.toISOString()).toBe('2026-11-01T06:00:00.000Z');
    expect(r.notes.join()).toMatch(/used the second occurrence/);
  });

  it('a time in the repeated hour whose wall clock is inside the window stays (01:20 EST)', () => {
    const r = after('2026-11-01T06:10:00Z', '10m', { start: '01:00', end: '01:45' });
    expect(r.dueAt.toISOString()).toBe('2026-11-01T06:20:00.000Z');
    expect(r.notes).toEqual([]);
  });

  it('the clock falling back into the window opens it (00:30–01:30 window, due 01:40 EDT → 01:00 EST)', () => {
    const r = after('2026-11-01T05:10:00Z', '30m', { start: '00:30', end: '01:30' });
    expect(r.dueAt.toISOString()).toBe('2026-11-01T06:00:00.000Z');
    expect(r.notes.join()).toMatch(/moved the wall clock into the window/);
  });
});
