import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeHTML } from 'entities';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSeries, loadProject } from '../../src/build/index.ts';
import { linkResolver, loadConfig } from '../../src/config/index.ts';
import { FIXTURE, REPO, runCli, SHIPPED_BROADCAST, SHIPPED_SERIES, tempProject } from '../support/project.ts';

const collapse = (s: string) => s.replace(/\s+/g, ' ');
/** What a reader sees of some HTML: tags gone, entities decoded, whitespace collapsed. */
const visible = (html: string) => collapse(decodeHTML(html.replace(/<[^>]+>/g, ' ')));

/** FACTS.md's five trials: first author as cited, journal abbreviation, year, sample size. */
const TRIALS = [
  { author: 'Dyrbye LN', journal: 'JAMA Intern Med', year: '2019', n: '88', pilot: true },
  { author: 'McGonagle AK', journal: 'J Occup Health Psychol', year: '2020', n: '59', pilot: false },
  { author: 'Fainstad T', journal: 'JAMA Netw Open', year: '2022', n: '101', pilot: true },
  { author: 'Mann A', journal: 'JAMA Netw Open', year: '2023', n: '1,017', pilot: false },
  { author: 'Kiser SB', journal: 'JAMA Netw Open', year: '2024', n: '138', pilot: false },
];

const NOT_LEGAL_ADVICE = "This is not legal advice: read each form's exact wording, and ask your own counsel or your state's Physician Health Program.";

