import { decodeHTML } from 'entities';
import { expect, it } from 'vitest';
import { loadProject } from '../../src/build/index.ts';
import { latin1Html } from '../../src/render/escape.ts';
import { recipientChecks } from '../../src/render/guard.ts';
import { renderMessage } from '../../src/render/render-message.ts';
import { FIXTURE } from '../support/project.ts';

const WIDE = /[^\0-\xff]/u;

it('writes characters past Latin-1 as references outside <style>, and reads back the same', () => {
  const html = '<style>p::before { content: "—"; }</style><p title="“a”">Caf\u00e9 — 2\u00a0km \u200c\u{1f600}</p>';
  const out = latin1Html(html);
  expect(out).toBe('<style>p::before { content: "—"; }</style><p title="&#8220;a&#8221;">Caf\u00e9 &#8212; 2\u00a0km &#8204;&#128512;</p>');
  expect(decodeHTML(out)).toBe(html);
  expect(latin1Html('plain ascii')).toBe('plain ascii');
});

it('a rendered message has no character past Latin-1 in its HTML; its text part keeps them', async () => {
  const project = await loadProject(FIXTURE);
  // The preheader's padding (zero-width characters) and the author's dashes and quotes.
  const m = await renderMessage({ kind: 'lesson', engine: 'react', subject: 'S — s', preheader: 'Pre “quoted”', body: 'Calm — and “quoted”.' }, project);
  expect(m.html).not.toMatch(WIDE);
  expect(m.html).toContain('Calm &#8212; and &#8220;quoted&#8221;.');
  expect(m.text).toContain('Calm — and “quoted”.');
  expect(m.htmlBytes).toBe(Buffer.byteLength(m.html));
});

it('finds a postal address that starts with a character past Latin-1 in the rendered HTML', () => {
  const url = 'https://example.com/u/tok';
  const address = 'Łąkowa 5, 90-001 Łódź';
  const ctx = { footer: { senderName: 'Coach', postalAddress: address }, unsubscribeUrl: url };
  const html = latin1Html(`<p>Hi</p><p>${address}</p><a href="${url}">Unsubscribe</a>`);
  expect(html).not.toContain('Łąkowa');
  const failed = recipientChecks({ html, text: `Unsubscribe: ${url}` }, ctx).filter((c) => !c.ok);
  expect(failed).toEqual([]);
});
