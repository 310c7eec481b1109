import { DateTime, IANAZone } from 'luxon';
import { describe, expect, it } from 'vitest';
import { splitDelay, zoneOffsets } from '../../src/schedule/index.ts';
import { DAY_MS, instantsReading, MINUTE_MS, naiveLocal, pastGap, weekdayOf } from '../../src/schedule/local-time.ts';
import { delay } from './fixtures.ts';

describe('memoised zone offsets', () => {
  it.each(['America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata', 'America/St_Johns', 'Europe/London'])(
    'agree with Intl for every quarter hour of 2026 in %s',
    (name) => {
      const table = zoneOffsets(name);
      const zone = IANAZone.create(name);
      for (let ts = Date.UTC(2026, 0, 1); ts < Date.UTC(2027, 0, 1); ts += 15 * 60_000) {
        if (table.offset(ts) !== zone.offset(ts)) throw new Error(`${name} at ${new Date(ts).toISOString()}: ${table.offset(ts)} vs ${zone.offset(ts)}`);
      }
    },
  );

  it('find the exact instants New York changes its clocks in 2026', () => {
    const changes = zoneOffsets('America/New_York').transitions(Date.UTC(2026, 0, 1), Date.UTC(2027, 0, 1));
    expect(changes.map((t) => new Date(t).toISOString())).toEqual(['2026-03-08T07:00:00.000Z', '2026-11-01T06:00:00.000Z']);
  });
});

// The scheduler reads wall clocks by arithmetic, not DateTimes: checked against Luxon's own
// reading, including Lord Howe's half-hour change and the gap and repeat hours of each zone.
const ZONES = ['America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata', 'America/St_Johns', 'Europe/London', 'Pacific/Auckland'];

describe('wall clocks by arithmetic', () => {
  it.each(ZONES)('read the same weekday, hour and minute as Luxon through 2026 in %s', (name) => {
    const zone = zoneOffsets(name);
    for (let ts = Date.UTC(2026, 0, 1); ts < Date.UTC(2027, 0, 1); ts += 7 * MINUTE_MS + 13 * 60 * MINUTE_MS) {
      const local = naiveLocal(zone, ts);
      const day = Math.floor(local / DAY_MS);
      const minute = Math.floor((local - day * DAY_MS) / MINUTE_MS);
      const luxon = DateTime.fromMillis(ts, { zone: name });
      const got = `${weekdayOf(day)} ${Math.floor(minute / 60)}:${minute % 60}`;
      if (got !== `${luxon.weekday} ${luxon.hour}:${luxon.minute}`)
        throw new Error(`${name} at ${new Date(ts).toISOString()}: ${got} vs Luxon ${luxon.toISO()}`);
    }
  });

  it.each(ZONES)('find every instant a wall-clock time names (none in a gap, moved past it; two in a repeat) as Luxon does through 2026 in %s', (name) => {
    const zone = zoneOffsets(name);
    let gaps = 0;
    let repeats = 0;
    for (let naive = Date.UTC(2026, 0, 1); naive < Date.UTC(2027, 0, 1); naive += 30 * MINUTE_MS) {
      const d = new Date(naive);
      const wall = { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes() };
      const luxon = DateTime.fromObject(wall, { zone: name });
      const skipped = luxon.hour !== wall.hour || luxon.minute !== wall.minute;
      const expected = skipped
        ? []
        : luxon
            .getPossibleOffsets()
            .map((x) => x.toMillis())
            .sort((a, b) => a - b);
      const got = instantsReading(zone, naive);
      if (got.join() !== expected.join()) throw new Error(`${name} ${d.toISOString().slice(0, 16)}: ${got} vs Luxon ${expected}`);
      // A skipped reading moves forward by the gap, as Luxon moves it.
      if (skipped && pastGap(zone, naive) !== luxon.toMillis())
        throw new Error(`${name} ${d.toISOString().slice(0, 16)}: past the gap ${pastGap(zone, naive)} vs ${luxon.toMillis()}`);
      if (got.length === 0) gaps++;
      if (got.length === 2) repeats++;
    }
    // Kolkata has no clock changes; the others skip and repeat a stretch each year.
    expect(gaps > 0 && repeats > 0).toBe(name !== 'Asia/Kolkata');
  });
});

describe('splitDelay', () => {
  it('counts the days written with d as calendar days and the rest as elapsed minutes', () => {
    expect(splitDelay(delay('3d 9h'))).toEqual({ days: 3, minutes: 540 });
    expect(splitDelay(delay('48h'))).toEqual({ days: 0, minutes: 2880 });
    expect(splitDelay(delay('90m'))).toEqual({ days: 0, minutes: 90 });
    expect(splitDelay({ raw: 'two days', minutes: 2880 })).toEqual({ days: 2, minutes: 0 });
  });
});
