import type { Config } from '../config/index.ts';
import type { MessageKind } from '../course/index.ts';

/**
 * The compliance footer's wording: the one source both template engines render and the
 * guard checks against. Changing a sentence here changes every message and the guard together.
 */
export const DISCLAIMER =
  'This email is general information, not medical or psychological advice. Coaching is not therapy and is not a substitute for clinical care or a Physician Health Program where a clinical condition is present.';

/** A run of footer text, a link when `href` is set. */
export interface TextPart {
  text: string;
  href?: string;
}

/**
 * The crisis line, with 988 to call, to text and to chat as links a phone opens directly.
 * The links sit on words already in the sentence, so the text reads the same in both parts.
 */
const CRISIS_PARTS: readonly TextPart[] = [
  { text: 'If you are in crisis or thinking about suicide, ' },
  { text: 'call', href: 'tel:988' },
  { text: ' or ' },
  { text: 'text 988', href: 'sms:988' },
  { text: ' or chat at ' },
  { text: '988lifeline.org', href: 'https://988lifeline.org' },
  { text: ' (988 Suicide & Crisis Lifeline, US). Outside the US, contact your local emergency number.' },
];

export const CRISIS_LINE = CRISIS_PARTS.map((p) => p.text).join('');

/** The crisis line's links the guard requires in every HTML part. */
export const CRISIS_LINKS = CRISIS_PARTS.flatMap((p) => (p.href ? [p.href] : []));

/** Fragments the guard requires individually, so a reworded crisis line still names each part. */
export const CRISIS_FRAGMENTS = [
  { id: '988', text: '988 Suicide & Crisis Lifeline' },
  { id: 'call-or-text', text: 'call or text 988' },
  { id: 'chat', text: '988lifeline.org' },
  { id: 'outside-us', text: 'Outside the US, contact your local emergency number' },
] as const;

export interface FooterContent {
  disclaimer: string;
  crisis: string;
  crisisParts: readonly TextPart[];
  senderName: string;
  senderEmail: string;
  /** The coach by name and credentials, named before the sender in "Sent by". */
  coach?: string;
  postalAddress: string;
  /** Why the reader gets this message: consent is part of the footer. */
  reason: string;
  unsubscribe: { text: string; url: string };
  preferences: { text: string; url: string };
}

export interface FooterContext {
  kind: MessageKind;
  seriesTitle?: string;
  sender?: { name?: string; email?: string };
}

export function footerContent(config: Pick<Config, 'sender' | 'postalAddress' | 'coach'>, ctx: FooterContext): FooterContent {
  const title = ctx.seriesTitle ? `“${ctx.seriesTitle}”` : 'emails from us';
  const reason =
    ctx.kind === 'confirm'
      ? `You are receiving this because someone asked to subscribe this address to ${title}. If it was not you, ignore this email and you will hear nothing more.`
      : ctx.kind === 'lesson'
        ? `You are receiving this because you signed up for the email course ${title}.`
        : `You are receiving this because you subscribed to ${title}.`;
  return {
    disclaimer: DISCLAIMER,
    crisis: CRISIS_LINE,
    crisisParts: CRISIS_PARTS,
    senderName: ctx.sender?.name ?? config.sender.name,
    senderEmail: ctx.sender?.email ?? config.sender.email,
    ...(config.coach ? { coach: [config.coach.name, config.coach.credentials].filter(Boolean).join(', ') } : {}),
    postalAddress: config.postalAddress,
    reason,
    // The link opens a page with a button; one click is what the List-Unsubscribe header gives.
    unsubscribe: { text: 'Unsubscribe', url: '{{unsubscribeUrl}}' },
    preferences: { text: 'Manage your preferences', url: '{{preferencesUrl}}' },
  };
}
