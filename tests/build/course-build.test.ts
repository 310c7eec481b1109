import { readFileSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSeries, loadProject } from '../../src/build/index.ts';
import { complianceChecklist } from '../../src/render/guard.ts';
import { CRISIS_LINE, DISCLAIMER } from '../../src/render/footer.ts';
import { runCli, tempProject } from '../support/project.ts';

const collapse = (s: string) => s.replace(/\s+/g, ' ');

describe('coursemail build on the physician-coaching series', () => {
  it('writes 5 lessons in order on days 0, 2, 4, 7, 10 with a manifest', async () => {
    // Every link:NAME the lessons use has a URL: no warnings.
    const root = tempProject({
      config: (c) =>
        Object.assign(c.links as object, { 'burnout-solutions': 'https://coach.org/burnout', compartmentalization: 'https://coach.org/compartmentalization' }),
    });
    const { code, err } = await runCli(['build', '--root', root]);
    expect(err).toBe('');
    expect(code).toBe(0);
    const dir = join(root, 'previews', 'physician-coaching');
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(manifest.series).toBe('physician-coaching');
    expect(manifest.steps.map((s: { delay: string }) => s.delay)).toEqual(['0d', '2d', '2d', '3d', '3d']);
    expect(manifest.steps.map((s: { offsetMinutes: number }) => s.offsetMinutes / 1440)).toEqual([0, 2, 4, 7, 10]);
    expect(manifest.steps.map((s: { step: number }) => s.step)).toEqual([1, 2, 3, 4, 5]);
    for (const s of manifest.steps) {
      expect(s.subject.length).toBeGreaterThan(10);
      expect(s.preheader.length).toBeGreaterThan(10);
      expect(s.html).toMatch(/^0\d-[a-z0-9-]+\.html$/);
      const html = readFileSync(join(dir, s.html), 'utf8');
      const text = readFileSync(join(dir, s.text), 'utf8');
      expect(Buffer.byteLength(html)).toBe(s.htmlBytes);
      // The full footer, word for word, in both parts.
      for (const part of [collapse(text), collapse(html.replace(/<[^>]+>/g, ' ').replace(/&amp;/g, '&'))]) {
        expect(part).toContain(collapse(DISCLAIMER));
        expect(part).toContain(collapse(CRISIS_LINE));
        expect(part).toContain('100 Example Street, Suite 200, Springfield, IL 62701, USA');
        expect(part).toContain('Physician Coaching Practice');
      }
      expect(html).toContain('href="{{unsubscribeUrl}}"');
      expect(text).toContain('{{unsubscribeUrl}}');
      expect(html).toMatch(/<html[^>]*lang="en"/);
    }
  });

  it('the day-2 lesson gives the trials’ numbers and keeps the caveat', async () => {
    const root = tempProject();
    const project = await loadProject(root);
    const { built } = await buildSeries(project, 'physician-coaching');
    const day2 = built!.steps.find((s) => s.step.offsetMinutes === 2 * 1440)!;
    const text = collapse(day2.message.text);
    for (const needle of [
      'Dyrbye',
      'JAMA Intern',
      '2019',
      '88 volunteer physicians',
      '5.2',
      '1.5',
      '19.5',
      '9.8',
      '17.1',
      '4.9',
      'McGonagle',
      '59',
      'Fainstad',
      '101',
      '2024',
      '138',
    ]) {
      expect(text, needle).toContain(needle);
    }
    expect(text).toMatch(/small/i);
    expect(text).toMatch(/volunteer/i);
    expect(text).toMatch(/not a substitute for clinical care/i);
  });

  it('builds the same series with the MJML engine and it passes the same guard', async () => {
    const root = tempProject();
    const project = await loadProject(root);
    const { built, problems } = await buildSeries(project, 'physician-coaching', { engine: 'mjml' });
    expect(problems).toEqual([]);
    expect(built!.engine).toBe('mjml');
    expect(built!.steps).toHaveLength(5);
    for (const s of [...built!.steps, built!.confirm]) {
      expect(s.message.html).toContain('mj-column'); // really MJML output
      expect(
        s.checks.every((c) => c.ok),
        JSON.stringify(s.checks.filter((c) => !c.ok)),
      ).toBe(true);
      expect(collapse(s.message.text)).toContain(collapse(CRISIS_LINE));
    }
  });

  it('a long address (the confirmation’s copy-this-link line, a bare URL in a lesson) breaks anywhere, in both engines; other links keep their words', async () => {
    const root = tempProject();
    const url = 'https://example.com/articles/2026/physician-coaching-is-not-therapy-the-long-version';
    const lessonFile = join(root, 'series/physician-coaching/02-what-the-evidence-shows.md');
    writeFileSync(lessonFile, `${readFileSync(lessonFile, 'utf8')}\nThe whole article: <${url}>\n`);
    const project = await loadProject(root);
    for (const engine of ['react', 'mjml'] as const) {
      const { built, problems } = await buildSeries(project, 'physician-coaching', { engine });
      expect(problems).toEqual([]);
      const anchors = (html: string) => [...html.matchAll(/<a\b[^>]*>[\s\S]*?<\/a>/g)].map((m) => m[0]);
      const address = anchors(built!.confirm.message.html).filter((a) => a.includes('>{{confirmUrl}}<'));
      expect(address, engine).toHaveLength(1);
      expect(address[0]).toMatch(/style="[^"]*word-break:\s*break-all/);
      const lesson = anchors(built!.steps[1]!.message.html);
      expect(
        lesson.find((a) => a.includes(`>${url}<`)),
        engine,
      ).toMatch(/style="[^"]*word-break:\s*break-all/);
      // A link with words for its text is left to wrap between them.
      const worded = lesson.filter((a) => !a.includes(`>${url}<`) && / /.test(a.replace(/<[^>]*>/g, '')));
      expect(worded.length, engine).toBeGreaterThan(0);
      for (const a of worded) expect(a).not.toContain('break-all');
    }
  });

  it('engine: mjml in series.yaml selects MJML without a flag', async () => {
    const root = tempProject();
    const file = join(root, 'series/physician-coaching/series.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^engine: react$/m, 'engine: mjml'));
    const { code } = await runCli(['build', '--root', root]);
    expect(code).toBe(0);
    expect(readFileSync(join(root, 'previews/physician-coaching/01-what-coaching-is.html'), 'utf8')).toContain('mj-column');
  });

  it('cross-references become links when config has their URL and plain text when not', async () => {
    const root = tempProject({ config: (c) => (c.links = { compartmentalization: 'https://example.com/compartmentalization' }) });
    const { built } = await buildSeries(await loadProject(root), 'physician-coaching');
    const all = built!.steps.map((s) => s.message.html).join('\n');
    expect(all).toContain('href="https://example.com/compartmentalization"');
    // No URL in config: the phrase stays, as text, with no dead link.
    expect(all).toContain('physician burnout: solutions that actually work');
    expect(all).not.toMatch(/href="link:/);
    const lesson5 = built!.steps[4]!.message.html;
    expect(lesson5).toContain('href="https://example.com/consultation"');
  });
});

