import { domainToASCII } from 'node:url';
import type { Problem } from '../shared/index.ts';

export type NormalizedEmail = { email: string } | { problem: Problem };

// RFC 5321/5322 dot-atom local part. Quoted local parts and non-ASCII (SMTPUTF8) local
// parts are refused: few servers accept them and no subscriber has needed one.
const LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

const problem = (code: string, message: string): NormalizedEmail => ({ problem: { code: `email.${code}`, message, field: 'email' } });

/**
 * The one form an address is stored and compared in: trimmed, the local part as typed (compared case-insensitively, see `emailHash`), the domain
 * lower-cased and punycoded (`bücher.example` → `xn--bcher-kva.example`). Anything not a plain address is refused with the reason, never half-stored.
 */
export function normalizeEmail(input: unknown): NormalizedEmail {
  if (typeof input !== 'string') return problem('missing', 'an email address is required');
  // Checked before trimming: a CR/LF anywhere means the value was tampered with (header injection).
  if (/[\r\n]/.test(input)) return problem('control', 'the address contains a line break');
  const value = input.trim();
  if (value === '') return problem('missing', 'an email address is required');
  if (/[\u0000-\u001f\u007f\s]/.test(value)) return problem('syntax', 'the address contains spaces or control characters');
  const at = value.lastIndexOf('@');
  if (at <= 0 || at === value.length - 1) return problem('syntax', 'the address needs the form name@domain');
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  if (local.length > 64) return problem('local-too-long', `the part before @ is ${local.length} characters; at most 64 are allowed`);
  if (!LOCAL.test(local)) return problem('syntax', 'the part before @ has characters an address cannot contain');
  const ascii = domainToASCII(domain.toLowerCase());
  if (!ascii) return problem('domain', `"${domain}" is not a valid domain`);
  const labels = ascii.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l)) || /^[0-9]+$/.test(labels[labels.length - 1]!)) {
    return problem('domain', `"${domain}" is not a valid domain`);
  }
  const email = `${local}@${ascii}`;
  if (email.length > 254) return problem('too-long', `the address is ${email.length} characters; at most 254 are allowed`);
  return { email };
}
