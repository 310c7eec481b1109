import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed, stateless tokens for the links in every message: confirm, unsubscribe,
 * preferences. `purpose` is signed in, so an unsubscribe token can never confirm.
 * Format: base64url(JSON payload) "." base64url(HMAC-SHA256(secret, purpose + "." + payload)).
 */
export type TokenPurpose = 'confirm' | 'unsubscribe' | 'preferences';

export interface TokenPayload {
  /** Subscriber id. */
  s: string;
  /** Expiry, seconds since the epoch; absent for links that must keep working (unsubscribe). */
  e?: number;
  /** Single-use nonce (confirmation): must match what the store holds. */
  n?: string;
}

export type VerifyResult =
  | { ok: true; payload: TokenPayload }
  | { ok: false; reason: 'malformed' | 'bad-signature' | 'expired' };

const b64 = (buf: Buffer | string) => Buffer.from(buf).toString('base64url');

const hmac = (secret: string, purpose: TokenPurpose, body: string) => createHmac('sha256', secret).update(`${purpose}.${body}`);

function mac(secret: string, purpose: TokenPurpose, body: string): Buffer {
  return hmac(secret, purpose, body).digest();
}

export function signToken(purpose: TokenPurpose, payload: TokenPayload, secret: string): string {
  const body = b64(JSON.stringify(payload));
  // Encoded by the digest itself: every message's links are signed as it is filled.
  return `${body}.${hmac(secret, purpose, body).digest('base64url')}`;
}

export function verifyToken(purpose: TokenPurpose, token: string, secret: string, now: Date): VerifyResult {
  if (typeof token !== 'string' || token.length > 512) return { ok: false, reason: 'malformed' };
  const dot = token.indexOf('.');
  if (dot <= 0 || dot !== token.lastIndexOf('.')) return { ok: false, reason: 'malformed' };
  const body = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1), 'base64url');
  const expected = mac(secret, purpose, body);
  // Constant-time: the comparison does not reveal how many leading bytes matched.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad-signature' };
  let payload: TokenPayload;
  try {
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as TokenPayload;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (!payload || typeof payload.s !== 'string') return { ok: false, reason: 'malformed' };
  if (payload.e !== undefined && payload.e * 1000 < now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, payload };
}
