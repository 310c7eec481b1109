import { decodeHTML } from 'entities';
import { latin1Html } from './escape.ts';
import { CRISIS_FRAGMENTS, CRISIS_LINKS, DISCLAIMER, type FooterContent } from './footer.ts';
import { htmlStructure } from './structure.ts';

/** Gmail clips HTML past ~102 KB and hides the rest, footer first; we keep a margin. */
export const GMAIL_CLIP_BYTES = 102 * 1024;
export const HTML_BUDGET_BYTES = 90 * 1024;

export interface RenderedParts {
  html: string;
  text: string;
}

export interface GuardContext {
  footer: Pick<FooterContent, 'senderName' | 'postalAddress'>;
  /** `{{unsubscribeUrl}}` for a compiled template, the real URL for a filled message. */
  unsubscribeUrl: string;
}

export interface ComplianceCheck {
  rule:
    | 'plain-text'
    | 'disclaimer'
    | 'crisis-line'
    | 'sender'
    | 'postal-address'
    | 'footer-placement'
    | 'safe-html'
    | 'unsubscribe'
    | 'html-size'
    | 'footer-position';
  ok: boolean;
  /** What the rule requires, and when it fails, what is missing and where. */
  why: string;
}

const collapse = (s: string) => s.replace(/\s+/g, ' ').trim();
const missingIn = (where: string[]) => (where.length ? ` — missing in ${where.join(' and ')}` : '');

/** What a reader could see in the HTML: no head, styles or comments; entities decoded. */
function visibleText(html: string): string {
  const body = html
    .replace(/<head[\s\S]*?<\/head>/i, ' ')
    .replace(/<(style|script)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<[^>]+>/g, ' ');
  return collapse(decodeHTML(body));
}

