import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { nextDue } from '../../src/schedule/index.ts';
import { at, course, enrollment, sentUpTo, WEEKDAYS_ONLY } from './fixtures.ts';

const local = (d: Date, zone: string) => DateTime.fromJSDate(d, { zone }).toFormat('ccc yyyy-LL-dd HH:mm');

describe('send window and weekdays (weekdays only, 08:00–11:00 New York)', () => {
  const c = course(
    [
      ['one', '0d'],
      ['two', '1d'],
      ['three', '1h'],
    ],
    { window: { days: WEEKDAYS_ONLY } },
  );

  it('keeps a due time that is inside the window', () => {
    // sent Tue 09:30 EST; +1d = Wed 09:30, inside
    const r = nextDue({
      course: c,
      enrollment: sentUpTo(['one'], at('2026-12-01T14:30:00Z')),
      subscriberTimezone: 'America/New_York',
      now: at('2026-12-01T15:00:00Z'),
    });
    expect(r.kind).toBe('waiting');
    if (r.kind !== 'waiting') return;
    expect(r.step.slug).toBe('two');
    expect(local(r.dueAt, 'America/New_York')).toBe('Wed 2026-12-02 09:30');
    expect(r.notes).toEqual([]);
  });

  it('moves a time after the window closes to the next opening; the end is exclusive', () => {
    // sent Tue 10:00; 'three' waits 1h → Tue 11:00, which is already closed
    const r = nextDue({
      course: c,
      enrollment: sentUpTo(['one', 'two'], at('2026-12-01T15:00:00Z')),
      subscriberTimezone: 'America/New_York',
      now: at('2026-12-01T15:00:00Z'),
    });
    expect(r.kind === 'waiting' && local(r.dueAt, 'America/New_York')).toBe('Wed 2026-12-02 08:00');
    expect(r.kind === 'waiting' && r.notes.join()).toMatch(/outside the send window \(08:00–11:00, mon, tue, wed, thu, fri\)/);
  });

  it('skips a weekend: a lesson due Saturday goes Monday 08:00', () => {
    // sent Fri 2026-12-04 09:00 EST; +1d = Sat 09:00
    const r = nextDue({
      course: c,
      enrollment: sentUpTo(['one'], at('2026-12-04T14:00:00Z')),
      subscriberTimezone: 'America/New_York',
      now: at('2026-12-05T14:00:00Z'),
    });
    expect(r.kind).toBe('waiting');
    expect(r.kind === 'waiting' && local(r.dueAt, 'America/New_York')).toBe('Mon 2026-12-07 08:00');
  });

  it('applies the window in the subscriber zone, not the course zone', () => {
    // sent Tue 09:00 PST (17:00Z); +1d = Wed 09:00 PST, inside the subscriber's window though 12:00 in New York
    const r = nextDue({
      course: c,
      enrollment: sentUpTo(['one'], at('2026-12-01T17:00:00Z')),
      subscriberTimezone: 'America/Los_Angeles',
      now: at('2026-12-01T17:00:00Z'),
    });
    expect(r.kind === 'waiting' && r.dueAt.toISOString()).toBe('2026-12-02T17:00:00.000Z');
    expect(r.kind === 'waiting' && r.zone).toBe('America/Los_Angeles');
  });
});

describe('enrolment at 23:50 local', () => {
  it('sends a zero-delay first lesson at once, outside the window, and says so', () => {
    const c = course([
      ['one', '0d'],
      ['two', '2d'],
    ]);
    const startedAt = at('2026-12-02T05:50:00Z'); // Tue 23:50 CST
    const r = nextDue({ course: c, enrollment: enrollment({ startedAt }), subscriberTimezone: 'America/Chicago', now: startedAt });
    expect(r.kind).toBe('due');
    expect(r.kind === 'due' && r.dueAt.getTime()).toBe(startedAt.getTime());
    expect(r.kind === 'due' && r.notes.join()).toMatch(/first lesson has no delay/);
  });

  it('counts local days, not UTC days: lesson 2 (2d) from Tue 23:50 CST → Thu 23:50 → Fri 08:00 CST', () => {
    const c = course([
      ['one', '0d'],
      ['two', '2d'],
    ]);
    const r = nextDue({
      course: c,
      enrollment: sentUpTo(['one'], at('2026-12-02T05:50:00Z')),
      subscriberTimezone: 'America/Chicago',
      now: at('2026-12-02T05:50:00Z'),
    });
    expect(r.kind === 'waiting' && local(r.dueAt, 'America/Chicago')).toBe('Fri 2026-12-04 08:00');
  });

  it('a first lesson with a delay is windowed: Fri 23:50 PST + 10m (Sat 00:00 local, Sat 08:00 UTC) on weekdays only → Mon 08:00 PST', () => {
    const c = course([['one', '10m']], { window: { days: WEEKDAYS_ONLY } });
    const startedAt = at('2026-12-05T07:50:00Z'); // Fri 23:50 PST
    const r = nextDue({ course: c, enrollment: enrollment({ startedAt }), subscriberTimezone: 'America/Los_Angeles', now: startedAt });
    expect(r.kind === 'waiting' && local(r.dueAt, 'America/Los_Angeles')).toBe('Mon 2026-12-07 08:00');
  });

  it('a zero-delay first lesson is due at confirmation even on a day the window excludes', () => {
    const c = course([['one', '0d']], { window: { days: WEEKDAYS_ONLY } });
    const startedAt = at('2026-12-06T04:50:00Z'); // Sat 23:50 EST
    const r = nextDue({ course: c, enrollment: enrollment({ startedAt }), subscriberTimezone: 'America/New_York', now: startedAt });
    expect(r.kind === 'due' && r.dueAt.toISOString()).toBe(startedAt.toISOString());
  });
});
