import { plainText } from './blocks.ts';
import { Lexer } from 'marked';
import { sentenceSpans } from './sentences.ts';
import type { Block, DraftCta } from './types.ts';

const VERBS =
  'request|book|schedule|arrange|reserve|claim|read|learn|see|find out|download|get|grab|sign up|register|join|subscribe|start|watch|listen|contact us|reach out|apply|take|try|explore|access|order|buy';
/**
 * "You can request one here." / "Read more here." / "…, book a call below." The verb must
 * open the sentence or a clause (after a comma, "you can", "please"…) and at most six words
 * may stand between it and "here", so "headings and paragraphs to read through here" is prose.
 */
const ACTION_HERE = new RegExp(
  `^(?:|.*?[,;:—–]\\s*|.*?\\b(?:you can|you could|you may|please|simply|just|feel free to|go ahead and)\\s+)(${VERBS})\\b((?:\\s+\\S+){0,6}?)\\s+(?:here|below)\\s*[.!]*["”’')]*$`,
  'i',
);
/** "Click here to download the checklist." */
const CLICK_HERE = /\b(?:click|tap)\s+here\b(?:\s+(?:to|and)\s+([^.!?]+))?/i;
const PRONOUN = /^(?:one|it|this|them|that)$/i;
/** The noun a pronoun most likely stands for, with its article and up to three modifiers. */
const OFFER_NOUN =
  /\b(?:a|an|the|your|our|my)\s+(?:[\p{L}’'-]+,?\s+){0,3}?(?:consultation|call|session|appointment|meeting|conversation|guide|checklist|workbook|e-?book|worksheet|webinar|course|newsletter|assessment|quiz|template)s?\b/giu;
const MEETING = /\b(?:consult\w*|call|session|appointment|meeting|conversation|discovery)\b/i;

export interface CtaCandidate {
  text: string;
  /** The https URL the sentence linked, when it did. */
  url?: string;
  /** Another URL (http, relative) the author must replace. */
  otherUrl?: string;
  meeting: boolean;
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * Reads a sentence as a call-to-action when it points "here"/"below" with an action verb, or says "click here" ("click here to X" gives "X").
 * The button text is the verb and its object, "one"/"it" replaced by the offer named before it ("request one here" → "Request a free consultation").
 */
export function readCta(sentence: string, textBefore: () => string): CtaCandidate | undefined {
  // A call-to-action is one short sentence; skipping long ones also bounds the regex work.
  if (sentence.length > 300 || !/\b(?:here|below)\b/i.test(sentence)) return undefined;
  const tokens = Lexer.lexInline(sentence, { gfm: true });
  const plain = plainText(tokens).replace(/\s+/g, ' ').trim();
  const href = /\]\(([^)\s]+)/.exec(sentence)?.[1];
  const click = CLICK_HERE.exec(plain);
  const action = click ? undefined : ACTION_HERE.exec(plain);
  if (!click && !action) return undefined;

  let text: string;
  if (click) text = click[1] ? capitalize(click[1].trim()) : 'Learn more';
  else {
    const verb = (action![1] as string).toLowerCase();
    let object = (action![2] as string).trim().replace(/[,:;]+$/, '');
    if (PRONOUN.test(object)) {
      const offers = [...textBefore().matchAll(OFFER_NOUN)];
      const offer = offers[offers.length - 1]?.[0];
      object = offer ? offer.replace(/^\p{L}+/u, (w) => (/^(?:a|an|the)$/i.test(w) ? w.toLowerCase() : w)) : '';
    }
    text = capitalize(`${verb}${object ? ` ${object}` : verb === 'read' || verb === 'learn' ? ' more' : ''}`);
  }
  if (text.length > 60) text = 'Learn more';
  const meeting =
    MEETING.test(text) || (!!action && /^(?:request|book|schedule|arrange|reserve|claim)$/i.test(action[1] as string) && MEETING.test(textBefore()));
  if (href && /^https:\/\//i.test(href)) return { text, url: href, meeting };
  return { text, otherUrl: href, meeting };
}

/**
 * Cuts call-to-action sentences out of paragraphs and puts a `cta` block where they were.
 * `href` is the sentence's own https link, else `link:consultation` for a meeting, else a
 * numbered `link:cta-N` the author fills in config.
 */
export function extractCtas(blocks: Block[], nextName: () => string): Block[] {
  const out: Block[] = [];
  for (const block of blocks) {
    if (block.kind !== 'paragraph') {
      out.push(block);
      continue;
    }
    const spans = sentenceSpans(block.markdown)
      .map(([start, end]) => ({ start, end, sentence: block.markdown.slice(start, end).trim() }))
      .map((span) => ({ ...span, cta: readCta(span.sentence, () => block.markdown.slice(0, span.start)) }));
    const found: DraftCta[] = [];
    let markdown = '';
    for (const { start, end, sentence, cta } of spans) {
      if (!cta) {
        markdown += block.markdown.slice(start, end);
        continue;
      }
      const href = cta.url ?? (cta.meeting ? 'link:consultation' : `link:${nextName()}`);
      found.push({ text: cta.text, href, sentence, ...(cta.otherUrl ? { linkedTo: cta.otherUrl } : {}) });
    }
    if (!found.length) {
      out.push(block);
      continue;
    }
    markdown = markdown.trim();
    if (markdown) out.push({ ...block, markdown, text: plainText(Lexer.lex(markdown, { gfm: true })).trim() });
    for (const cta of found) out.push({ kind: 'cta', markdown: '', text: '', cta });
  }
  return out;
}