/** What Handlebars writes for a value in HTML: `& < > " ' \` =` as entities, which decode back. */
function escapeAttribute(value: string): string {
  return value.replace(/[&<>"'`=]/g, (c) => `&${{ '&': 'amp;', '<': 'lt;', '>': 'gt;', '"': 'quot;', "'": '#x27;', '`': '#x60;', '=': '#x3D;' }[c]}`);
}

const HREF = /\shref\s*=\s*("([^"]*)"|'([^']*)')/gi;

/**
 * Whether `url` is the value of an `href` in the HTML, entities decoded and trimmed. Only
 * values that could be it are decoded: decoding and trimming never lengthen a value.
 */
function hasHref(html: string, url: string): boolean {
  // The usual case first: the link as a filled template writes it, `href="…"` with the URL
  // HTML-escaped (which decodes back to it) after whitespace. Anything else, the full scan.
  const quoted = `href="${escapeAttribute(url)}"`;
  for (let at = url === url.trim() ? html.indexOf(quoted) : -1; at > 0; at = html.indexOf(quoted, at + 1)) {
    if (/\s/.test(html[at - 1]!)) return true;
  }
  for (const m of html.matchAll(HREF)) {
    const raw = m[2] ?? m[3] ?? '';
    if (raw.length < url.length) continue;
    if ((raw.includes('&') ? decodeHTML(raw) : raw).trim() === url) return true;
  }
  return false;
}

const DISCLAIMER_SENTENCES = DISCLAIMER.split(/(?<=\.)\s+/);

/**
 * The compliance guard: a pure check over one rendered message, both parts. Build, check
 * and every transport call it; a message with any failed rule is never written or sent.
 */
export function complianceChecklist(msg: RenderedParts, ctx: GuardContext): ComplianceCheck[] {
  return [...contentChecks(msg, ctx), ...recipientChecks(msg, ctx)];
}

/**
 * The rules about what the message says (plain text, disclaimer, crisis line, sender, postal address) over the visible text of both parts: the costly half.
 * Filling a compiled template changes their answer only through its `{{#if}}` branches (values are escaped and only add text),
 * so a sender may run these once per template and branch choice; see src/send/compose.ts.
 */
export function contentChecks(msg: RenderedParts, ctx: GuardContext): ComplianceCheck[] {
  const htmlText = visibleText(msg.html);
  const text = collapse(msg.text);
  const both = (needle: string) => {
    const n = collapse(needle);
    return [htmlText.includes(n) ? '' : 'HTML', text.includes(n) ? '' : 'plain text'].filter(Boolean);
  };
  const checks: ComplianceCheck[] = [];

  checks.push({ rule: 'plain-text', ok: text.length > 0, why: text.length > 0 ? 'a plain-text part is present' : 'the plain-text part is missing or empty' });

  const disclaimerMissing = DISCLAIMER_SENTENCES.flatMap((s) => both(s).map((w) => `“${s}” in ${w}`));
  checks.push({
    rule: 'disclaimer',
    ok: disclaimerMissing.length === 0,
    why: disclaimerMissing.length
      ? `disclaimer sentence missing: ${disclaimerMissing.join('; ')}`
      : 'general-information disclaimer, coaching is not therapy or a substitute for care or a PHP',
  });

  const structure = htmlStructure(msg.html);
  const crisisMissing = [
    ...CRISIS_FRAGMENTS.flatMap((f) => both(f.text).map((w) => `“${f.text}” in ${w}`)),
    ...CRISIS_LINKS.filter((href) => !structure.footerLinks.includes(href)).map((href) => `the ${href} link in the footer`),
  ];
  checks.push({
    rule: 'crisis-line',
    ok: crisisMissing.length === 0,
    why: crisisMissing.length
      ? `crisis line incomplete: ${crisisMissing.join('; ')}`
      : '988 Suicide & Crisis Lifeline: call (tel:988) or text (sms:988) 988, chat 988lifeline.org, outside-US line',
  });

  const senderMissing = ctx.footer.senderName.trim() ? both(ctx.footer.senderName) : ['config'];
  checks.push({ rule: 'sender', ok: senderMissing.length === 0, why: `sender name${missingIn(senderMissing)}` });

  const addressMissing = ctx.footer.postalAddress.trim() ? both(ctx.footer.postalAddress) : ['config (postalAddress)'];
  checks.push({ rule: 'postal-address', ok: addressMissing.length === 0, why: `sender postal address (CAN-SPAM)${missingIn(addressMissing)}` });
  checks.push(placementCheck(structure, ctx));
  checks.push({
    rule: 'safe-html',
    ok: structure.active.length === 0,
    why: structure.active.length
      ? `the HTML holds what could run or collect data in an inbox: ${[...new Set(structure.active)].slice(0, 5).join(', ')}`
      : 'no script, event handler, form, frame or script/data URL',
  });
  return checks;
}

/**
 * Where the footer sits in the rendered HTML: one block, after the author's and outside it
 * (so no author element wraps, hides or restyles it), holding every sentence it must say.
 */
function placementCheck(structure: ReturnType<typeof htmlStructure>, ctx: GuardContext): ComplianceCheck {
  const wrong = [
    structure.footers === 0 ? 'no footer block (data-compliance-footer) in the HTML' : '',
    structure.footers > 1 ? `${structure.footers} footer blocks` : '',
    structure.footerInsideAuthor ? 'the footer is inside the author block' : '',
    structure.footerBeforeAuthor ? 'the footer comes before the author block' : '',
  ].filter(Boolean);
  if (!wrong.length) {
    const said = [...DISCLAIMER_SENTENCES, ...CRISIS_FRAGMENTS.map((f) => f.text), ctx.footer.postalAddress, ctx.footer.senderName, 'Unsubscribe'];
    const missing = said.filter((phrase) => phrase.trim() && !structure.footerText.includes(collapse(phrase)));
    if (missing.length) wrong.push(`the footer block lacks ${missing.map((m) => `“${m}”`).join(', ')}`);
  }
  return {
    rule: 'footer-placement',
    ok: wrong.length === 0,
    why: wrong.length ? wrong.join('; ') : 'the footer is one block after the author content, outside it, styled by the templates',
  };
}

/**
 * The rules whose answer depends on each recipient's values: their own unsubscribe URL as a
 * link in the HTML and in the text, the HTML size, and where the footer ends. Cheap (no tag
 * stripping), so they run on every filled message.
 */
export function recipientChecks(msg: RenderedParts, ctx: GuardContext): ComplianceCheck[] {
  return recipientRules(msg, ctx, false);
}

/** The recipient rules that fail, for the send path: usually none, found without measuring. */
export function recipientFailures(msg: RenderedParts, ctx: GuardContext): ComplianceCheck[] {
  return recipientRules(msg, ctx, true);
}

function recipientRules(msg: RenderedParts, ctx: GuardContext, failuresOnly: boolean): ComplianceCheck[] {
  const unsubHtml = hasHref(msg.html, ctx.unsubscribeUrl);
  const unsubText = msg.text.includes(ctx.unsubscribeUrl);
  const address = ctx.footer.postalAddress ?? '';
  const space = address.search(/\s/);
  const word = space < 0 ? address : address.slice(0, space);
  // Rendered HTML writes characters past Latin-1 as references (see latin1Html): an address may start with one.
  const encoded = latin1Html(word);
  const addressAt = address ? Math.max(msg.html.lastIndexOf(word), encoded === word ? -1 : msg.html.lastIndexOf(encoded)) : -1;
  // UTF-8 takes at most 3 bytes per UTF-16 unit, so HTML this short is within the budget, and
  // so is a footer found in it: measuring bytes (a scan of the whole HTML) can only say yes.
  const surelyWithinBudget = addressAt >= 0 && msg.html.length * 3 + address.length <= HTML_BUDGET_BYTES;
  // The send path, every message: nothing failed, so no sentences are written for it.
  if (failuresOnly && unsubHtml && unsubText && surelyWithinBudget) return [];

  const checks: ComplianceCheck[] = [];
  checks.push({
    rule: 'unsubscribe',
    ok: unsubHtml && unsubText,
    why: `one-click unsubscribe link ${ctx.unsubscribeUrl}${missingIn([unsubHtml ? '' : 'HTML (as a link)', unsubText ? '' : 'plain text'].filter(Boolean))}`,
  });
  if (failuresOnly && surelyWithinBudget) return checks.filter((c) => !c.ok);

  const bytes = Buffer.byteLength(msg.html, 'utf8');
  checks.push({
    rule: 'html-size',
    ok: bytes <= HTML_BUDGET_BYTES,
    why: `HTML is ${(bytes / 1024).toFixed(1)} KB of a ${HTML_BUDGET_BYTES / 1024} KB budget (Gmail clips at ~${GMAIL_CLIP_BYTES / 1024} KB)`,
  });

  // Bytes before the address, counted from the end: the footer is near it, the HTML is long.
  const footerEnd = addressAt < 0 ? -1 : bytes - Buffer.byteLength(msg.html.slice(addressAt), 'utf8') + address.length;
  const footerOk = footerEnd >= 0 && footerEnd <= HTML_BUDGET_BYTES;
  checks.push({
    rule: 'footer-position',
    ok: footerOk,
    why:
      footerEnd < 0
        ? 'footer not found in HTML'
        : `footer ends at ${(footerEnd / 1024).toFixed(1)} KB, ${footerOk ? 'inside' : 'past'} the ${HTML_BUDGET_BYTES / 1024} KB budget`,
  });
  return failuresOnly ? checks.filter((c) => !c.ok) : checks;
}
