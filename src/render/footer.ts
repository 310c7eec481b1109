import type { Config } from '../config/index.ts';
import type { MessageKind } from '../personalize/model.ts';

/**
 * The compliance footer's wording: the one source both template engines render and the
 * guard checks against. Changing a sentence here changes every message and the guard together.
 */
export const DISCLAIMER =
  'This email is general information, not medical or psychological advice. Coaching is not therapy and is not a substitute for clinical care or a Physician Health Program where a clinical condition is present.';

export const CRISIS_LINE =
  'If you are in crisis or thinking about suicide, call or text 988 or chat at 988lifeline.org (988 Suicide & Crisis Lifeline, US). Outside the US, contact your local emergency number.';

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
    senderName: ctx.sender?.name ?? config.sender.name,
    senderEmail: ctx.sender?.email ?? config.sender.email,
    ...(config.coach ? { coach: [config.coach.name, config.coach.credentials].filter(Boolean).join(', ') } : {}),
    postalAddress: config.postalAddress,
    reason,
    unsubscribe: { text: 'Unsubscribe in one click', url: '{{unsubscribeUrl}}' },
    preferences: { text: 'Manage your preferences', url: '{{preferencesUrl}}' },
  };
}
