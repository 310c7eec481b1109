import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempProject } from '../support/project.ts';

const NUMBERS: Record<string, number> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  fourteen: 14,
};
const count = (w: string) => NUMBERS[w.toLowerCase()] ?? Number(w);

/** A lesson's promises about time: "in two days" (to the next lesson), "tomorrow", "over the next ten days" (the whole course). */
function promises(text: string): { days: number; scope: 'next' | 'course'; phrase: string }[] {
  const found: { days: number; scope: 'next' | 'course'; phrase: string }[] = [];
  for (const m of text.matchAll(/\b(?:over|within) the next (\w+) days?\b/gi)) found.push({ days: count(m[1] as string), scope: 'course', phrase: m[0] });
  for (const m of text.matchAll(/\bin (\w+) days?\b/gi)) found.push({ days: count(m[1] as string), scope: 'next', phrase: m[0] });
  for (const m of text.matchAll(/\btomorrow\b/gi)) found.push({ days: 1, scope: 'next', phrase: m[0] });
  return found;
}

const dayNumber = (isoDate: string) => Date.parse(`${isoDate}T00:00:00Z`) / 86_400_000;

/**
 * The promises in each lesson that the simulated timeline breaks, for a reader confirming at
 * 23:00 in their own zone: calendar days between the lessons as the reader sees them.
 */
async function brokenPromises(root: string): Promise<string[]> {
  const { code, out } = await runCli([
    'simulate',
    '--root',
    root,
    '--series',
    'physician-coaching',
    '--tz',
    'America/Chicago',
    '--now',
    '2026-12-02T05:00:00Z',
  ]);
  expect(code).toBe(0);
  expect(out).toContain('Tue 2026-12-01 23:00 CST');
  const dates = out
    .split('\n')
    .filter((l) => /^\s+\d+\. /.test(l))
    .map((l) => dayNumber(/\d{4}-\d{2}-\d{2}/.exec(l)![0]));
  const dir = join(root, 'series/physician-coaching');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.md'))
    .sort();
  expect(files).toHaveLength(dates.length);
  const broken: string[] = [];
  files.forEach((file, i) => {
    for (const p of promises(readFileSync(join(dir, file), 'utf8'))) {
      const seen = p.scope === 'next' ? (dates[i + 1] ?? NaN) - (dates[i] as number) : (dates[dates.length - 1] as number) - (dates[i] as number);
      if (p.scope === 'next' ? seen !== p.days : seen > p.days) broken.push(`${file}: "${p.phrase}" but the reader sees ${seen} days`);
    }
  });
  return broken;
}

describe('lesson texts agree with `coursemail simulate`', () => {
  it('no lesson promises a day count that a reader confirming at 23:00 local would not see', async () => {
    expect(await brokenPromises(tempProject())).toEqual([]);
  });

  it('the check catches the old "In two days" and "Over the next ten days" lines', async () => {
    const root = tempProject();
    const first = join(root, 'series/physician-coaching/01-what-coaching-is.md');
    writeFileSync(
      first,
      readFileSync(first, 'utf8')
        .replace('This is the first of five short messages', 'Over the next ten days you will get five short messages')
        .replace(/\*Next: [^*]*\*/, '*In two days: what the trials found.*'),
    );
    expect(await brokenPromises(root)).toEqual([
      '01-what-coaching-is.md: "Over the next ten days" but the reader sees 11 days',
      '01-what-coaching-is.md: "In two days" but the reader sees 3 days',
    ]);
  });
});
