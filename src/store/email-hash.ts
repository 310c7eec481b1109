import { createHash } from 'node:crypto';

/**
 * The key an address is known by: sha256 (hex) of the normalized address lower-cased.
 * Local parts are compared case-insensitively (no mailbox provider we send to tells
 * `Ann@` from `ann@`), while the subscriber's own spelling is kept for display.
 * Suppressions hold only this hash, so erasure leaves no address behind.
 */
export function emailHash(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase(), 'utf8').digest('hex');
}
