import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runNew } from '../../src/cli/commands/new.ts';
import { writeSeriesFolder } from '../../src/draft/index.ts';
import { fixture, projects } from './support.ts';

const newProject = projects();
const quiet = { out: () => {}, err: () => {} };
const files = [
  { name: '01-one.md', content: 'one' },
  { name: 'series.yaml', content: 'title: x\n' },
];

describe('writing series/<id>/', () => {
  it('refuses to overwrite an existing series, and leaves it as it was', () => {
    const root = newProject();
    runNew({ root, id: 'handoffs', from: fixture('safer-handoffs.html'), every: '2d', engine: 'react', force: false }, quiet);
    const dir = join(root, 'series/handoffs');
    const before = readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]);
    expect(() => runNew({ root, id: 'handoffs', from: fixture('night-shift-sleep.md'), every: '2d', engine: 'react', force: false }, quiet)).toThrow(
      /series\/handoffs\/ already exists; nothing was written\. Pass --force/,
    );
    expect(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')])).toEqual(before);
  });

  it('--force replaces the whole folder: no lesson of the old series is left', () => {
    const root = newProject();
    runNew({ root, id: 'course', from: fixture('night-shift-sleep.md'), every: '2d', engine: 'react', force: false }, quiet);
    expect(readdirSync(join(root, 'series/course'))).toHaveLength(6);
    runNew({ root, id: 'course', from: fixture('safer-handoffs.html'), every: '2d', engine: 'react', force: true }, quiet);
    expect(readdirSync(join(root, 'series/course')).sort()).toEqual([
      '01-safer-handoffs-on-a-busy-ward.md',
      '02-a-shared-checklist.md',
      '03-practising-it.md',
      'series.yaml',
    ]);
    expect(readdirSync(join(root, 'series'))).toEqual(['course']); // no temporary or replaced folder left beside it
  });

  it('a write that fails half-way leaves no series folder and no temporary folder', () => {
    const root = newProject();
    const broken = [files[0]!, { name: 'sub/02-two.md', content: 'two' }, files[1]!];
    expect(() => writeSeriesFolder(root, 'half', broken, { force: false })).toThrow(/could not write series\/half\/: .*nothing was written/);
    expect(readdirSync(join(root, 'series'))).toEqual([]);
  });

  it('a failed --force run keeps the existing series untouched', () => {
    const root = newProject();
    writeSeriesFolder(root, 'kept', files, { force: false });
    const broken = [
      { name: '01-new.md', content: 'new' },
      { name: '..', content: 'x' },
    ];
    expect(() => writeSeriesFolder(root, 'kept', broken, { force: true })).toThrow(/nothing was written/);
    expect(readdirSync(join(root, 'series'))).toEqual(['kept']);
    expect(readdirSync(join(root, 'series/kept')).sort()).toEqual(['01-one.md', 'series.yaml']);
  });

  it('a file where the series folder should be is refused without --force', () => {
    const root = newProject();
    mkdirSync(join(root, 'series'));
    writeFileSync(join(root, 'series/notes'), 'a stray file');
    expect(() => writeSeriesFolder(root, 'notes', files, { force: false })).toThrow(/already exists/);
    expect(readFileSync(join(root, 'series/notes'), 'utf8')).toBe('a stray file');
  });

  it.each(['Physician Coaching', '../escape', '-x', 'a/b', ''])('refuses the series id %j', (id) => {
    const root = newProject();
    expect(() => writeSeriesFolder(root, id, files, { force: false })).toThrow(/series id .* must be lowercase letters, digits and dashes/);
    expect(existsSync(join(root, 'series'))).toBe(false);
    expect(existsSync(join(root, 'escape'))).toBe(false);
  });
});
