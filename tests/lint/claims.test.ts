import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildSeries, loadProject } from '../../src/build/index.ts';
import { CLAIM_RULES, claimRules, lintClaims } from '../../src/lint/index.ts';
import { startPreview, type RunningPreview } from '../../src/server/preview/index.ts';
import { runCli, tempProject } from '../support/project.ts';

const FILE = 'series/x/01-seeded.md';
const rules = claimRules().rules;

/** A lesson with one listed phrase a line, each at a known line number. */
const SEEDED = [
  '---', // 1
  'subject: "A proven way through burnout"', // 2
  'preheader: "Results guaranteed, or your time back."', // 3
  '---', // 4
  '', // 5
  'Coaching cures exhaustion.', // 6
  'Coaching treats burnout at its root.', // 7
  'A good coach can diagnose what is wrong.', // 8
  'It creates no record at all.', // 9
  'It is a records-free option.', // 10
  'There is nothing to disclose.', // 11
  'It helped 100% of the physicians we coached.', // 12
  'This always works, for everyone.', // 13
].join('\n');

describe('the claims lint', () => {
  it('flags each listed phrase in a seeded lesson, with file:line and the reason', () => {
    const findings = lintClaims(SEEDED, FILE, rules);
    expect(findings.map((f) => [f.line, f.rule, f.phrase])).toEqual([
      [2, 'proven', 'proven'],
      [3, 'guarantee', 'guaranteed'],
      [6, 'cure', 'cures'],
      [7, 'treat', 'treats'],
      [8, 'diagnose', 'diagnose'],
      [9, 'no record', 'no record'],
      [10, 'records-free', 'records-free'],
      [11, 'nothing to disclose', 'nothing to disclose'],
      [12, '100%', '100%'],
      [13, 'always/never works', 'always works'],
    ]);
    expect(new Set(findings.map((f) => f.rule))).toEqual(new Set(CLAIM_RULES.map((r) => r.id)));
    for (const f of findings) {
      expect(f.file).toBe(FILE);
      expect(f.reason.length).toBeGreaterThan(10);
      expect(f.accepted).toBeUndefined();
    }
  });

  it('leaves negations, therapy and "no medical record" alone', () => {
    const text = [
      'It is not diagnosis. It is not treatment.',
      'Coaching is not licensed clinical treatment.',
      'Therapy can assess and treat conditions like depression.',
      'Coaching creates no diagnosis code and no medical record.',
      'A coach does not diagnose.',
      'Coaching is not a cure, and no outcome can be guaranteed.',
      'It addresses how you lead — not the treatment of a condition.',
    ].join('\n');
    expect(lintClaims(text, FILE, rules)).toEqual([]);
  });

  it('a negation in another clause, or far before, does not excuse a claim', () => {
    const text = [
      'This is not a soft claim: coaching is proven.',
      'It is not a retreat, and coaching treats burnout.',
      'Nothing about this is hard, because coaching is a well established and reliable cure.',
    ].join('\n');
    expect(lintClaims(text, FILE, rules).map((f) => [f.line, f.rule])).toEqual([
      [1, 'proven'],
      [2, 'treat'],
      [3, 'cure'],
    ]);
  });

  it('honours <!-- claim-ok: why --> for its own sentence only, and keeps the why', () => {
    const text =
      'Coaching is proven. <!-- claim-ok: quoting the trial’s title --> It is records-free.\nThe result is guaranteed <!-- claim-ok: a line from a patient letter --> by nobody.\nAn empty marker is no reason: proven. <!-- claim-ok: -->';
    const findings = lintClaims(text, FILE, rules);
    expect(findings.map((f) => [f.line, f.rule, f.accepted])).toEqual([
      [1, 'proven', 'quoting the trial’s title'],
      [1, 'records-free', undefined],
      [2, 'guarantee', 'a line from a patient letter'],
      [3, 'proven', undefined],
    ]);
  });

  it('takes phrases added in config and leaves out the rules config removes', () => {
    const { rules: custom, problems } = claimRules({
      add: ['life-changing', { phrase: 'evidence  based', reason: 'say which evidence' }],
      remove: ['proven', '100%'],
    });
    expect(problems).toEqual([]);
    const findings = lintClaims('A proven, life-changing, Evidence based programme that helps 100% of us.', FILE, custom);
    expect(findings.map((f) => [f.rule, f.phrase, f.reason])).toEqual([
      ['life-changing', 'life-changing', 'a phrase this project flags (lint.claims.add)'],
      ['evidence  based', 'Evidence based', 'say which evidence'],
    ]);
    expect(claimRules({ add: [], remove: ['prooven'] }).problems).toEqual([expect.stringContaining('"prooven" is not a claims rule')]);
  });
});