describe('build refuses non-compliant output', () => {
  it('exits non-zero naming what is missing when the layout loses its footer', async () => {
    const root = tempProject({ emails: true });
    const layout = join(root, 'emails/Layout.tsx');
    writeFileSync(layout, readFileSync(layout, 'utf8').replace('<ComplianceFooter footer={footer} />', ''));
    const { code, err } = await runCli(['build', '--root', root]);
    expect(code).not.toBe(0);
    expect(err).toMatch(/disclaimer sentence missing/);
    expect(err).toMatch(/crisis line incomplete/);
    expect(err).toMatch(/one-click unsubscribe link/);
    expect(err).toMatch(/01-what-coaching-is\.md/);
    expect(existsSync(join(root, 'previews/physician-coaching'))).toBe(false);
  });

  it('exits non-zero naming postalAddress when config lacks it', async () => {
    const root = tempProject({ config: (c) => delete c.postalAddress });
    const { code, err } = await runCli(['build', '--root', root]);
    expect(code).toBe(1);
    expect(err).toContain('postalAddress');
    expect(existsSync(join(root, 'previews/physician-coaching'))).toBe(false);
  });

  it('lists every config problem by field in one run', async () => {
    const root = tempProject({
      config: (c) => {
        c.siteUrl = 'not a url';
        (c.sender as Record<string, unknown>).email = 'nope';
        c.colour = 'blue';
      },
    });
    const { code, err } = await runCli(['check', '--root', root]);
    expect(code).toBe(1);
    expect(err).toContain('siteUrl');
    expect(err).toContain('sender.email');
    expect(err).toContain('"colour"');
  });

  it('a message that grows past the HTML budget is refused', async () => {
    const root = tempProject();
    const file = join(root, 'series/physician-coaching/03-coaching-vs-therapy.md');
    writeFileSync(file, `${readFileSync(file, 'utf8')}\n${'A long paragraph of filler words. '.repeat(3500)}\n`);
    const { code, err } = await runCli(['check', '--root', root]);
    expect(code).toBe(1);
    expect(err).toMatch(/03-coaching-vs-therapy\.md: compliance: HTML is \d+\.\d KB of a 90 KB budget/);
  });
});

