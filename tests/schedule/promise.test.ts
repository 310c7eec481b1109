import { describe, expect, it } from 'vitest';
import { firstLessonPromise, nextDue, windowWords } from '../../src/schedule/index.ts';
import { at, course, FIVE_LESSONS, sentUpTo, WEEKDAYS_ONLY } from './fixtures.ts';

const CHICAGO = 'America/Chicago';

describe('firstLessonPromise: when lesson 1 arrives, in words', () => {
  it('says "at once" for a first lesson without delay, inside or outside the send window', () => {
    const c = course(FIVE_LESSONS);
    expect(firstLessonPromise(c).sentence).toBe('The first lesson arrives at once when you confirm.');
    // 09:00 and 23:00 in Chicago (CST, UTC-6).
    for (const iso of ['2026-12-01T15:00:00Z', '2026-12-02T05:00:00Z']) {
      const p = firstLessonPromise(c, { timezone: CHICAGO, confirmedAt: at(iso) });
      expect(p).toEqual({ at: at(iso), when: 'at once', sentence: 'The first lesson arrives at once.' });
    }
  });

  it('names the day and the window in the reader’s zone when lesson 1 waits', () => {
    const c = course([
      ['one', '2h'],
      ['two', '2d'],
    ]);
    expect(firstLessonPromise(c).when).toBe('2 hours after you confirm, in the first send window between 8 and 11 am your time');
    // Confirmed 08:15 Chicago: 10:15, inside the window, the same day.
    expect(firstLessonPromise(c, { timezone: CHICAGO, confirmedAt: at('2026-12-01T14:15:00Z') })).toMatchObject({
      when: 'later today between 8 and 11 am your time',
      at: at('2026-12-01T16:15:00Z'),
    });
    // Confirmed 10:30 Chicago: 12:30 is past the window, so 08:00 the next morning.
    expect(firstLessonPromise(c, { timezone: CHICAGO, confirmedAt: at('2026-12-01T16:30:00Z') })).toMatchObject({
      when: 'tomorrow between 8 and 11 am your time',
      at: at('2026-12-02T14:00:00Z'),
    });
    // The same instant is already the evening in Berlin: tomorrow there too, at 08:00 Berlin time.
    expect(firstLessonPromise(c, { timezone: 'Europe/Berlin', confirmedAt: at('2026-12-01T16:30:00Z') }).at).toEqual(at('2026-12-02T07:00:00Z'));
  });

  it('names the weekday when the window skips days, and phrases windows across noon', () => {
    const c = course([['one', '1h']], { window: { days: WEEKDAYS_ONLY, start: '09:30', end: '13:00' } });
    // Friday 2026-12-04, 15:00 Chicago: the next window is Monday.
    expect(firstLessonPromise(c, { timezone: CHICAGO, confirmedAt: at('2026-12-04T21:00:00Z') }).when).toBe('on Monday between 9:30 am and 1 pm your time');
    expect(windowWords(c.sendWindow)).toBe('between 9:30 am and 1 pm your time on a weekday');
  });
});

describe('the send window holds when the worker comes late', () => {
  it('a lesson due inside a window that closed before a pass asked waits for the next opening', () => {
    const c = course(FIVE_LESSONS, { timezone: CHICAGO });
    // Lesson 1 sent Tue 10:51 CST; lesson 2 (2d) is due Thu 10:51 CST, inside 08:00–11:00.
    const clock = sentUpTo(['what-coaching-is'], at('2026-12-01T16:51:00Z'));
    const inTime = nextDue({ course: c, enrollment: clock, subscriberTimezone: CHICAGO, now: at('2026-12-03T16:55:00Z') });
    expect(inTime).toMatchObject({ kind: 'due', dueAt: at('2026-12-03T16:51:00Z') });
    // The next hourly pass at 11:51: the window has closed, so it waits until Fri 08:00.
    const late = nextDue({ course: c, enrollment: clock, subscriberTimezone: CHICAGO, now: at('2026-12-03T17:51:00Z') });
    expect(late).toMatchObject({ kind: 'waiting', dueAt: at('2026-12-04T14:00:00Z') });
    // And is due once that window is open.
    expect(nextDue({ course: c, enrollment: clock, subscriberTimezone: CHICAGO, now: at('2026-12-04T14:05:00Z') }).kind).toBe('due');
  });
});