describe('coursemail check runs the claims lint', () => {
  it('passes the shipped course and broadcast with no claim warnings', async () => {
    const root = tempProject({ shipped: true });
    expect(readFileSync(join(root, 'broadcasts/welcome-new-article.md'), 'utf8')).toContain('composite');
    const { code, out, err } = await runCli(['check', '--root', root]);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).not.toMatch(/claim/i);
  });

  it('lists seeded claims with file:line as warnings (exit 0), honours claim-ok, and takes words added in config', async () => {
    const root = tempProject({ broadcasts: true, config: (c) => (c.lint = { claims: { add: ['life-changing'] } }) });
    const lesson = join(root, 'series/physician-coaching/03-coaching-vs-therapy.md');
    const lines = readFileSync(lesson, 'utf8').split('\n');
    const at = lines.indexOf('Neither is "better." They do different jobs.');
    lines[at] = 'Coaching is a proven, life-changing treatment for burnout. Results are guaranteed. <!-- claim-ok: the author’s own quotation -->';
    writeFileSync(lesson, lines.join('\n'));
    writeFileSync(
      join(root, 'broadcasts/welcome-new-article.md'),
      readFileSync(join(root, 'broadcasts/welcome-new-article.md'), 'utf8').replace('Thank you for reading', 'It creates no record. Thank you for reading'),
    );
    const { code, out } = await runCli(['check', '--root', root]);
    expect(code).toBe(0);
    const where = `series/physician-coaching/03-coaching-vs-therapy.md:${at + 1}`;
    expect(out).toContain('Claims to check (4 warnings');
    expect(out).toContain(`${where}: “proven”`);
    expect(out).toContain(`${where}: “life-changing”`);
    expect(out).toContain(`${where}: “treatment” — a clinical claim`);
    expect(out).toMatch(/broadcasts\/welcome-new-article\.md:\d+: “no record”/);
    expect(out).not.toContain('“guaranteed”');
    expect(out).toContain('1 claim marked claim-ok');
  });

  it('keeps claim-ok markers out of the email a reader gets', async () => {
    const root = tempProject();
    const lesson = join(root, 'series/physician-coaching/03-coaching-vs-therapy.md');
    writeFileSync(
      lesson,
      readFileSync(lesson, 'utf8')
        .replace('They do different jobs.', 'They do different jobs. <!-- claim-ok: a private note -->')
        .replace(/^preheader: "(.*)"$/m, 'preheader: "$1 <!-- claim-ok: another note -->"'),
    );
    const { built } = await buildSeries(await loadProject(root), 'physician-coaching');
    const lesson3 = built!.steps[2]!.message;
    expect(lesson3.html).toContain('They do different jobs.');
    expect(lesson3.preheader).toBe('What each one is for, and what to do when the need is clinical.');
    expect(lesson3.html + lesson3.text + lesson3.preheader).not.toMatch(/claim-ok|a private note|another note/);
  });
});

describe("the preview's lint panel shows claims", () => {
  let preview: RunningPreview | undefined;
  afterAll(async () => preview?.close());

  it('lists an open claim with file:line, and a claim-ok one with its why', async () => {
    const root = tempProject();
    const lesson = join(root, 'series/physician-coaching/03-coaching-vs-therapy.md');
    writeFileSync(
      lesson,
      readFileSync(lesson, 'utf8').replace('They do different jobs.', 'Coaching is proven. Results are guaranteed. <!-- claim-ok: quoting a reader -->'),
    );
    preview = await startPreview({ root, port: 0 });
    const page = await (await fetch(`${preview.url}/series/physician-coaching/3`)).text();
    const panel = page.slice(page.indexOf('data-testid="lint"'), page.indexOf('</section>', page.indexOf('data-testid="lint"')));
    expect(panel).toMatch(/<li data-rule="claim">.*series\/physician-coaching\/03-coaching-vs-therapy\.md:\d+: “proven”/);
    expect(panel).toMatch(/<li data-rule="claim" data-accepted="true">.*claim-ok.*“guaranteed” — quoting a reader/);
  });
});
