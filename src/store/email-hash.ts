import { createHash } from 'node:crypto';
import { domainToASCII } from 'node:url';

/**
 * The comparison form of an address: lower-cased, the domain in ASCII (punycode). Local
 * parts are compared case-insensitively (no mailbox provider we send to tells `Ann@` from
 * `ann@`), while the subscriber's own spelling is what is stored and shown.
 */
function comparable(email: string): string {
  const value = email.trim();
  const at = value.lastIndexOf('@');
  if (at < 0) return value.toLowerCase();
  return `${value.slice(0, at)}@${domainToASCII(value.slice(at + 1).toLowerCase()) || value.slice(at + 1)}`.toLowerCase();
}

/**
 * The key an address is known by: sha256 (hex) of its comparison form. Suppressions hold
 * only this hash, so erasure leaves no address behind.
 */
export function emailHash(email: string): string {
  return createHash('sha256').update(comparable(email), 'utf8').digest('hex');
}

/** Addresses are stored only as `normalizeEmail` (src/subscribers) returns them. */
export function assertNormalized(email: string): void {
  const value = email.trim();
  const at = value.lastIndexOf('@');
  const domain = value.slice(at + 1);
  if (value !== email || at <= 0 || domainToASCII(domain.toLowerCase()) !== domain) {
    throw new Error(`store: address not normalized (use normalizeEmail first): ${JSON.stringify(email.slice(0, 80))}`);
  }
}
