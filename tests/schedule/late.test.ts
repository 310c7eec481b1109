import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { heldUntil } from '../../src/schedule/index.ts';
import { at, course, WEEKDAYS_ONLY } from './fixtures.ts';

const local = (d: Date | undefined, zone: string) => d && DateTime.fromJSDate(d, { zone }).toFormat('ccc yyyy-LL-dd HH:mm');

describe('heldUntil: a lesson about to go out after its window closed (weekdays 08:00–11:00)', () => {
  const c = course(
    [
      ['one', '0d'],
      ['two', '1d'],
      ['three', '1d'],
    ],
    { window: { days: WEEKDAYS_ONLY } },
  );

  it('lets a lesson go inside the window, the end being exclusive', () => {
    expect(heldUntil(c, 'two', 'America/Chicago', DateTime.fromISO('2026-12-02T10:59', { zone: 'America/Chicago' }).toJSDate())).toBeUndefined();
    const closed = heldUntil(c, 'two', 'America/Chicago', DateTime.fromISO('2026-12-02T11:00', { zone: 'America/Chicago' }).toJSDate());
    expect(local(closed, 'America/Chicago')).toBe('Thu 2026-12-03 08:00');
  });

  it("holds it to the next opening in the reader's zone, skipping closed days", () => {
    // Fri 12:00 in New York is 09:00 in Los Angeles: open there.
    expect(heldUntil(c, 'three', 'America/Los_Angeles', at('2026-12-04T17:00:00Z'))).toBeUndefined();
    expect(local(heldUntil(c, 'three', 'America/New_York', at('2026-12-04T17:00:00Z')), 'America/New_York')).toBe('Mon 2026-12-07 08:00');
    // No zone of their own: the course's.
    expect(local(heldUntil(c, 'three', null, at('2026-12-04T17:00:00Z')), 'America/New_York')).toBe('Mon 2026-12-07 08:00');
  });

  it('never holds lesson 1 with no delay (it goes at confirmation), nor a lesson the course no longer has', () => {
    const night = at('2026-12-05T04:00:00Z');
    expect(heldUntil(c, 'one', 'America/Chicago', night)).toBeUndefined();
    expect(heldUntil(c, 'gone', 'America/Chicago', night)).toBeUndefined();
    const delayed = course([
      ['one', '1d'],
      ['two', '1d'],
    ]);
    expect(local(heldUntil(delayed, 'one', 'America/Chicago', night), 'America/Chicago')).toBe('Sat 2026-12-05 08:00');
  });
});