describe('the built course says what FACTS.md says', () => {
  let dir = '';
  const built = (name: string) => readFileSync(join(dir, name), 'utf8');
  beforeAll(async () => {
    const root = tempProject({ shipped: true });
    const { code, err } = await runCli(['build', '--root', root]);
    expect(err).toBe('');
    expect(code).toBe(0);
    dir = join(root, 'previews/physician-coaching');
  });

  it('lesson 2 cites each of the five trials with its first author, journal, year and sample size, in one list item', () => {
    const html = built('02-what-the-evidence-shows.html');
    const items = [...html.matchAll(/<li\b[^>]*>([\s\S]*?)<\/li>/g)].map((m) => visible(m[1] as string));
    const text = collapse(built('02-what-the-evidence-shows.txt'));
    for (const t of TRIALS) {
      const item = items.find((i) => i.includes(t.author));
      expect(item, t.author).toBeDefined();
      for (const needle of [t.journal, `${t.year};`, `${t.n} `]) expect(item, `${t.author}: ${needle}`).toContain(needle);
      // "Pilot" where the paper says so, and only there.
      expect(/\bpilot\b/i.test(item as string), `${t.author} pilot`).toBe(t.pilot);
      for (const needle of [t.author, t.journal, `${t.year};`, `${t.n} `]) expect(text, `text: ${t.author} ${needle}`).toContain(needle);
    }
    // Dyrbye's absolute rates are changes in percentage points, not relative changes.
    const dyrbye = items.find((i) => i.includes('Dyrbye LN')) as string;
    expect(dyrbye).toMatch(/19\.5 percentage points/);
    expect(dyrbye).toMatch(/17\.1 percentage points/);
    expect(dyrbye).not.toMatch(/19\.5\s*%/);
  });

  it('lesson 2 marks the resilience-training sentence as the coach’s view, not a finding', () => {
    const text = collapse(built('02-what-the-evidence-shows.txt'));
    expect(text).not.toMatch(/where generic resilience training tends to fail/);
    expect(text).toContain('My own view, not a trial finding');
  });

  it('lesson 4 carries the not-legal-advice line word for word, in HTML and text', () => {
    expect(visible(built('04-why-records-matter.html')).replace(/&#x27;|’/g, "'")).toContain(NOT_LEGAL_ADVICE);
    expect(collapse(built('04-why-records-matter.txt'))).toContain(NOT_LEGAL_ADVICE);
    const text = collapse(built('04-why-records-matter.txt'));
    for (const needle of [
      'no diagnosis code',
      'no medical record',
      'no insurance claim',
      'current impairment',
      'Federation of State Medical Boards (FSMB)',
      'Coaching does not change what a form asks',
    ])
      expect(text).toContain(needle);
    expect(text).not.toMatch(/nothing to disclose/i);
  });

  it('lesson 5 says "no medical record", never "no record" or "records-free"', () => {
    const text = collapse(built('05-the-bottom-line.txt'));
    expect(text).toContain('no medical record');
    expect(text).not.toMatch(/\bno record\b|records-free/i);
  });

  it('each lesson is signed by the coach from config, who is also named in the footer', () => {
    for (const file of ['01-what-coaching-is', '02-what-the-evidence-shows', '03-coaching-vs-therapy', '04-why-records-matter', '05-the-bottom-line']) {
      const text = collapse(built(`${file}.txt`));
      expect(text, file).toContain('— Dr. Sam Example, MD, certified physician coach');
      expect(text, file).toContain('Sent by Dr. Sam Example, MD, certified physician coach · Physician Coaching Practice <coach@example.com>');
      expect(visible(built(`${file}.html`)), file).toContain(
        'Sent by Dr. Sam Example, MD, certified physician coach · Physician Coaching Practice <coach@example.com>',
      );
    }
  });

  it('every link: in the course and the broadcast names a URL in config, and the broadcast button goes to its article', () => {
    const resolve = linkResolver(loadConfig(FIXTURE));
    const series = join(REPO, SHIPPED_SERIES);
    const files = [
      ...readdirSync(series)
        .filter((f) => f.endsWith('.md'))
        .map((f) => join(series, f)),
      join(REPO, SHIPPED_BROADCAST),
    ];
    let names = 0;
    for (const file of files) {
      for (const m of readFileSync(file, 'utf8').matchAll(/link:([\w-]+)/g)) {
        names++;
        expect(resolve(m[1] as string), `${file}: link:${m[1]}`).toMatch(/^https:\/\//);
      }
    }
    expect(names).toBeGreaterThanOrEqual(5);
    const broadcast = readFileSync(join(REPO, SHIPPED_BROADCAST), 'utf8');
    expect(resolve(/href: "link:([\w-]+)"/.exec(broadcast)![1]!)).toBe('https://example.com/what-a-coaching-conversation-sounds-like');
    expect(broadcast).toMatch(/composite/);
    expect(built('02-what-the-evidence-shows.html')).toContain('href="https://example.com/physician-burnout-solutions-that-work"');
  });
});

describe('the coach key in config', () => {
  it('without a coach, lessons are unsigned and "Sent by" names the sender alone', async () => {
    const root = tempProject({ config: (c) => delete c.coach });
    const { built, problems } = await buildSeries(await loadProject(root), 'physician-coaching');
    expect(problems).toEqual([]);
    const text = collapse(built!.steps[0]!.message.text);
    expect(text).not.toContain('Dr. Sam Example');
    expect(text).toContain('Sent by Physician Coaching Practice <coach@example.com>');
  });

  it('a name that could be read as a placeholder or markup is refused, naming the field', async () => {
    const root = tempProject({ config: (c) => (c.coach = { name: 'Dr. {{firstName}}', credentials: 'MD', title: 'x' }) });
    const { code, err } = await runCli(['check', '--root', root]);
    expect(code).toBe(1);
    expect(err).toContain('coach name cannot contain { } < > [coach.name]');
    expect(err).toContain('unknown key(s) "title" [coach]');
  });

  it('Markdown characters in the name are shown as typed', async () => {
    const root = tempProject({ config: (c) => (c.coach = { name: 'Dr. *Sam* [Example]', credentials: 'MD_PCC' }) });
    const { built } = await buildSeries(await loadProject(root), 'physician-coaching');
    expect(collapse(built!.steps[0]!.message.text)).toContain('— Dr. *Sam* [Example], MD_PCC');
  });
});
