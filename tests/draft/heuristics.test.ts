import { describe, expect, it } from 'vitest';
import { isDisclaimer, isNavigation } from '../../src/draft/clean.ts';
import { linkReferences, referenceName } from '../../src/draft/cross-refs.ts';
import { readCta } from '../../src/draft/cta.ts';
import { detectFormat } from '../../src/draft/detect.ts';
import { parseWordBudget } from '../../src/draft/index.ts';
import { sentences, trimAtWord } from '../../src/draft/sentences.ts';
import { properNouns, subjectFromTitle } from '../../src/draft/subject.ts';
import { isTitleLine, textToMarkdown } from '../../src/draft/text-to-markdown.ts';
import type { Block } from '../../src/draft/types.ts';

const para = (text: string): Block => ({ kind: 'paragraph', text, markdown: text });

describe('subjects from section titles', () => {
  const none = new Set<string>();
  it.each([
    ['What the Evidence Shows', 'What the evidence shows'],
    ['Coaching vs. Therapy for Doctors', 'Coaching vs. therapy for doctors'],
    ['Coaching vs. therapy for doctors', 'Coaching vs. therapy for doctors'],
    ['The Bottom Line:', 'The bottom line'],
    ['Living With PTSD After Residency', 'Living with PTSD after residency'],
    ['Night-Shift Sleep For Nurses', 'Night-shift sleep for nurses'],
    ['WHY RECORDS MATTER', 'Why records matter'],
    ['Is coaching for you?', 'Is coaching for you?'],
    ['  what it   is.  ', 'What it is'],
  ])('%j → %j', (title, subject) => expect(subjectFromTitle(title, none)).toBe(subject));

  it("keeps the article's own proper nouns capitalised", () => {
    const proper = properNouns(['We trained residents at Mayo and in Boston. The Boston team met weekly, as did the team at Mayo.']);
    expect(proper).toEqual(new Set(['mayo', 'boston']));
    expect(subjectFromTitle('What We Learned in Boston', proper)).toBe('What we learned in Boston');
  });

  it('cuts a long title at a word with an ellipsis, within 78 characters', () => {
    const subject = subjectFromTitle('Why the records distinction matters to physicians who apply for state licences and hospital privileges', new Set());
    expect(subject.length).toBeLessThanOrEqual(78);
    expect(subject).toMatch(/ for state…$/);
  });
});

describe('sentences and preheaders', () => {
  it('does not end a sentence at "vs.", "e.g." or inside closing quotes', () => {
    expect(sentences('Coaching vs. therapy is the question. Neither is “better.” They do different jobs, e.g. leading.')).toEqual([
      'Coaching vs. therapy is the question.',
      'Neither is “better.”',
      'They do different jobs, e.g. leading.',
    ]);
  });

  it('trims at a word boundary to the limit, with an ellipsis', () => {
    const trimmed = trimAtWord('Physicians face a disclosure landscape most professions don’t: state board applications, hospital credentialing', 90);
    expect(trimmed).toBe('Physicians face a disclosure landscape most professions don’t: state board applications…');
    expect(trimmed.length).toBeLessThanOrEqual(90);
    expect(trimAtWord('Short enough.', 90)).toBe('Short enough.');
  });
});

describe('calls to action', () => {
  const none = () => '';
  it.each([
    ['You can request one here.', 'A free, private consultation creates no record.', { text: 'Request a free, private consultation', meeting: true }],
    ['Book a call here.', '', { text: 'Book a call', meeting: true }],
    ['Read more here.', '', { text: 'Read more', meeting: false }],
    ['Click here to download the checklist.', '', { text: 'Download the checklist', meeting: false }],
    ['You can schedule a session below!', '', { text: 'Schedule a session', meeting: true }],
    ['If you would like help on your ward, book a call here.', '', { text: 'Book a call', meeting: true }],
    ['Please download the template here.', '', { text: 'Download the template', meeting: false }],
  ])('%j', (sentence, before, expected) => expect(readCta(sentence, () => before)).toMatchObject(expected));

  it('keeps the URL a Markdown sentence linked, and flags a non-https one', () => {
    expect(readCta('Read more [here](https://example.org/naps).', none)).toMatchObject({ text: 'Read more', url: 'https://example.org/naps' });
    expect(readCta('Read more [here](/naps).', none)).toMatchObject({ otherUrl: '/naps' });
  });

  it.each([
    'Some words in a fragment that has only headings and paragraphs to read through here.',
    'Residents who want to learn more about it can find the whole study here.',
    'The answer is here.',
    'We are here to help you decide.',
    'Here is what the evidence says.',
    'The gap between why you went into medicine and here.',
  ])('leaves %j alone', (sentence) => expect(readCta(sentence, none)).toBeUndefined());
});

