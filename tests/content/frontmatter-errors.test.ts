import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDelay } from '../../src/course/index.ts';
import { parseMessageFile } from '../../src/content/lesson-file.ts';
import { runCli, tempProject } from '../support/project.ts';

describe('lesson frontmatter validation', () => {
  it('reports every problem of every file in one run, each with file and line', async () => {
    const root = tempProject();
    const dir = join(root, 'series/physician-coaching');
    // Missing subject (reported at the frontmatter's first line).
    writeFileSync(join(dir, '01-what-coaching-is.md'), '---\npreheader: A preheader\ndelay: 0d\n---\n\nBody\n');
    // Unknown key on line 4, bad delay on line 5.
    writeFileSync(join(dir, '02-what-the-evidence-shows.md'), '---\nsubject: Evidence\npreheader: Numbers\ncolour: blue\ndelay: two days\n---\n\nBody\n');
    // YAML syntax error on line 3.
    writeFileSync(join(dir, '03-coaching-vs-therapy.md'), '---\nsubject: Therapy\npreheader: a: b: c\ndelay: 2d\n---\n\nBody\n');
    // Unknown placeholder in the body, line 7.
    writeFileSync(join(dir, '04-why-records-matter.md'), '---\nsubject: Records\npreheader: Boards\ndelay: 3d\n---\n\nHi {{fristName}}\n');
    const { code, err } = await runCli(['check', '--root', root]);
    expect(code).toBe(1);
    expect(err).toContain('series/physician-coaching/01-what-coaching-is.md:2: subject is required');
    expect(err).toContain('series/physician-coaching/02-what-the-evidence-shows.md:4: unknown key "colour"');
    expect(err).toMatch(/02-what-the-evidence-shows\.md:5: delay "two days" is not a duration/);
    expect(err).toMatch(/03-coaching-vs-therapy\.md:3: YAML syntax error/);
    expect(err).toMatch(/04-why-records-matter\.md:7: unknown placeholder \{\{fristName\}\}/);
    expect(err).toMatch(/\(5 problems\)/);
  });

  it('refuses triple braces, helpers and partials in content', () => {
    const text = '---\nsubject: S\npreheader: P\ndelay: 0d\n---\n\n{{{firstName}}}\n\n{{lookup firstName}}\n\n{{> footer}}\n\n{{#each x}}y{{/each}}\n';
    const { problems } = parseMessageFile(text, 'x.md', 'lesson');
    const messages = problems.map((p) => `${p.line}: ${p.message}`);
    expect(messages.some((m) => m.startsWith('7: triple braces'))).toBe(true);
    expect(messages.some((m) => m.startsWith('9: helpers are not allowed'))).toBe(true);
    expect(messages.some((m) => m.startsWith('11: partials'))).toBe(true);
    expect(messages.some((m) => m.startsWith('13: block {{#each}}'))).toBe(true);
  });

  it('a missing frontmatter block, or an empty body, is named', () => {
    expect(parseMessageFile('just text', 'a.md', 'lesson').problems[0]!.message).toMatch(/must start with a --- frontmatter block/);
    expect(parseMessageFile('---\nsubject: S\npreheader: P\ndelay: 0d\n---\n\n', 'a.md', 'lesson').problems[0]!.message).toMatch(/no body/);
  });

  it('YAML bombs and prototype keys do not get through', () => {
    const bomb =
      '---\na: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\nsubject: S\npreheader: P\ndelay: 0d\n---\n\nBody\n';
    const r1 = parseMessageFile(bomb, 'bomb.md', 'lesson');
    expect(r1.message).toBeUndefined();
    expect(r1.problems.length).toBeGreaterThan(0);
    const proto = '---\nsubject: S\npreheader: P\ndelay: 0d\n__proto__: { polluted: true }\n---\n\nBody\n';
    const r2 = parseMessageFile(proto, 'proto.md', 'lesson');
    expect(r2.problems.map((p) => p.message)).toContain('unknown key "__proto__" (allowed: subject, preheader, delay, cta)');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('delays', () => {
  it('parses days, hours and minutes and rejects anything else', () => {
    expect(parseDelay('0d')).toEqual({ raw: '0d', minutes: 0 });
    expect(parseDelay('3d 9h')).toEqual({ raw: '3d 9h', minutes: 3 * 1440 + 9 * 60 });
    expect(parseDelay('90m')).toEqual({ raw: '90m', minutes: 90 });
    for (const bad of ['', '2', 'two days', '2w', '9h 3d', '1d 1d', '-1d']) expect(parseDelay(bad)).toHaveProperty('error');
  });
});
