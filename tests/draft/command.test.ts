import { runCommand } from 'citty';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import newDefault, { newCommand } from '../../src/cli/commands/new.ts';
import type { CliIO } from '../../src/cli/output.ts';
import { fixture, projects } from './support.ts';

const newProject = projects();
const ARTICLE = fixture('safer-handoffs.html');

async function run(rawArgs: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { out: (l) => out.push(l), err: (l) => err.push(l) };
  const { result } = await runCommand(newCommand(io), { rawArgs });
  return { result, out: out.join('\n'), err: err.join('\n') };
}

describe('the `new` command', () => {
  it('is a citty command named "new" with its flags', () => {
    expect(newDefault.meta).toMatchObject({ name: 'new' });
    expect(Object.keys(newDefault.args ?? {}).sort()).toEqual(['engine', 'every', 'force', 'from', 'id', 'merge-below', 'root', 'words']);
  });

  it('prints each lesson with its number, day, words and subject, then the warnings', async () => {
    const root = newProject();
    const { result, out, err } = await run(['coaching', '--from', fixture('physician-coaching-with-navigation.md'), '--root', root, '--every', '3d']);
    expect(result).toBe(0);
    expect(out).toMatch(/Drafted .*series\/coaching\/ from .*physician-coaching-with-navigation\.md \(text, 5 lessons, 494 words\):/);
    const rows = out.split('\n').filter((l) => /^\s+\d+\. day/.test(l));
    expect(rows.map((r) => r.replace(/\s+/g, ' ').trim())).toEqual([
      '1. day 0 159 words Physician coaching is not therapy',
      '2. day 3 74 words What the evidence shows',
      '3. day 6 122 words Coaching vs. therapy for doctors',
      '4. day 9 81 words Why the records distinction matters to physicians',
      '5. day 12 58 words The bottom line [button: Request a free, private consultation]',
    ]);
    expect(err).toMatch(/^7 warnings — check these before sending:/);
    expect(err).toContain('! lesson 5 (05-the-bottom-line.md): the sentence "You can request one here." became the button');
    expect(readFileSync(join(root, 'series/coaching/02-what-the-evidence-shows.md'), 'utf8')).toContain('\ndelay: 3d\n');
  });

  it('--engine mjml and --words reach the files', async () => {
    const root = newProject();
    await run(['sleep', '--from', fixture('night-shift-sleep.md'), '--root', root, '--engine', 'mjml', '--words', '40-250']);
    expect(readFileSync(join(root, 'series/sleep/series.yaml'), 'utf8')).toContain('engine: mjml');
    const { out } = await run(['sleep2', '--from', fixture('night-shift-sleep.md'), '--root', root, '--words', '40-250']);
    const words = out
      .split('\n')
      .flatMap((l) => /^\s+\d+\. day \d+\s+(\d+) words/.exec(l)?.[1] ?? [])
      .map(Number);
    expect(words.length).toBeGreaterThan(5);
    for (const n of words) expect(n).toBeLessThanOrEqual(250);
  });

  it.each([
    [['x', '--from', 'missing.md'], /cannot read .*missing\.md: no such file/],
    [['x', '--from', '.'], /is not a file/],
    [['x', '--from', ARTICLE, '--engine', 'html'], /--engine must be react or mjml/],
    [['x', '--from', ARTICLE, '--every', 'soon'], /--every: delay "soon" is not a duration/],
    [['x', '--from', ARTICLE, '--every', '0d'], /--every must be longer than 0/],
    [['x', '--from', ARTICLE, '--words', 'many'], /--words "many" must be MAX or MIN-MAX/],
    [['x', '--from', ARTICLE, '--words', '300-200'], /--words "300-200"/],
  ])('refuses %j with a clear message', async (args, message) => {
    const root = newProject();
    await expect(run([...args, '--root', root])).rejects.toThrow(message);
  });
});