describe('plain-text cross-references', () => {
  const link = (text: string) => linkReferences(text, referenceName).markdown;
  it.each([
    [
      'The broader picture is in physician burnout: solutions that actually work.',
      'is in [physician burnout: solutions that actually work](link:physician-burnout).',
    ],
    [
      'Its own dynamic — explored in the cost of compartmentalization. When',
      'explored in [the cost of compartmentalization](link:cost-of-compartmentalization). When',
    ],
    [
      'It is detailed on the coaching for physicians page (a dedicated article is coming).',
      'detailed on [the coaching for physicians page](link:coaching-for-physicians) (a dedicated',
    ],
    ['This is covered in more detail in our night-shift sleep guide, which', 'in [our night-shift sleep guide](link:night-shift-sleep), which'],
    ['A habit helps (see teach-back in five minutes).', '(see [teach-back in five minutes](link:teach-back-in-five-minutes)).'],
  ])('%j', (text, expected) => expect(link(text)).toContain(expected));

  it.each([
    'The answer is in the details.',
    'The problem is in how we schedule nights.',
    'You will see that it works.',
    'This is explored in depth below.',
    'The future is in medicine.',
  ])('leaves %j alone', (text) => expect(link(text)).toBe(text));
});

describe('plain-text structure', () => {
  it('recognises title lines: short, capitalised, no closing punctuation, followed by text', () => {
    expect(isTitleLine(['What the evidence shows'], true)).toBe(true);
    expect(isTitleLine(['Coaching vs. therapy for doctors'], true)).toBe(true);
    expect(isTitleLine(['The honest comparison:'], true)).toBe(false);
    expect(isTitleLine(['What the evidence shows'], false)).toBe(false);
    expect(isTitleLine(['Neither is “better.”'], true)).toBe(false);
    expect(isTitleLine(['  • Therapy is licensed clinical care'], true)).toBe(false);
    expect(isTitleLine(['a lower-case line'], true)).toBe(false);
  });

  it('turns bullets into Markdown items and keeps text from becoming HTML or headings', () => {
    expect(textToMarkdown('Lead-in:\n\n  • one\n  • two\n    continued\n\n#1 rule: <b>sleep</b>\n')).toBe(
      'Lead-in:\n\n- one\n- two\n  continued\n\n\\#1 rule: \\<b>sleep\\</b>',
    );
  });

  it('detects the format by extension, then by content', () => {
    expect(detectFormat('<p>x</p>', 'a.htm')).toBe('html');
    expect(detectFormat('# Heading\n\ntext', 'a.txt')).toBe('text');
    expect(detectFormat('<!doctype html><html><body>x</body></html>', 'a.md')).toBe('html');
    expect(detectFormat('Intro\n\n## Part\n\ntext', 'a.md')).toBe('markdown');
    expect(detectFormat('Part\n====\n\ntext', 'article')).toBe('markdown');
    expect(detectFormat('What it is\n\nCoaching is…', 'a.md')).toBe('text');
  });
});

describe('what is not copied', () => {
  it.each([
    'Important note: This article is general information, not medical or psychological advice.',
    'Disclaimer: nothing here is a diagnosis.',
    'This post does not constitute medical advice; talk to your doctor.',
    'The content is for informational purposes only.',
  ])('disclaimer: %j', (text) => expect(isDisclaimer(para(text))).toBe(true));

  it('keeps prose that only mentions advice', () => {
    expect(isDisclaimer(para('It is not advice-giving. It is a disciplined thinking partnership.'))).toBe(false);
  });

  it.each(['← Back to Articles', 'Back to Articles', 'Share this article', 'Read next', 'Tags: burnout, coaching'])('navigation: %j', (text) =>
    expect(isNavigation(para(text))).toBe(true),
  );

  it.each(['Back to all articles | Next: Caffeine on call', '← Previous', 'Read more articles', 'Back to all articles · ← Previous: Sleep before nights'])(
    'navigation in any position: %j',
    (text) => expect(isNavigation(para(text))).toBe(true),
  );

  it('"Next: <title>" alone is navigation only at the end of the article', () => {
    expect(isNavigation(para('Next: Caffeine on call'), true)).toBe(true);
    expect(isNavigation(para('Next: Caffeine on call'))).toBe(false);
    expect(isNavigation(para('Next: wash your hands again before you touch the chart and the notes, then sit down.'), true)).toBe(false);
  });

  it('keeps a sentence that starts like navigation', () => {
    expect(isNavigation(para('Back to the question of records: nothing clinical occurred, so nothing is disclosed.'))).toBe(false);
  });
});

describe('--words', () => {
  it.each([
    [undefined, { min: 50, max: 450 }],
    ['300', { min: 50, max: 300 }],
    ['90', { min: 30, max: 90 }],
    ['80-250', { min: 80, max: 250 }],
  ])('%j → %j', (spec, budget) => expect(parseWordBudget(spec)).toEqual(budget));
});
