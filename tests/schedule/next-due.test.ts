import { describe, expect, it } from 'vitest';
import { nextDue, type NextDue } from '../../src/schedule/index.ts';
import { CoursemailError } from '../../src/shared/index.ts';
import { at, course, enrollment, FIVE_LESSONS, sentUpTo } from './fixtures.ts';

const NY = 'America/New_York';
const five = course(FIVE_LESSONS);
const scheduled = (r: NextDue) => {
  if (r.kind !== 'due' && r.kind !== 'waiting') throw new Error(`expected a scheduled step, got ${r.kind}`);
  return r;
};

describe('pause and resume hold the clock', () => {
  // lesson 1 sent Tue 2026-12-01 09:00 EST; lesson 2 waits 2d → Thu 09:00 EST
  const sentAt = at('2026-12-01T14:00:00Z');
  const running = sentUpTo(['what-coaching-is'], sentAt);

  it('nothing is due while paused, even long after the due time', () => {
    const paused = { ...running, pausedAt: at('2026-12-02T14:00:00Z') };
    expect(nextDue({ course: five, enrollment: paused, subscriberTimezone: NY, now: at('2026-12-20T14:00:00Z') })).toEqual({ kind: 'paused' });
  });

  it('after a 3-day pause the lesson is due 3 days later than it would have been', () => {
    const unpaused = scheduled(nextDue({ course: five, enrollment: running, subscriberTimezone: NY, now: sentAt }));
    expect(unpaused.dueAt.toISOString()).toBe('2026-12-03T14:00:00.000Z');
    const resumed = { ...running, pausedMinutes: 3 * 1440 };
    const before = scheduled(nextDue({ course: five, enrollment: resumed, subscriberTimezone: NY, now: at('2026-12-05T14:00:00Z') }));
    expect(before.kind).toBe('waiting');
    expect(before.dueAt.toISOString()).toBe('2026-12-06T14:00:00.000Z');
    expect(nextDue({ course: five, enrollment: resumed, subscriberTimezone: NY, now: at('2026-12-06T14:00:00Z') }).kind).toBe('due');
  });
});

describe('end of the course', () => {
  it('an enrollment sent every lesson is complete, paused or not', () => {
    const done = sentUpTo(
      FIVE_LESSONS.map(([slug]) => slug),
      at('2026-12-10T14:00:00Z'),
    );
    expect(nextDue({ course: five, enrollment: done, subscriberTimezone: NY, now: at('2027-01-01T00:00:00Z') })).toEqual({ kind: 'complete' });
    expect(
      nextDue({ course: five, enrollment: { ...done, pausedAt: at('2026-12-11T00:00:00Z') }, subscriberTimezone: NY, now: at('2027-01-01T00:00:00Z') }),
    ).toEqual({ kind: 'complete' });
  });
});

