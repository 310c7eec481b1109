import { expect, it } from 'vitest';
import { HTML_BUDGET_BYTES, recipientChecks, recipientFailures, type GuardContext } from '../../src/render/guard.ts';

/**
 * The send path asks only which recipient rules fail, and skips measuring the HTML when its
 * length alone proves it fits. Whatever the message, its answer must be the full rules' own.
 */
const url = 'https://example.com/u/tok';
const ctx: GuardContext = { footer: { senderName: 'Coach', postalAddress: '12 Main St, Springfield' }, unsubscribeUrl: url };
const footer = `<p>12 Main St, Springfield</p><a href="${url}">Unsubscribe</a>`;
const text = `Unsubscribe: ${url}`;
// Three bytes a character in UTF-8: the length-based shortcut must not be fooled by it.
const wide = (chars: number) => '\u2014'.repeat(chars);

it.each([
  ['short and complete', `<p>Hi</p>${footer}`, text],
  ['no unsubscribe link in the text', `<p>Hi</p>${footer}`, 'no link'],
  ['no footer address', `<p>Hi</p><a href="${url}">Unsubscribe</a>`, text],
  ['over the byte budget in wide characters', `<p>${wide(HTML_BUDGET_BYTES / 3 + 10)}</p>${footer}`, text],
  ['just under a third of the budget in wide characters', `<p>${wide(HTML_BUDGET_BYTES / 3 - 200)}</p>${footer}`, text],
  ['footer past the budget', `<p>${'x'.repeat(HTML_BUDGET_BYTES + 10)}</p>${footer}`, text],
])('%s: the same failures as the full recipient rules', (_name, html, plain) => {
  const msg = { html, text: plain };
  const expected = recipientChecks(msg, ctx).filter((c) => !c.ok);
  expect(recipientFailures(msg, ctx)).toEqual(expected);
});

it('the full rules do fail where the cases say (the comparison above is not of two empty lists)', () => {
  const rules = (html: string, plain = text) =>
    recipientChecks({ html, text: plain }, ctx)
      .filter((c) => !c.ok)
      .map((c) => c.rule);
  expect(rules(`<p>Hi</p>${footer}`, 'no link')).toEqual(['unsubscribe']);
  expect(rules(`<p>${wide(HTML_BUDGET_BYTES / 3 + 10)}</p>${footer}`)).toEqual(['html-size', 'footer-position']);
  expect(rules(`<p>Hi</p><a href="${url}">Unsubscribe</a>`)).toEqual(['footer-position']);
});
