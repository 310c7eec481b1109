import { IANAZone } from 'luxon';
import { describe, expect, it } from 'vitest';
import { splitDelay, zoneOffsets } from '../../src/schedule/index.ts';
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

describe('splitDelay', () => {
  it('counts the days written with d as calendar days and the rest as elapsed minutes', () => {
    expect(splitDelay(delay('3d 9h'))).toEqual({ days: 3, minutes: 540 });
    expect(splitDelay(delay('48h'))).toEqual({ days: 0, minutes: 2880 });
    expect(splitDelay(delay('90m'))).toEqual({ days: 0, minutes: 90 });
    expect(splitDelay({ raw: 'two days', minutes: 2880 })).toEqual({ days: 2, minutes: 0 });
  });
});
