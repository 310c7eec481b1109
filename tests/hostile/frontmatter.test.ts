/**
 * Hostile content files: lesson frontmatter, series.yaml and coursemail.config.json. Each
 * bomb, pollution attempt or broken file must come back as a problem naming the file and
 * the line (or field), in the same run as every other file's problems, with the build
 * refused — and Object.prototype untouched.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadBroadcast } from '../../src/broadcast/index.ts';
import { loadProject } from '../../src/build/index.ts';
import { linkResolver, loadConfig, validateConfig } from '../../src/config/index.ts';
import { loadSeries, MAX_CONTENT_BYTES, MAX_YAML_BYTES, parseMessageFile, parseYamlBlock } from '../../src/content/index.ts';
import { formatProblem, type Problem } from '../../src/shared/index.ts';
import { runCli, tempProject } from '../support/project.ts';

const SERIES = 'series/physician-coaching';
const head = 'subject: S\npreheader: P\ndelay: 0d';
const lesson = (yaml: string, body = 'Body\n') => `---\n${yaml}\n---\n\n${body}`;
const shown = (problems: Problem[]) => problems.map(formatProblem);

/** Nine anchors, each a list of nine aliases to the one before: 9^9 "lol"s if expanded. */
const laughs = (indent = '') => {
  const lines = [`${indent}l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]`];
  for (let i = 1; i < 9; i++)
    lines.push(
      `${indent}l${i}: &l${i} [${Array(9)
        .fill(`*l${i - 1}`)
        .join(', ')}]`,
    );
  return lines.join('\n');
};

const unpolluted = () => {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.prototype).not.toHaveProperty('polluted');
  expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('polluted');
};
afterEach(unpolluted);

describe('YAML bombs', () => {
  it('billion laughs at the top, inside cta and inside subject: refused by the alias budget, each naming file, line and field', () => {
    const top = parseMessageFile(lesson(`${head}\n${laughs()}`), 'top.md', 'lesson');
    expect(top.message).toBeUndefined();
    // The first anchors are cheap; the first to expand past the budget is named, and so is every later one.
    expect(shown(top.problems)).toContain('top.md:7: Excessive alias count indicates a resource exhaustion attack [l2]');
    expect(top.problems.filter((p) => p.code === 'yaml.value').map((p) => p.field)).toEqual(['l2', 'l3', 'l4', 'l5', 'l6', 'l7', 'l8']);

    const cta = parseMessageFile(lesson(`${head}\ncta:\n  text: T\n  href: https://x.example\n${laughs('  ')}`), 'cta.md', 'lesson');
    expect(shown(cta.problems)).toEqual(['cta.md:5: Excessive alias count indicates a resource exhaustion attack [cta]']);

    const subject = parseMessageFile(
      lesson(`x: &x [y, y, y, y, y, y, y, y, y, y]\nsubject: [${Array(60).fill('*x').join(', ')}]\npreheader: P\ndelay: 0d`),
      's.md',
      'lesson',
    );
    expect(shown(subject.problems)).toContain('s.md:3: Excessive alias count indicates a resource exhaustion attack [subject]');
  });

  it('structures nested thousands deep, as a value or as a key, are a problem on their line, never a crash', () => {
    const flow = parseMessageFile(lesson(`${head}\ncta: ${'['.repeat(7000)}${']'.repeat(7000)}`), 'flow.md', 'lesson');
    expect(flow.message).toBeUndefined();
    expect(flow.problems).toHaveLength(1);
    // Whether the parser's stack gives out first depends on the stack size: either way, line 5.
    expect(shown(flow.problems)[0]).toMatch(/^flow\.md:5: (YAML syntax error: nested too deeply to read|cta must be \{ text, href \})/);

    const maps = parseMessageFile(lesson(`${head}\ncta: ${'{a: '.repeat(3000)}1${'}'.repeat(3000)}`), 'maps.md', 'lesson');
    expect(maps.problems).toHaveLength(1);
    expect(maps.problems[0]!.line).toBe(5);

    const key = parseMessageFile(lesson(`${head}\n? ${'['.repeat(5000)}${']'.repeat(5000)}\n: x`), 'key.md', 'lesson');
    expect(key.message).toBeUndefined();
    expect(key.problems[0]!.line).toBe(5);
  });

  it('a frontmatter block past 16 KB is refused unread (100 000 keys took the parser minutes)', () => {
    const keys = Array.from({ length: 100_000 }, (_, i) => `k${i}: v`).join('\n');
    const r = parseMessageFile(lesson(`${head}\n${keys}`), 'keys.md', 'lesson');
    expect(shown(r.problems)).toEqual([`keys.md:2: the YAML block is ${Math.ceil(Buffer.byteLength(`${head}\n${keys}\n`) / 1024)} KB; the limit is 16 KB`]);
    expect(MAX_YAML_BYTES).toBe(16 * 1024);
    expect(parseYamlBlock(`title: ${'x'.repeat(MAX_YAML_BYTES)}`, 'series.yaml').problems[0]!.code).toBe('yaml.size');
  });
});

