import { decodeHTML } from 'entities';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSeries, loadProject } from '../../src/build/index.ts';
import { runNew } from '../../src/cli/commands/new.ts';
import { DEFAULT_WORDS, draftSeries } from '../../src/draft/index.ts';
import { compileMessage, personalize } from '../../src/personalize/index.ts';
import { CoursemailError } from '../../src/shared/index.ts';
import { runCli } from '../support/project.ts';
import { bodyOf, draftText, projects } from './support.ts';

const newProject = projects();
const quiet = { out: () => {}, err: () => {} };
const draftBytes = (bytes: Uint8Array, fileName = 'article.md') => draftSeries(bytes, { fileName, engine: 'react', every: '2d', words: DEFAULT_WORDS });

function refusal(fn: () => unknown): CoursemailError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CoursemailError);
    return err as CoursemailError;
  }
  throw new Error('expected a refusal');
}

const sentence = (i: number) => `Sentence ${i} is about rest after a long call shift, written in plain words.`;
const paragraphs = (n: number, from = 0) => Array.from({ length: n }, (_, p) => Array.from({ length: 6 }, (_, s) => sentence((from + p) * 6 + s)).join(' '));

describe('inputs that are not a usable article get a clear message', () => {
  it.each([
    ['an empty file', '', /has no text to turn into lessons \(the file is empty\)/],
    ['only blank lines', ' \n\n\t\n', /the file is empty/],
    ['only frontmatter', '---\ntitle: Nothing yet\n---\n', /only frontmatter/],
    ['only headings', '# Title\n\n## One\n\n## Two\n', /no prose to turn into lessons/],
    [
      'only a disclaimer',
      'Disclaimer: this article is not medical advice.\n',
      /no prose to turn into lessons: nothing is left but headings, a disclaimer or navigation/,
    ],
  ])('%s', (_, text, message) => {
    const err = refusal(() => draftText(text));
    expect(err.code).toBe('draft.empty');
    expect(err.message).toMatch(message);
  });

  it('a binary file (a PNG) is refused by its NUL bytes', () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
    const err = refusal(() => draftBytes(png, 'photo.md'));
    expect(err.code).toBe('draft.binary');
    expect(err.message).toMatch(/photo\.md is a binary file/);
  });

  it('invalid UTF-8 (a Windows-1252 file) and UTF-16 are refused with what to do', () => {
    const latin1 = new Uint8Array([...new TextEncoder().encode('Caf'), 0xe9, ...new TextEncoder().encode(' au lait\n')]);
    expect(refusal(() => draftBytes(latin1)).message).toMatch(/not valid UTF-8 .*Save it as UTF-8/);
    const utf16 = new Uint8Array([0xff, 0xfe, 0x48, 0x00, 0x69, 0x00]);
    expect(refusal(() => draftBytes(utf16)).message).toMatch(/UTF-16 text; save it as UTF-8/);
  });

  it('a 5 MB article is refused by its word count, before any parsing', () => {
    const big = new TextEncoder().encode(paragraphs(12_000).join('\n\n'));
    expect(big.length).toBeGreaterThan(5 * 1024 * 1024);
    const err = refusal(() => draftBytes(big));
    expect(err.code).toBe('draft.too-long');
    expect(err.message).toMatch(/has about 1,008,000 words; a course of at most 99 lessons of 450 words holds 44,550/);
  });

  it('a 5 MB HTML page that is mostly script drafts normally, the script dropped', () => {
    const html = `<html><head><script>${'var tracker = 1;'.repeat(330_000)}</script></head><body><article><h1>Rest</h1><p>${paragraphs(3).join('</p><p>')}</p><h2>Second part</h2><p>${paragraphs(3, 3).join('</p><p>')}</p></article></body></html>`;
    expect(html.length).toBeGreaterThan(5 * 1024 * 1024);
    const draft = draftBytes(new TextEncoder().encode(html), 'page.html');
    expect(draft.lessons.map((l) => l.subject)).toEqual(['Rest', 'Second part']);
    expect(draft.lessons.map((l) => l.content).join('')).not.toContain('tracker');
  });
});

