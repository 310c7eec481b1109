import Handlebars from 'handlebars';
import type { MessageKind } from '../course/index.ts';

export interface CompilableMessage {
  kind: MessageKind;
  subject: string;
  html: string;
  text: string;
}

/** A message compiled once; `personalize` fills it for each recipient in microseconds. */
export interface CompiledMessage {
  kind: MessageKind;
  subject: HandlebarsTemplateDelegate;
  html: HandlebarsTemplateDelegate;
  text: HandlebarsTemplateDelegate;
}

export interface Recipient {
  firstName?: string | null;
  unsubscribeUrl: string;
  preferencesUrl: string;
  confirmUrl?: string;
}

export interface PersonalizedMessage {
  subject: string;
  html: string;
  text: string;
}

// An isolated environment: helpers registered elsewhere can never reach a template.
const hbs = Handlebars.create();
const options = { knownHelpersOnly: true, knownHelpers: { if: true, unless: true }, strict: false } as const;

/** Compiles the three parts. HTML escapes values; text and subject do not (they are not HTML). */
export function compileMessage(msg: CompilableMessage): CompiledMessage {
  return {
    kind: msg.kind,
    subject: hbs.compile(msg.subject, { ...options, noEscape: true }),
    html: hbs.compile(msg.html, options),
    text: hbs.compile(msg.text, { ...options, noEscape: true }),
  };
}

/**
 * Values may come from a sign-up form: control characters (CR/LF above all, which would
 * let a name inject headers through the subject) are removed, and length is bounded.
 */
export function cleanField(value: string | null | undefined, max = 100): string {
  if (!value) return '';
  return value
    .replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, max);
}

export function personalize(compiled: CompiledMessage, recipient: Recipient): PersonalizedMessage {
  const data = {
    firstName: cleanField(recipient.firstName),
    unsubscribeUrl: recipient.unsubscribeUrl,
    preferencesUrl: recipient.preferencesUrl,
    confirmUrl: recipient.confirmUrl ?? '',
  };
  return {
    subject: cleanField(compiled.subject(data), 998),
    html: compiled.html(data),
    text: compiled.text(data),
  };
}
