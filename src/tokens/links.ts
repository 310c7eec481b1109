import { publicId } from './public-id.ts';
import { signToken } from './token.ts';

/** How long a confirmation link stays valid. */
const CONFIRM_TTL_SECONDS = 7 * 24 * 3600;

/** The per-recipient URLs every footer and the List-Unsubscribe header carry. */
export function subscriberLinks(publicUrl: string, secret: string, subscriberId: string) {
  const base = publicUrl.replace(/\/+$/, '');
  const s = publicId(secret, 'subscriber', subscriberId);
  return {
    unsubscribeUrl: `${base}/u/${signToken('unsubscribe', { s }, secret)}`,
    preferencesUrl: `${base}/p/${signToken('preferences', { s }, secret)}`,
  };
}

export function confirmUrl(publicUrl: string, secret: string, subscriberId: string, nonce: string, now: Date): string {
  const e = Math.floor(now.getTime() / 1000) + CONFIRM_TTL_SECONDS;
  return `${publicUrl.replace(/\/+$/, '')}/confirm/${signToken('confirm', { s: publicId(secret, 'subscriber', subscriberId), n: nonce, e }, secret)}`;
}