describe('an article without headings', () => {
  it('is cut by the word budget at paragraph boundaries, titled from its first sentence (never the file name), with warnings', () => {
    const draft = draftText(paragraphs(12).join('\n\n'), { fileName: 'rest-after-call.txt' });
    const title = 'Sentence 0 is about rest after a long call shift, written…';
    expect(draft.title).toBe(title);
    expect(draft.lessons.map((l) => l.subject)).toEqual([`${title} (1/3)`, `${title} (2/3)`, `${title} (3/3)`]);
    for (const l of draft.lessons) expect(l.subject).not.toMatch(/rest-after-call|Rest after call/);
    expect(draft.warnings).toContainEqual(expect.stringContaining('the article has no title'));
    expect(draft.lessons.map((l) => l.words)).toEqual([84 * 4, 84 * 4, 84 * 4]);
    expect(draft.warnings).toContainEqual(expect.stringMatching(/no section headings found, so the text was cut by the word budget into 3 lessons/));
  });

  it('a single giant paragraph is cut between sentences', () => {
    const draft = draftText(paragraphs(12).join(' '), { fileName: 'rest.txt' });
    expect(draft.lessons).toHaveLength(3);
    for (const lesson of draft.lessons) {
      expect(lesson.words).toBeLessThanOrEqual(450);
      expect(bodyOf(lesson.content).trim()).toMatch(/plain words\.$/);
    }
  });

  it('a short one becomes one lesson, named from its text and not its file name', () => {
    const draft = draftText(paragraphs(1).join(''), { fileName: 'short-note.md' });
    expect(draft.lessons.map((l) => [l.subject, l.delay])).toEqual([['Sentence 0 is about rest after a long call shift, written…', '0d']]);
  });
});

describe('placeholders', () => {
  it('literal {{…}} from the article is escaped (an unclosed one split by a zero-width space), and the result passes `coursemail check`', async () => {
    const article = `# Templates\n\nOur discharge letters use fields like {{patientName}} and {{ward}}, and an unclosed {{ now and then. ${paragraphs(1).join('')}\n`;
    const root = newProject();
    const file = join(root, 'templates.md');
    writeFileSync(file, article);
    runNew({ root, id: 'templates', from: file, every: '2d', engine: 'react', force: false }, quiet);
    const [lesson] = readdirSync(join(root, 'series/templates')).filter((f) => f.endsWith('.md'));
    const content = readFileSync(join(root, 'series/templates', lesson!), 'utf8');
    expect(content).toContain('fields like \\{{patientName}} and \\{{ward}}, and an unclosed {\u200b{ now');
    expect(content.match(/(?<!\\)\{\{/g)).toEqual(['{{', '{{', '{{', '{{']); // only the greeting's
    const { code, err } = await runCli(['check', '--root', root, '--series', 'templates']);
    expect(err).toBe('');
    expect(code).toBe(0);
    // What a reader gets: the braces as written, the greeting filled.
    const { built } = await buildSeries(await loadProject(root), 'templates');
    const message = built!.steps[0]!.message;
    const filled = personalize(compileMessage(message), { firstName: 'Ana', unsubscribeUrl: 'https://u.example/x', preferencesUrl: 'https://p.example/x' });
    // The HTML as a mail client reads it: references (the zero-width space's `&#8203;`) decoded.
    for (const part of [filled.text, decodeHTML(filled.html)]) {
      expect(part).toContain('Hi Ana,');
      // The plain-text converter reads the zero-width space as a space: still no placeholder.
      expect(part.replace(/\s+/g, ' ')).toMatch(/fields like \{\{patientName\}\} and \{\{ward\}\}, and an unclosed \{[\u200b ]\{ now/);
    }
  });
});

describe('a failed run leaves nothing behind', () => {
  it('a binary input writes no series folder', () => {
    const root = newProject();
    const file = join(root, 'scan.md');
    writeFileSync(file, new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x00, 0x01]));
    expect(() => runNew({ root, id: 'scan', from: file, every: '2d', engine: 'react', force: false }, quiet)).toThrow(/binary file/);
    expect(existsSync(join(root, 'series'))).toBe(false);
  });
});
