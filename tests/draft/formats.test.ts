import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runNew } from '../../src/cli/commands/new.ts';
import { runCli } from '../support/project.ts';
import { bodyOf, draftFixture, draftText, fixture, projects } from './support.ts';

const newProject = projects();
const quiet = { out: () => {}, err: () => {} };

describe('Markdown article (made up: sleep after night shifts)', () => {
  const draft = draftFixture('night-shift-sleep.md');
  const bodies = draft.lessons.map((l) => bodyOf(l.content));

  it('takes the lone # heading as the title and splits at ##, merging the short section and cutting the long one', () => {
    expect(draft.format).toBe('markdown');
    expect(draft.title).toBe('Sleep After Night Shifts');
    expect(draft.lessons.map((l) => l.subject)).toEqual([
      'Sleep after night shifts',
      'Light and dark',
      'A week of night shifts (1/2)',
      'A week of night shifts (2/2)',
      'Naps',
    ]);
    // Merge: "Caffeine" (25 words) is under the 50-word minimum and joins the section before it.
    expect(bodies[1]).toContain('## Caffeine');
    expect(bodies[1]).toContain('Stop about six hours before you plan to sleep');
    // Split: "A week of night shifts" (482 words) is over 450 and is cut between paragraphs.
    expect(bodies[2]).toMatch(/a person at home in daylight is available\.\n$/);
    expect(bodies[3]).toMatch(/^\n\{\{#if firstName\}\}.*\n\nThe drive home deserves its own plan\./);
    expect(bodies[3]).toContain('\n\n### The day off after the last night\n\n');
    for (const lesson of draft.lessons) expect(lesson.words).toBeLessThanOrEqual(450);
    expect(draft.lessons[2]!.words + draft.lessons[3]!.words).toBe(482);
  });

  it('keeps Markdown links with their URLs and drops the raw <script>', () => {
    expect(bodies[0]).toContain('[NIOSH training for nurses on shift work](https://www.cdc.gov/niosh/work-hour-training-for-nurses/)');
    expect(draft.lessons.map((l) => l.content).join('\n')).not.toMatch(/script|trackPageView/);
    expect(draft.linksTodo).toEqual([]);
  });

  it('turns "Read more [here](url)." into a button to that URL, and drops the disclaimer and share/read-next block', () => {
    expect(draft.lessons[4]!.cta).toEqual({ text: 'Read more', href: 'https://example.org/articles/night-shift-naps' });
    expect(bodies[4]).not.toContain('Read more');
    const all = bodies.join('\n');
    for (const gone of ['Disclaimer', 'informational purposes', 'Share this article', 'LinkedIn', 'Read next', 'Eating on nights'])
      expect(all).not.toContain(gone);
  });
});

describe('HTML article (made up: safer handoffs)', () => {
  const draft = draftFixture('safer-handoffs.html');
  const bodies = draft.lessons.map((l) => bodyOf(l.content));

  it('reads only the <article>: no head, scripts, styles, nav, aside or footer', () => {
    expect(draft.format).toBe('html');
    expect(draft.title).toBe('Safer Handoffs on a Busy Ward');
    const all = draft.lessons.map((l) => l.content).join('\n');
    for (const gone of ['dataLayer', 'font-family', 'Home', 'About', 'Subscribe', 'All rights reserved', 'Ward Notes', 'Back to Articles', 'analytics'])
      expect(all).not.toContain(gone);
  });

  it('splits at h2/h3, merging the one-sentence h3 into the section before it', () => {
    expect(draft.lessons.map((l) => l.subject)).toEqual(['Safer handoffs on a busy ward', 'A shared checklist', 'Practising it']);
    expect(bodies[0]).toContain('## Why Handoffs Fail');
    expect(bodies[1]).toContain('### Keep It Short\n\nIf it does not fit on one side of a card');
  });

  it('converts paragraphs, emphasis, lists, entities and links to Markdown', () => {
    expect(bodies[0]).toContain('knows something *so well* that');
    expect(bodies[0]).toContain('found that **a third of them** were');
    expect(bodies[0]).toContain('[TeamSTEPPS materials from AHRQ](https://www.ahrq.gov/teamstepps-program/index.html)');
    expect(bodies[0]).toContain('across specialties & settings.');
    expect(bodies[1]).toContain('- Who is sick, or could become sick, tonight.\n- What is pending');
  });

  it('makes the relative link a named link to fill, and the "book a call here" link a button', () => {
    expect(bodies[1]).toContain('[SBAR primer](link:sbar-primer)');
    expect(draft.linksTodo).toEqual([{ name: 'sbar-primer', text: 'SBAR primer' }]);
    expect(draft.warnings).toContainEqual(expect.stringContaining('linked it to /articles/sbar-primer'));
    expect(draft.lessons[2]!.cta).toEqual({ text: 'Book a call', href: 'https://example.org/book' });
    expect(bodies[2]).not.toContain('book a call');
  });
});

describe('plain-text article (made up: discharge instructions)', () => {
  const draft = draftFixture('discharge-instructions.txt');
  const bodies = draft.lessons.map((l) => bodyOf(l.content));

  it('takes the first title line as the title and splits at the others, with a split and a merge', () => {
    expect(draft.format).toBe('text');
    expect(draft.title).toBe('Discharge Instructions Patients Can Follow');
    expect(draft.lessons.map((l) => l.subject)).toEqual([
      'Discharge instructions patients can follow',
      'Write for the kitchen table (1/2)',
      'Write for the kitchen table (2/2)',
      'Check understanding before they leave',
    ]);
    expect(bodies[0]).toContain('## Why Instructions Fail at Home');
    expect(bodies[3]).toContain('## One More Thing\n\nGive every patient a name and a number');
    expect(draft.lessons[1]!.words).toBeLessThanOrEqual(450);
    expect(draft.lessons[2]!.words).toBeLessThanOrEqual(450);
  });

  it('makes a numbered button for a non-consultation "here" and names the cross-references', () => {
    expect(draft.lessons[2]!.cta).toEqual({ text: 'Download the template', href: 'link:cta-1' });
    expect(bodies[2]).not.toContain('Download the template here');
    expect(draft.linksTodo).toEqual([
      { name: 'health-literacy-primer', text: 'the health literacy primer' },
      { name: 'teach-back-in-five-minutes', text: 'teach-back in five minutes' },
      { name: 'cta-1', text: 'Download the template' },
    ]);
    expect(bodies[0]).toContain('(see [teach-back in five minutes](link:teach-back-in-five-minutes))');
    expect(draft.warnings).toContainEqual(
      expect.stringMatching(/lesson 3 .*"Download the template here\." became the button "Download the template" → link:cta-1: add its URL/),
    );
  });

  it('drops the "Important note" and the "Back to Articles" line', () => {
    const all = bodies.join('\n');
    expect(all).not.toContain('Important note');
    expect(all).not.toContain('Back to Articles');
  });
});

describe('every fixture passes `coursemail check` as drafted', () => {
  it.each(['night-shift-sleep.md', 'safer-handoffs.html', 'discharge-instructions.txt'])('%s', async (name) => {
    const root = newProject();
    runNew({ root, id: 'draft', from: fixture(name), every: '3d 9h', engine: 'react', force: false }, quiet);
    const { code, err } = await runCli(['check', '--root', root, '--series', 'draft']);
    // Only the warnings for cross-references and buttons the author has yet to give a URL (link:NAME).
    expect(err.split('\n').filter((l) => l && !/^\d+ warnings?:$/.test(l) && !/has no URL, so (it shows as plain text|no button is shown)/.test(l))).toEqual(
      [],
    );
    expect(code).toBe(0);
  });

  it('uses --every for every lesson after the first', () => {
    const draft = draftFixture('safer-handoffs.html', { every: '3d 9h' });
    expect(draft.lessons.map((l) => l.delay)).toEqual(['0d', '3d 9h', '3d 9h']);
    expect(draft.lessons.map((l) => l.offsetMinutes)).toEqual([0, 4860, 9720]);
    expect(parse(draft.lessons[1]!.content.split('---\n')[1]!).delay).toBe('3d 9h');
  });
});

describe('Markdown structures other than paragraphs', () => {
  it('keeps tables, code blocks and images, inlines reference links, and cleans raw HTML', async () => {
    const article = [
      '---\ntitle: "Rotas: a worked example"\n---',
      'The rota below is the one we use, with a [reference link][guide] and a chart ![rota chart](https://example.org/rota.png).',
      '[guide]: https://example.org/guide',
      '## The rota',
      '| Week | Nights |\n|---|---|\n| 1 | Mon–Thu |\n| 2 | Fri–Sun |',
      'Each week in the table starts on a Monday and the nights are counted from the evening they begin, which matters for the anchor block.',
      '```\nanchor = 07:00–11:00\n```',
      '<div class="note"><p>A note with <a href="https://example.org/note">a link</a>.</p><script>track()</script></div>',
    ].join('\n\n');
    const draft = draftText(article);
    const body = bodyOf(draft.lessons[0]!.content);
    expect(draft.title).toBe('Rotas: a worked example');
    expect(body).toContain('a [reference link](https://example.org/guide) and a chart ![rota chart](https://example.org/rota.png).');
    expect(body).not.toContain('[guide]:');
    expect(body).toContain('| Week | Nights |\n|---|---|\n| 1 | Mon–Thu |');
    expect(body).toContain('```\nanchor = 07:00–11:00\n```');
    expect(body).toContain('A note with [a link](https://example.org/note).');
    expect(body).not.toContain('track()');
    expect(draft.lessons[0]!.words).toBe(55); // the table's and the code block's words count too
    const root = newProject();
    const file = join(root, 'rotas.md');
    writeFileSync(file, article);
    runNew({ root, id: 'rotas', from: file, every: '2d', engine: 'mjml', force: false }, quiet);
    const { code, err } = await runCli(['check', '--root', root, '--series', 'rotas']);
    expect(err).toBe('');
    expect(code).toBe(0);
  });
});

describe('two calls to action in one lesson', () => {
  it('makes the first the button and keeps the second as a sentence, with a warning', () => {
    const prose =
      'Coaching sessions run for fifty minutes by phone or video, at a time that suits a clinical rota, and nothing about them is recorded in any health record anywhere.';
    const draft = draftText(`Booking\n\n${prose} You can book a session here. For the research behind it, read more here.\n\nNotes\n\n${prose}\n`, {
      fileName: 'booking.txt',
    });
    const lesson = draft.lessons[0]!;
    expect(lesson.cta).toEqual({ text: 'Book a session', href: 'link:consultation' });
    expect(bodyOf(lesson.content)).not.toContain('You can book a session here.');
    expect(bodyOf(lesson.content)).toContain('For the research behind it, read more here.');
    expect(draft.linksTodo).toEqual([]);
    expect(draft.warnings).toContainEqual(
      expect.stringMatching(/lesson 1 .*"For the research behind it, read more here\." is a second call-to-action in one lesson; it stayed in the text/),
    );
  });
});
