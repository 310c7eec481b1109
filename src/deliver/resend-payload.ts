import type { CreateBatchOptions } from 'resend';
import type { OutgoingMessage } from '../send/transport.ts';
import { formatMailbox, headersFor, singleLine } from './outgoing.ts';

type ResendEmail = CreateBatchOptions[number];

/** Resend accepts tag names and values of `[A-Za-z0-9_-]`, at most 256 characters. */
function tagToken(s: string): string {
  return s.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 256);
}

/**
 * One message as the SDK takes it. Built from the message alone, so a retry of the same
 * batch produces the same JSON — which is what the idempotency key is checked against.
 * Tracking is a domain setting at Resend, never requested here.
 */
export function toResendEmail(m: OutgoingMessage): ResendEmail {
  return {
    from: formatMailbox(m.from),
    to: [m.to],
    subject: singleLine(m.subject),
    html: m.html,
    text: m.text,
    ...(m.replyTo ? { replyTo: m.replyTo } : {}),
    headers: headersFor(m),
    tags: Object.entries(m.tags)
      .map(([name, value]) => ({ name: tagToken(name), value: tagToken(value) }))
      .filter((t) => t.name && t.value),
  };
}
