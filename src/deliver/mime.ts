import { createHash } from 'node:crypto';
import type MailComposerType from 'nodemailer/lib/mail-composer/index.js';
import type { OutgoingMessage } from '../send/transport.ts';
import { escapeId, headersFor, singleLine } from './outgoing.ts';

/** Derived from the delivery id, so a retry of the same delivery carries the same Message-ID. */
export function messageIdFor(m: OutgoingMessage): string {
  const domain = m.from.email.slice(m.from.email.lastIndexOf('@') + 1);
  return `<${escapeId(m.id)}@${domain}>`;
}

/**
 * The RFC 5322 bytes of a message: multipart/alternative (text, then HTML, so clients
 * prefer HTML), the run's Date, a stable Message-ID and the list headers. The boundary is
 * seeded from the delivery id so the same delivery always composes to the same bytes.
 */
export async function composeMime(m: OutgoingMessage): Promise<Buffer> {
  // Loaded on first use: a worker sending through Resend never builds MIME.
  const { default: MailComposer } = await import('nodemailer/lib/mail-composer/index.js');
  const composer = new MailComposer({
    from: { name: singleLine(m.from.name), address: m.from.email },
    to: m.to,
    ...(m.replyTo ? { replyTo: m.replyTo } : {}),
    subject: singleLine(m.subject),
    text: m.text,
    html: m.html,
    date: m.date,
    messageId: messageIdFor(m),
    headers: headersFor(m),
    baseBoundary: createHash('sha256').update(m.id).digest('hex').slice(0, 24),
  } as ConstructorParameters<typeof MailComposerType>[0]);
  return new Promise((resolve, reject) => {
    composer.compile().build((err, out) => (err ? reject(err) : resolve(out)));
  });
}