describe('the engine is not tied to one article', () => {
  it('builds a second, 3-lesson series from a fixture without code changes', async () => {
    const root = tempProject({ series: false });
    const dir = join(root, 'series/night-shift-sleep');
    const lesson = (subject: string, delay: string, body: string) =>
      `---\nsubject: ${subject}\npreheader: A short note about ${subject.toLowerCase()}\ndelay: ${delay}\n---\n\n${body}\n`;
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'series.yaml'),
      'title: Sleep after night shifts\ndescription: Three notes for nurses.\nengine: mjml\ntimezone: Europe/London\nsendWindow:\n  start: "18:00"\n  end: "20:00"\n  days: [mon, wed, fri]\n',
    );
    writeFileSync(join(dir, '01-anchor-sleep.md'), lesson('Anchor sleep', '0d', 'Hello {{firstName}}.\n\nKeep one block of sleep fixed.'));
    writeFileSync(join(dir, '02-light.md'), lesson('Light and dark', '1d 12h', '## Light\n\nDark curtains help.'));
    writeFileSync(join(dir, '03-caffeine.md'), lesson('Caffeine timing', '2d', 'Stop caffeine six hours before sleep.'));
    const { code, err } = await runCli(['build', '--root', root]);
    expect(err).toBe('');
    expect(code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(root, 'previews/night-shift-sleep/manifest.json'), 'utf8'));
    expect(manifest.steps.map((s: { slug: string }) => s.slug)).toEqual(['anchor-sleep', 'light', 'caffeine']);
    expect(manifest.steps.map((s: { offsetMinutes: number }) => s.offsetMinutes)).toEqual([0, 2160, 5040]);
    expect(manifest.sendWindow).toEqual({ start: '18:00', end: '20:00', days: ['mon', 'wed', 'fri'] });
    const text = readFileSync(join(root, 'previews/night-shift-sleep/02-light.txt'), 'utf8');
    expect(text).toContain('Light'); // heading kept, not upper-cased
    expect(text).not.toContain('LIGHT');
    expect(collapse(text)).toContain(collapse(CRISIS_LINE));
    rmSync(root, { recursive: true, force: true });
  });
});

describe('guard over built output', () => {
  it('every built message and the confirmation pass every rule', async () => {
    const project = await loadProject(tempProject());
    const { built } = await buildSeries(project, 'physician-coaching');
    for (const m of [...built!.steps, built!.confirm]) {
      const checks = complianceChecklist(m.message, {
        footer: { senderName: 'Physician Coaching Practice', postalAddress: project.config.postalAddress },
        unsubscribeUrl: '{{unsubscribeUrl}}',
      });
      expect(checks.map((c) => c.rule)).toEqual([
        'plain-text',
        'disclaimer',
        'crisis-line',
        'sender',
        'postal-address',
        'footer-placement',
        'safe-html',
        'unsubscribe',
        'html-size',
        'footer-position',
      ]);
      expect(checks.filter((c) => !c.ok)).toEqual([]);
    }
    expect(built!.confirm.message.html).toContain('{{confirmUrl}}');
  });
});

describe('coursemail check output', () => {
  it('prints each series id as written (lower case), not capitalised', async () => {
    const root = tempProject();
    const { code, out } = await runCli(['check', '--root', root]);
    expect(code).toBe(0);
    expect(out.split('\n')[0]).toMatch(/^physician-coaching: 5 lessons \+ confirmation, every message passes the compliance guard/);
  });
});
