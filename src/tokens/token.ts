import { createHmac, timingSafeEqual } from 'node:crypto';
import { rowIdOf } from './public-id.ts';

/**
 * Signed, stateless tokens for the links in every message: confirm, unsubscribe,
 * preferences. `purpose` is signed in, so an unsubscribe token can never confirm.
 * Format: base64url(JSON payload) "." base64url(HMAC-SHA256(secret, purpose + "." + payload)).
 */
export type TokenPurpose = 'confirm' | 'unsubscribe' | 'preferences';

export interface TokenPayload {
  /**
   * Subscriber: signed as its public id (public-id.ts), returned by `verifyToken` as the row
   * id. Links made before public ids carry the row id itself, and still work.
   */
  s: string;
  /** Expiry, seconds since the epoch; absent for links that must keep working (unsubscribe). */
  e?: number;
  /** Single-use nonce (confirmation): must match what the store holds. */
  n?: string;
}

export type VerifyResult = { ok: true; payload: TokenPayload } | { ok: false; reason: 'malformed' | 'bad-signature' | 'expired' };

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

/** 32 bytes of HMAC-SHA256 as unpadded base64url. */
const SIGNATURE_CHARS = 43;
const ALPHABET = /^[A-Za-z0-9_-]+$/;

/**
 * The bytes of `text` when it is canonical unpadded base64url, else null. Node's decoder
 * forgives padding, stray characters and unused trailing bits, so a link could be spelled
 * many ways; only the spelling we would have written ourselves is accepted.
 */
function canonical(text: string): Buffer | null {
  if (!ALPHABET.test(text)) return null;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : null;
}

/** The token's body when `token` is canonical and signed with `secret` for `purpose`, else why not. */
function signedBody(purpose: TokenPurpose, token: string, secret: string): Buffer | 'malformed' | 'bad-signature' {
  if (typeof token !== 'string' || token.length > 512) return 'malformed';
  const dot = token.indexOf('.');
  if (dot <= 0 || dot !== token.lastIndexOf('.')) return 'malformed';
  const body = token.slice(0, dot);
  const signature = token.slice(dot + 1);
  const given = signature.length === SIGNATURE_CHARS ? canonical(signature) : null;
  const decoded = canonical(body);
  if (!given || !decoded) return 'malformed';
  const expected = mac(secret, purpose, body);
  // Constant-time: the comparison does not reveal how many leading bytes matched.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'bad-signature';
  return decoded;
}

/** True when `token` is canonical and signed with `secret`, whatever it holds or when it expires. */
export function isSignedWith(purpose: TokenPurpose, token: string, secret: string): boolean {
  return Buffer.isBuffer(signedBody(purpose, token, secret));
}

export function verifyToken(purpose: TokenPurpose, token: string, secret: string, now: Date): VerifyResult {
  const decoded = signedBody(purpose, token, secret);
  if (!Buffer.isBuffer(decoded)) return { ok: false, reason: decoded };
  let payload: TokenPayload;
  try {
    payload = JSON.parse(decoded.toString('utf8')) as TokenPayload;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (!payload || typeof payload.s !== 'string') return { ok: false, reason: 'malformed' };
  if (payload.e !== undefined && payload.e * 1000 < now.getTime()) return { ok: false, reason: 'expired' };
  const row = /^[1-9][0-9]{0,14}$/.test(payload.s) ? payload.s : rowIdOf(secret, 'subscriber', payload.s);
  if (row === null) return { ok: false, reason: 'malformed' };
  return { ok: true, payload: { ...payload, s: row } };
}
