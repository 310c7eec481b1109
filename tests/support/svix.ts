/**
 * Signs webhook requests exactly as Resend (through Svix) does, written from the documented
 * scheme and not from the SDK, so the tests check the SDK against the spec:
 * - the secret is `whsec_` + base64 of the key bytes;
 * - the signed content is `${svix-id}.${svix-timestamp}.${raw body}` (timestamp in whole
 *   seconds since the epoch);
 * - `svix-signature` is `v1,` + base64(HMAC-SHA256(key, content)); several may be given,
 *   space-separated (key rotation).
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';

export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

export function svixSignature(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`, 'utf8').digest('base64')}`;
}

export interface SignOptions {
  /** Default: a fresh `msg_…` id. */
  id?: string;
  /** Default: now. */
  at?: Date;
}

/** The three headers Resend sends with `body`. */
export function svixHeaders(secret: string, body: string, opts: SignOptions = {}): Record<string, string> {
  const id = opts.id ?? `msg_${randomUUID().replaceAll('-', '')}`;
  const timestamp = Math.floor((opts.at ?? new Date()).getTime() / 1000);
  return {
    'content-type': 'application/json',
    'svix-id': id,
    'svix-timestamp': String(timestamp),
    'svix-signature': svixSignature(secret, id, timestamp, body),
  };
}

/** A Resend email event as documented (resend.com/docs/webhooks), for `email_id`. */
export function resendEvent(type: string, emailId: string, extra: Record<string, unknown> = {}, to = 'reader@example.com'): string {
  return JSON.stringify({
    type,
    created_at: new Date().toISOString(),
    data: {
      created_at: new Date().toISOString(),
      email_id: emailId,
      from: 'Course <course@example.com>',
      to: [to],
      subject: 'A lesson',
      ...extra,
    },
  });
}

export const permanentBounce = { bounce: { message: "The recipient's mail server permanently rejected the email.", subType: 'General', type: 'Permanent' } };
export const transientBounce = { bounce: { message: 'Mailbox full.', subType: 'MailboxFull', type: 'Transient' } };
