import { plainTextSelectors, toPlainText } from '@react-email/render';

/**
 * HTML → the plain-text part, for both engines. Headings keep their case: the default
 * uppercases them, which turns `{{firstName}}` into `{{FIRSTNAME}}` (FACTS.md).
 */
const selectors = [
  ...plainTextSelectors,
  ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((h) => ({ selector: h, options: { uppercase: false } })),
  // MJML's preheader is a hidden div at the top of the body.
  { selector: 'div[style*="display:none"]', format: 'skip' },
  { selector: 'a', options: { linkBrackets: ['<', '>'] as [string, string], hideLinkHrefIfSameAsText: true } },
  // The crisis line's links sit on its own words ("call", "text 988", "988lifeline.org"): the text says them already.
  ...['a[href^="tel:"]', 'a[href^="sms:"]', 'a[href="https://988lifeline.org"]'].map((selector) => ({
    selector,
    format: 'anchor',
    options: { ignoreHref: true },
  })),
];

export function htmlToPlainText(html: string): string {
  return `${toPlainText(html, { selectors, wordwrap: 78 }).trim()}\n`;
}