describe('lessons inserted or removed after enrolment (identity is the slug)', () => {
  const sentAt = at('2026-12-01T14:00:00Z');
  const twoSent = sentUpTo(['a', 'b'], sentAt);

  it('a lesson inserted before the current position never reaches the subscriber', () => {
    const c = course([
      ['a', '0d'],
      ['x', '1d'],
      ['b', '1d'],
      ['c', '2d'],
      ['d', '2d'],
    ]);
    const r = scheduled(nextDue({ course: c, enrollment: twoSent, subscriberTimezone: NY, now: sentAt }));
    expect(r.step.slug).toBe('c');
    expect(r.dueAt.toISOString()).toBe('2026-12-03T14:00:00.000Z');
  });

  it('a lesson inserted after the current position is the next one, its delay counted from the last send', () => {
    const c = course([
      ['a', '0d'],
      ['b', '1d'],
      ['y', '1d'],
      ['c', '2d'],
      ['d', '2d'],
    ]);
    const r = scheduled(nextDue({ course: c, enrollment: twoSent, subscriberTimezone: NY, now: sentAt }));
    expect(r.step.slug).toBe('y');
    expect(r.dueAt.toISOString()).toBe('2026-12-02T14:00:00.000Z');
  });

  it('a removed future lesson is skipped', () => {
    const c = course([
      ['a', '0d'],
      ['b', '1d'],
      ['d', '2d'],
    ]);
    expect(scheduled(nextDue({ course: c, enrollment: twoSent, subscriberTimezone: NY, now: sentAt })).step.slug).toBe('d');
  });

  it('when the last sent lesson was removed, the furthest sent lesson still present places the subscriber', () => {
    const c = course([
      ['a', '0d'],
      ['c', '2d'],
      ['d', '2d'],
    ]);
    const r = scheduled(nextDue({ course: c, enrollment: twoSent, subscriberTimezone: NY, now: sentAt }));
    expect(r.step.slug).toBe('c');
    expect(r.notes.join()).toMatch(/"b" is no longer in the course; continuing after "a"/);
  });

  it('a lesson moved behind the position is not sent again', () => {
    const c = course([
      ['b', '0d'],
      ['a', '1d'],
      ['c', '2d'],
    ]);
    expect(scheduled(nextDue({ course: c, enrollment: twoSent, subscriberTimezone: NY, now: sentAt })).step.slug).toBe('c');
  });

  it('when no sent lesson remains, the first unsent lesson is next', () => {
    const c = course([
      ['n1', '1d'],
      ['n2', '1d'],
    ]);
    const r = scheduled(nextDue({ course: c, enrollment: twoSent, subscriberTimezone: NY, now: sentAt }));
    expect(r.step.slug).toBe('n1');
    expect(r.dueAt.toISOString()).toBe('2026-12-02T14:00:00.000Z');
  });
});

describe('subscriber time zone', () => {
  const startedAt = at('2026-12-01T12:00:00Z');
  const c = course([['one', '1h']]);

  it('an invalid zone falls back to the course zone and says so', () => {
    const r = scheduled(nextDue({ course: c, enrollment: enrollment({ startedAt }), subscriberTimezone: 'Mars/Olympus_Mons', now: startedAt }));
    expect(r.zone).toBe(NY);
    expect(r.notes[0]).toBe(`subscriber time zone "Mars/Olympus_Mons" is not a valid IANA zone; using the course's zone ${NY}`);
    expect(r.dueAt.toISOString()).toBe('2026-12-01T13:00:00.000Z'); // 08:00 EST, the course zone's window
  });

  it('a missing zone falls back too', () => {
    const r = scheduled(nextDue({ course: c, enrollment: enrollment({ startedAt }), subscriberTimezone: null, now: startedAt }));
    expect(r.zone).toBe(NY);
    expect(r.notes[0]).toMatch(/subscriber has no time zone; using the course's zone/);
  });

  it('an invalid course zone is an error, not a guess', () => {
    const broken = course([['one', '1h']], { timezone: 'Nowhere/Land' });
    expect(() => nextDue({ course: broken, enrollment: enrollment({ startedAt }), subscriberTimezone: NY, now: startedAt })).toThrow(CoursemailError);
  });
});

describe('a late worker does not bunch lessons', () => {
  it('the next wait counts from the late actual send, not from when the lesson was due', () => {
    // lesson 2 was due Thu 2026-12-03 08:00 EST; the worker came back a week later
    const lesson1 = sentUpTo(['what-coaching-is'], at('2026-12-01T14:00:00Z'));
    const late = at('2026-12-10T15:00:00Z'); // Thu 10:00 EST
    const r2 = scheduled(nextDue({ course: five, enrollment: lesson1, subscriberTimezone: NY, now: late }));
    expect(r2.kind).toBe('due');
    expect(r2.dueAt.toISOString()).toBe('2026-12-03T14:00:00.000Z');

    const lesson2 = sentUpTo(['what-coaching-is', 'the-evidence'], late);
    const r3 = scheduled(nextDue({ course: five, enrollment: lesson2, subscriberTimezone: NY, now: late }));
    expect(r3.kind).toBe('waiting');
    expect(r3.dueAt.toISOString()).toBe('2026-12-12T15:00:00.000Z');
  });
});
