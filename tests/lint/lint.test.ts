import { describe, expect, it } from 'vitest';
import { buildSeries, loadProject } from '../../src/build/index.ts';
import {
  clientSupport,
  contrastRatio,
  lintContrast,
  lintDocument,
  lintImages,
  lintInbox,
  lintLinks,
  lintMessage,
  lintPhoneWidth,
  lintUnfilled,
  parseColor,
} from '../../src/lint/index.ts';
import { fillMessage, sampleRecipient } from '../../src/send/test-send.ts';
import { FIXTURE } from '../support/project.ts';

const rules = (ws: { rule: string }[]) => ws.map((w) => w.rule);
const page = (body: string, attrs = ' lang="en"') => `<!DOCTYPE html><html${attrs}><head><title>t</title></head><body>${body}</body></html>`;

describe('links', () => {
  it('wants absolute https links and says which one is wrong', () => {
    const ws = lintLinks(
      page('<a href="http://example.com/a">the study</a> <a href="/relative">the study page</a> <a href="https://example.com/ok">the summary</a>'),
      { filled: true },
    );
    expect(rules(ws)).toEqual(['link-https', 'link-absolute']);
    expect(ws[0]!.message).toContain('http://example.com/a');
    expect(ws[1]!.message).toContain('/relative');
  });

  it('says once, for all of them, that links to this machine are http (the dev server), and still names each other http link', () => {
    const ws = lintLinks(
      page(
        '<a href="http://localhost:3000/u/a.b">Leave</a> <a href="http://localhost:3000/p/c.d">Preferences</a> <a href="http://127.0.0.1:8080/x">the study</a> <a href="http://localhost.example.com/y">the trial</a>',
      ),
      { filled: true },
    );
    expect(ws.map((w) => w.message)).toEqual([
      "link http://localhost.example.com/y is http, not https: clients may flag it and readers' data travels in clear",
      '2 links go to http://localhost:3000, http on this machine: fine for local tests, but a real send needs an https publicUrl',
      'a link goes to http://127.0.0.1:8080, http on this machine: fine for local tests, but a real send needs an https publicUrl',
    ]);
  });

  it('accepts a placeholder href in a template but not once filled', () => {
    const html = page('<a href="{{unsubscribeUrl}}">Unsubscribe</a>');
    expect(lintLinks(html, { filled: false })).toEqual([]);
    expect(rules(lintLinks(html, { filled: true }))).toEqual(['placeholder-unfilled']);
  });

  it('flags "click here" and "here" as link text, and links with no text at all', () => {
    const ws = lintLinks(
      page(
        '<a href="https://e.com/1">Click here</a> <a href="https://e.com/2">here.</a> <a href="https://e.com/3"><img src="https://e.com/i.png"></a> <a href="https://e.com/4">the 2019 trial</a>',
      ),
      { filled: false },
    );
    expect(rules(ws)).toEqual(['link-text', 'link-text', 'link-text']);
    expect(ws[2]!.message).toContain('https://e.com/3');
  });

  it('finds placeholders left in any part of a filled message', () => {
    const ws = lintUnfilled({ subject: 'Hi {{firstName}}', preheader: 'ok', html: '<p>ok</p>', text: 'see {{preferencesUrl}}' });
    expect(ws.map((w) => w.message.split(' still')[0])).toEqual(['the subject', 'the plain text']);
  });
});

describe('images', () => {
  it('wants alt, an absolute https src and both dimensions', () => {
    expect(lintImages(page('<img src="https://e.com/a.png" alt="Chart of burnout scores" width="600" height="300">'))).toEqual([]);
    expect(lintImages(page('<img src="https://e.com/a.png" alt="" style="width:600px;height:300px">'))).toEqual([]);
    expect(rules(lintImages(page('<img src="images/a.png">')))).toEqual(['image-alt', 'image-src', 'image-size']);
    const ws = lintImages(page('<img src="data:image/png;base64,AAAA" alt="x" width="10" style="height:auto">'));
    expect(rules(ws)).toEqual(['image-src', 'image-size']);
    expect(ws[0]!.message).toContain('data: URI');
    expect(ws[1]!.message).toContain('no height');
  });
});

describe('inbox lengths', () => {
  it('warns past about 60 characters of subject and 90 of preheader, quoting what would be cut', () => {
    expect(lintInbox('A'.repeat(60), 'B'.repeat(90))).toEqual([]);
    const ws = lintInbox(`${'A'.repeat(60)}TAIL`, `${'B'.repeat(90)}END`);
    expect(rules(ws)).toEqual(['subject-length', 'preheader-length']);
    expect(ws[0]!.message).toContain('“TAIL”');
    expect(ws[1]!.message).toContain('“END”');
    expect(rules(lintInbox('Subject', ' '))).toEqual(['preheader-length']);
  });
});

describe('document', () => {
  it('wants lang on <html>', () => {
    expect(lintDocument(page('<p>x</p>'))).toEqual([]);
    expect(rules(lintDocument(page('<p>x</p>', '')))).toEqual(['lang']);
  });
});