describe('prototype-pollution keys', () => {
  it('in lesson frontmatter (top level, nested, merge keys): unknown keys or a malformed cta, named; nothing polluted', () => {
    const text = lesson(
      [
        head,
        '__proto__: { polluted: true }',
        'constructor: { prototype: { polluted: true } }',
        'prototype: { polluted: true }',
        '<<: { polluted: true }',
        'cta: { text: T, href: "https://x.example", __proto__: { polluted: true } }',
      ].join('\n'),
    );
    const r = parseMessageFile(text, 'proto.md', 'lesson');
    expect(shown(r.problems)).toEqual([
      'proto.md:5: unknown key "__proto__" (allowed: subject, preheader, delay, cta) [__proto__]',
      'proto.md:6: unknown key "constructor" (allowed: subject, preheader, delay, cta) [constructor]',
      'proto.md:7: unknown key "prototype" (allowed: subject, preheader, delay, cta) [prototype]',
      'proto.md:8: unknown key "<<" (allowed: subject, preheader, delay, cta) [<<]',
      'proto.md:9: cta must be { text, href } (href: an https URL or link:NAME) [cta]',
    ]);
    const merged = parseMessageFile(lesson(`${head}\ncta: { <<: { __proto__: { polluted: true } }, text: T, href: "https://x.example" }`), 'm.md', 'lesson');
    expect(shown(merged.problems)).toEqual(['m.md:5: cta must be { text, href } (href: an https URL or link:NAME) [cta]']);
  });

  it('in series.yaml (top level and inside sendWindow and sender): every key named with its line', () => {
    const root = tempProject();
    writeFileSync(
      join(root, SERIES, 'series.yaml'),
      [
        'title: T',
        '__proto__: { polluted: true }',
        'constructor: { prototype: { polluted: true } }',
        'sendWindow: { __proto__: { polluted: true }, start: "08:00", end: "09:00", days: [mon] }',
        'sender: { name: N, email: n@example.com, constructor: { prototype: { polluted: true } } }',
      ].join('\n'),
    );
    const { course, problems } = loadSeries(root, 'physician-coaching', () => undefined);
    expect(course).toBeUndefined();
    expect(shown(problems)).toEqual([
      `${SERIES}/series.yaml:2: unknown key "__proto__" (allowed: title, description, engine, timezone, sendWindow, sender, links) [__proto__]`,
      `${SERIES}/series.yaml:3: unknown key "constructor" (allowed: title, description, engine, timezone, sendWindow, sender, links) [constructor]`,
      `${SERIES}/series.yaml:4: sendWindow: unknown key(s) __proto__ [sendWindow]`,
      `${SERIES}/series.yaml:5: sender must be { name, email } [sender]`,
    ]);
  });

  it('in coursemail.config.json (root and links): named by field; a link name is only ever an own key', () => {
    const text = readFileSync(join(tempProject(), 'coursemail.config.json'), 'utf8');
    const hostile = JSON.parse(text.replace(/^\{/, '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}, "prototype": 1,'));
    const { config, problems } = validateConfig(hostile);
    expect(config).toBeUndefined();
    expect(shown(problems)).toEqual(['coursemail.config.json: unknown key(s) "__proto__", "constructor", "prototype" [(root)]']);

    const links = validateConfig(JSON.parse(text.replace('"links": {', '"links": {"__proto__": {"polluted": true}, "constructor": "https://c.example",')));
    // zod drops a `__proto__` key inside a record without a word: the loader names it.
    expect(links.config).toBeUndefined();
    expect(shown(links.problems)).toEqual(['coursemail.config.json: "__proto__" is not a name coursemail accepts [links.__proto__]']);
    const named = validateConfig(JSON.parse(text.replace('"links": {', '"links": {"constructor": "https://c.example",')));
    const resolve = linkResolver(named.config!);
    expect(resolve('constructor')).toBe('https://c.example');
    for (const name of ['__proto__', 'toString', 'hasOwnProperty', 'prototype']) expect(resolve(name), name).toBeUndefined();
  });
});

describe('odd lesson files', () => {
  it('BOM and CRLF are read as plain LF text with the right line numbers', () => {
    const crlf = `\ufeff${lesson(head, 'Hello\n\nHi {{fristName}}\n')}`.replace(/\n/g, '\r\n');
    expect(shown(parseMessageFile(crlf, 'crlf.md', 'lesson').problems)).toEqual([
      'crlf.md:9: unknown placeholder {{fristName}}; allowed here: {{firstName}}, {{unsubscribeUrl}}, {{preferencesUrl}}',
    ]);
    const ok = parseMessageFile(`\ufeff${lesson(head, 'Hello\n\nWorld\n')}`.replace(/\n/g, '\r\n'), 'ok.md', 'lesson');
    expect(ok.message).toMatchObject({ subject: 'S', body: '\nHello\n\nWorld\n', bodyLine: 6 });
    const yaml = parseYamlBlock('\ufefftitle: T\r\nengine: mjml\r\n', 'series.yaml');
    expect(yaml).toEqual({
      entries: [
        { key: 'title', value: 'T', line: 1 },
        { key: 'engine', value: 'mjml', line: 2 },
      ],
      problems: [],
    });
  });

  it('binary, non-UTF-8, empty, oversized and directory lesson files: one problem each, in one run, alongside the YAML problems of other files', () => {
    const root = tempProject();
    const dir = join(root, SERIES);
    writeFileSync(join(dir, '01-what-coaching-is.md'), Buffer.from('89504e470d0a1a0a0000000d4948445200000001', 'hex'));
    writeFileSync(
      join(dir, '02-what-the-evidence-shows.md'),
      Buffer.concat([Buffer.from(lesson(head).replace('Body', 'Line one\nM')), Buffer.from([0xfc, 0x6c])]),
    );
    writeFileSync(join(dir, '03-coaching-vs-therapy.md'), '');
    writeFileSync(join(dir, '04-why-records-matter.md'), lesson(head, 'word '.repeat(MAX_CONTENT_BYTES / 4)));
    mkdirSync(join(dir, '06-folder.md'));
    writeFileSync(join(dir, '07-bomb.md'), lesson(`${head}\n${laughs()}`));
    const { course, problems } = loadSeries(root, 'physician-coaching', () => undefined);
    expect(course).toBeUndefined();
    const lines = shown(problems);
    // Lines counted as an editor does: the PNG signature's NUL sits after its two line feeds.
    expect(lines).toContain(`${SERIES}/01-what-coaching-is.md:3: binary data (NUL bytes), not a text file`);
    expect(lines).toContain(`${SERIES}/02-what-the-evidence-shows.md:9: not UTF-8 text: save the file as UTF-8`);
    expect(lines).toContain(`${SERIES}/03-coaching-vs-therapy.md:1: the file is empty: it needs a --- frontmatter block (subject, preheader…) and a body`);
    expect(lines).toContain(`${SERIES}/04-why-records-matter.md: the file is 321 KB; the limit is 256 KB (an email past ~100 KB is clipped by Gmail)`);
    expect(lines).toContain(`${SERIES}/06-folder.md: a directory, where a text file is expected`);
    expect(lines.filter((l) => l.startsWith(`${SERIES}/07-bomb.md:`))).toHaveLength(7);
    // 05 is the untouched original: it has no problem.
    expect(lines.some((l) => l.includes('05-'))).toBe(false);
  });
});

describe('build and check with hostile content', () => {
  it('build is refused with every file problem listed, nothing written, no stack trace', async () => {
    const root = tempProject();
    const dir = join(root, SERIES);
    writeFileSync(join(dir, '01-what-coaching-is.md'), lesson(`${head}\n${laughs()}`));
    writeFileSync(
      join(dir, '02-what-the-evidence-shows.md'),
      lesson(`${head.replace('0d', '2d')}\n__proto__: { polluted: true }\nconstructor: { prototype: { polluted: true } }`),
    );
    writeFileSync(join(dir, '03-coaching-vs-therapy.md'), Buffer.from([0x00, 0x01, 0x02, 0xff]));
    writeFileSync(join(dir, '04-why-records-matter.md'), lesson(`${head}\ncta: ${'['.repeat(7000)}${']'.repeat(7000)}`));
    writeFileSync(join(dir, 'series.yaml'), `${readFileSync(join(dir, 'series.yaml'), 'utf8')}\n__proto__: { polluted: true }\n`);
    const r = await runCli(['build', '--root', root]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^Build refused: nothing was written \(\d+ problems\):/);
    for (const fragment of [
      '01-what-coaching-is.md:7: Excessive alias count',
      '02-what-the-evidence-shows.md:5: unknown key "__proto__"',
      '02-what-the-evidence-shows.md:6: unknown key "constructor"',
      '03-coaching-vs-therapy.md:1: binary data (NUL bytes), not a text file',
      '04-why-records-matter.md:5: ',
      'series.yaml:',
      'unknown key "__proto__" (allowed: title',
    ]) {
      expect(r.err, fragment).toContain(fragment);
    }
    expect(r.err).not.toMatch(/unexpected error|\n\s+at .*:\d+:\d+/);
    expect(existsSync(join(root, 'previews'))).toBe(false);
  });

  it('a config with prototype keys stops the build with the keys named', async () => {
    const root = tempProject();
    const file = join(root, 'coursemail.config.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^\{/, '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}},'));
    expect(() => loadConfig(root)).toThrow(/unknown key\(s\) "__proto__", "constructor"/);
    const r = await runCli(['build', '--root', root]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('unknown key(s) "__proto__", "constructor" [(root)]');
    expect(existsSync(join(root, 'previews'))).toBe(false);
  });

  it('a Markdown nesting bomb fails only its own lesson; the BOM + CRLF lessons around it render and pass the guard', async () => {
    // Every link:NAME with a URL, so the only output is the problem.
    const root = tempProject({
      config: (c) =>
        Object.assign(c.links as object, { 'burnout-solutions': 'https://coach.org/burnout', compartmentalization: 'https://coach.org/compartmentalization' }),
    });
    const dir = join(root, SERIES);
    for (const name of readdirSync(dir).filter((f) => f.endsWith('.md'))) {
      writeFileSync(join(dir, name), `\ufeff${readFileSync(join(dir, name), 'utf8').replace(/\r?\n/g, '\r\n')}`);
    }
    const two = join(dir, '02-what-the-evidence-shows.md');
    const frontmatter = readFileSync(two, 'utf8').split('\r\n---\r\n')[0];
    writeFileSync(two, `${frontmatter}\r\n---\r\n\r\n${'>'.repeat(50_000)} deep\r\n`);
    const r = await runCli(['check', '--root', root]);
    expect(r.code).toBe(1);
    expect(r.err.split('\n')).toEqual([
      'Check failed (1 problem):',
      `  ✗ ${SERIES}/02-what-the-evidence-shows.md: rendering failed: the Markdown is nested too deeply (quotes, lists or HTML thousands of levels deep)`,
    ]);
  });
});

describe('hostile broadcast files', () => {
  it('a directory named x.md, a binary file and a non-UTF-8 file are problems naming the file, not crashes', async () => {
    const root = tempProject();
    mkdirSync(join(root, 'broadcasts/folder.md'), { recursive: true });
    writeFileSync(join(root, 'broadcasts/binary.md'), Buffer.from([0x2d, 0x2d, 0x2d, 0x0a, 0x00, 0x01, 0x02]));
    writeFileSync(join(root, 'broadcasts/latin1.md'), Buffer.from('---\nsubject: M\xfcller\n---\n', 'latin1'));
    const project = await loadProject(root);
    const cases: [string, string][] = [
      ['folder', 'a directory'],
      ['binary', 'binary data'],
      ['latin1', 'not UTF-8'],
    ];
    for (const [slug, says] of cases) {
      const draft = await loadBroadcast(project, slug);
      expect(draft.built, slug).toBeUndefined();
      expect(draft.problems[0]?.file, slug).toBe(`broadcasts/${slug}.md`);
      expect(draft.problems[0]?.message, slug).toContain(says);
    }
  });
});
