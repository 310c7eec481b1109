import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/schedule/index.ts';
import { at, course, FIVE_LESSONS } from './fixtures.ts';

describe('simulate: the 5-lesson course (0d, 2d, 2d, 3d, 3d; 08:00–11:00 every day)', () => {
  // Chicago subscriber confirming Tue 2026-12-01 19:30 CST. Lesson 2's 2d ends Thu 19:30,
  // after the window, so it goes Fri 08:00 (day 3, not day 2: sending Thu 08:00 would cut
  // the delay to 36.5 hours). Each later delay counts from that 08:00 send and lands inside
  // the window: days 3, 5, 8 and 11 after confirmation.
  const timeline = simulate({ course: course(FIVE_LESSONS), timezone: 'America/Chicago', enrolledAt: at('2026-12-02T01:30:00Z') });

  it('gives lesson 1 at once and lessons 2–5 at 08:00 local on days 3, 5, 8, 11', () => {
    expect(timeline.map((e) => [e.step, e.slug, e.local])).toEqual([
      [1, 'what-coaching-is', 'Tue 2026-12-01 19:30 CST'],
      [2, 'the-evidence', 'Fri 2026-12-04 08:00 CST'],
      [3, 'coaching-vs-therapy', 'Sun 2026-12-06 08:00 CST'],
      [4, 'records', 'Wed 2026-12-09 08:00 CST'],
      [5, 'bottom-line', 'Sat 2026-12-12 08:00 CST'],
    ]);
    expect(timeline[0]?.dueAt.toISOString()).toBe('2026-12-02T01:30:00.000Z');
    expect(timeline[4]?.dueAt.toISOString()).toBe('2026-12-12T14:00:00.000Z');
    expect(timeline[1]?.notes.join()).toMatch(/Thu 2026-12-03 19:30 CST is outside the send window/);
  });

  it('every gap between lessons is at least the lesson’s delay', () => {
    const c = course(FIVE_LESSONS);
    for (let i = 1; i < timeline.length; i++) {
      const gap = (timeline[i]!.dueAt.getTime() - timeline[i - 1]!.dueAt.getTime()) / 60_000;
      expect(gap).toBeGreaterThanOrEqual(c.steps[i]!.delay.minutes);
    }
  });

  it('falls back to the course zone with a note for an invalid zone', () => {
    const t = simulate({ course: course(FIVE_LESSONS), timezone: 'Not/AZone', enrolledAt: at('2026-12-02T01:30:00Z') });
    expect(t[1]?.local).toBe('Fri 2026-12-04 08:00 EST');
    expect(t.every((e) => e.notes.some((n) => n.includes('"Not/AZone" is not a valid IANA zone')))).toBe(true);
  });
});