describe('contrast', () => {
  it('computes WCAG ratios', () => {
    expect(contrastRatio(parseColor('#000')!, parseColor('white')!)).toBeCloseTo(21, 5);
    expect(contrastRatio(parseColor('#767676')!, parseColor('#ffffff')!)).toBeCloseTo(4.54, 2);
    expect(parseColor('rgb(255, 0, 0)')).toEqual({ r: 255, g: 0, b: 0, a: 1 });
  });

  it('warns under 4.5:1 with the colours and an example of the text', () => {
    const ws = lintContrast(page('<p style="color:#999999">Pale grey words</p><p style="color:#767676">Just dark enough</p>'));
    expect(ws).toHaveLength(1);
    expect(ws[0]!.message).toContain('#999999 on #ffffff');
    expect(ws[0]!.message).toContain('Pale grey words');
  });

  it('inherits backgrounds down the tree (bgcolor, background shorthand) and the colour of the text', () => {
    const dark = '<table><tr><td bgcolor="#102a43"><p style="color:#ffffff">White on navy</p><p>Black on navy</p></td></tr></table>';
    const ws = lintContrast(page(`<div style="background:#ffffff url(https://e.com/bg.png) no-repeat">${dark}</div>`));
    expect(ws).toHaveLength(1);
    expect(ws[0]!.message).toContain('#000000 on #102a43');
  });

  it('allows 3:1 for large text and ignores hidden text (the preheader)', () => {
    expect(lintContrast(page('<h1 style="font-size:28px;color:#8a8a8a">Big heading</h1>'))).toEqual([]);
    expect(lintContrast(page('<div style="display:none;color:#fafafa">hidden preheader</div>'))).toEqual([]);
    expect(lintContrast(page('<p style="font-size:14px;color:#8a8a8a">Small text</p>'))).toHaveLength(1);
  });
});

describe('phone width', () => {
  const address = 'https://example.com/confirm/eyJzIjoiMSIsIm4iOiJDX3dSUEtlRkRlM1NxU1pLTE9CUkxBa';

  it('flags a word too wide for a phone’s column, once, with its estimated width', () => {
    const ws = lintPhoneWidth(page(`<p>Copy this: ${address}</p><p>Again: <a href="${address}">${address}</a></p>`));
    expect(rules(ws)).toEqual(['phone-width']);
    expect(ws[0]!.message).toMatch(/^“https:\/\/example\.com\/confirm\/eyJ\S+…” is one word about \d{3,4} px wide at 16 px type/);
    expect(ws[0]!.message).toContain('word-break:break-all');
  });

  it('leaves a word that may break anywhere, hidden text and ordinary prose alone; larger type makes a shorter word too wide', () => {
    expect(lintPhoneWidth(page(`<p>Copy this: <a href="${address}" style="color:#0b5cad;word-break:break-all">${address}</a></p>`))).toEqual([]);
    expect(lintPhoneWidth(page(`<td style="overflow-wrap:anywhere"><p>${address}</p></td>`))).toEqual([]);
    expect(lintPhoneWidth(page(`<div style="display:none;max-height:0">${address}</div>`))).toEqual([]);
    expect(lintPhoneWidth(page('<p>Physician coaching is not therapy, and the difference matters.</p>'))).toEqual([]);
    const word = 'uncharacteristically-overworked'; // 31 characters: ~273 px at 16 px, ~409 px at 24 px
    expect(lintPhoneWidth(page(`<p>${word}</p>`))).toEqual([]);
    expect(rules(lintPhoneWidth(page(`<h2 style="font-size:24px">${word}</h2>`)))).toEqual(['phone-width']);
  });
});

describe('client support (caniemail data)', () => {
  it('flags prefers-color-scheme for Gmail and media queries and border-radius for Outlook on Windows', () => {
    const html = page('<p style="border-radius:4px">x</p>').replace(
      '</head>',
      '<style>@media (prefers-color-scheme: dark) { body { background: #000 } }</style></head>',
    );
    const issues = clientSupport(html);
    const find = (feature: string) => issues.find((i) => i.feature === feature && i.support === 'none');
    expect(find('@media (prefers-color-scheme)')?.clients).toEqual(expect.arrayContaining(['gmail.desktop-webmail', 'gmail.ios', 'outlook.windows']));
    expect(find('@media (prefers-color-scheme)')?.clients).not.toContain('apple-mail.ios');
    expect(find('@media')?.clients).toContain('outlook.windows');
    expect(find('border-radius')?.clients).toEqual(['outlook.windows']);
    expect(issues[0]!.support).toBe('none');
  });

  it('is silent about what it does not see', () => {
    expect(clientSupport(page('<p>plain</p>')).some((i) => i.feature.includes('prefers-color-scheme'))).toBe(false);
  });
});

describe('the course as built', () => {
  it('every lesson template of the shipped course passes the lint; filled with a sample it still has no placeholder left', async () => {
    const project = await loadProject(FIXTURE);
    const { built } = await buildSeries(project, 'physician-coaching');
    for (const { message } of [...built!.steps, built!.confirm]) {
      expect(lintMessage(message, { filled: false }), message.subject).toEqual([]);
      expect(rules(lintMessage(message, { filled: true }))).toContain('placeholder-unfilled');
      // Filled for each sample reader, with links as long as a real subscriber's, it fits a phone.
      for (const sample of ['named', 'anonymous', 'long'] as const) {
        expect(lintPhoneWidth(fillMessage(message, sampleRecipient(project.config, sample)).html), `${message.subject} (${sample})`).toEqual([]);
      }
    }
  });
});
