import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A fresh unguessable value (256 bits), for session ids, link ids and browser nonces. */
export const randomId = () => randomBytes(32).toString('base64url');

/** What the store keeps instead of a secret value: a stolen copy of the database signs nobody in. */
export const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/** Constant-time: a comparison does not reveal how many leading characters matched. */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The session's CSRF token: derived, so nothing more is stored, and useless with another session. */
export const csrfToken = (secret: string, sessionId: string) => createHmac('sha256', secret).update(`admin-csrf.${sessionId}`).digest('base64url');
