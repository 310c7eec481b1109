import { createHmac, randomBytes } from 'node:crypto';
import type MailComposerType from 'nodemailer/lib/mail-composer/index.js';
import type { OutgoingMessage } from '../send/transport.ts';
import { headersFor, singleLine } from './outgoing.ts';

/**
 * An HMAC of the delivery id under the install's random seed (kept in the store, never sent):
 * stable per delivery, unique across installs, and no reader can count or order rows by it.
 */
function deliveryDigest(m: OutgoingMessage, seed: string): Buffer {
  return createHmac('sha256', seed).update(m.id).digest();
}

/** `<32 hex of the digest@sender's domain>`: a retry of the same delivery carries the same Message-ID. */
function messageIdFor(m: OutgoingMessage, seed: string): string {
  const domain = m.from.email.slice(m.from.email.lastIndexOf('@') + 1);
  return `<${deliveryDigest(m, seed).subarray(0, 16).toString('hex')}@${domain}>`;
}

/** For a transport made without the store's seed (a test send): unique still, stable only within this process. */
export function processSeed(): string {
  return (fallbackSeed ??= randomBytes(12).toString('hex'));
}
let fallbackSeed: string | undefined;

/**
 * The RFC 5322 bytes of a message, CRLF throughout as SMTP carries them; text before HTML so clients prefer HTML.
 * The boundary comes from the same digest as the Message-ID (a hash of the bare id would give the row away), so a delivery always composes the same.
 */
export async function composeMime(m: OutgoingMessage, seed: string): Promise<Buffer> {
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
    messageId: messageIdFor(m, seed),
    newline: 'windows',
    headers: headersFor(m),
    baseBoundary: deliveryDigest(m, seed).subarray(16, 28).toString('hex'),
  } as ConstructorParameters<typeof MailComposerType>[0]);
  return new Promise((resolve, reject) => {
    composer.compile().build((err, out) => (err ? reject(err) : resolve(out)));
  });
}
