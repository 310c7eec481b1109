import { isIP } from 'node:net';
import type { Problem } from '../shared/index.ts';
import { CONFIG_FILE } from './load.ts';
import type { Config } from './schema.ts';

/** Names reserved for examples and tests (RFC 2606, RFC 6761): no reader can be sent there. */
const PLACEHOLDER_DOMAINS = ['example.com', 'example.org', 'example.net'];
const PLACEHOLDER_TLDS = ['example', 'test', 'invalid', 'localhost'];

/** Why a host cannot be a real sender's or reader's destination, or undefined when it can. */
function placeholderHost(raw: string): string | undefined {
  const host = raw
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
  if (host === 'localhost') return 'localhost only reaches this machine';
  if (isIP(host)) {
    if (/^127\./.test(host) || host === '::1' || host === '0.0.0.0' || host === '::') return `${host} is a loopback address`;
    return undefined;
  }
  const domain = PLACEHOLDER_DOMAINS.find((d) => host === d || host.endsWith(`.${d}`));
  if (domain) return `${domain} is reserved for examples`;
  const tld = PLACEHOLDER_TLDS.find((t) => host.endsWith(`.${t}`));
  return tld ? `.${tld} is reserved for examples and tests` : undefined;
}

function urlHost(url: string): string | undefined {
  try {
    return new URL(url).hostname;
  } catch {
    return undefined;
  }
}

type IdentityFields = Pick<Config, 'sender' | 'postalAddress' | 'siteUrl' | 'publicUrl' | 'consultationUrl' | 'links'> & Partial<Pick<Config, 'coach'>>;

/**
 * What keeps this config from a real send (`smtp`, `resend`): the example's placeholder
 * sender, postal address and URLs (CAN-SPAM wants a real address; RFC 8058 an https
 * unsubscribe link). The outbox writes files only, so it takes the example as it is.
 */
export function identityProblems(config: IdentityFields, transportKind: Config['transport']): Problem[] {
  if (transportKind === 'outbox') return [];
  const problems: Problem[] = [];
  const add = (field: string, message: string) =>
    problems.push({ code: 'config.placeholder', file: CONFIG_FILE, field, message: `${message} (transport "${transportKind}" sends real email)` });

  const addresses: [string, string | undefined, string][] = [
    ['sender.email', config.sender.email, 'the address you send from, on a domain you have verified with your provider'],
    ['sender.replyTo', config.sender.replyTo, 'an address that reaches you, or remove it'],
  ];
  for (const [field, address, want] of addresses) {
    const why = address ? placeholderHost(address.slice(address.lastIndexOf('@') + 1)) : undefined;
    if (why) add(field, `"${address}" is a placeholder: ${why}. Put ${want} here`);
  }
  // The coach signs every lesson and is named in the footer: the example's name must not reach a reader.
  if (config.coach && /\bexample\b/i.test(config.coach.name)) {
    add('coach.name', `"${config.coach.name}" is the example's coach. Put your own name here, or remove "coach"`);
  }
  if (/example\s+(street|st\.?|avenue|ave\.?|road|rd\.?)\b/i.test(config.postalAddress)) {
    add('postalAddress', `"${config.postalAddress}" is the example's address. Put your real postal address here (CAN-SPAM requires one in every message)`);
  }

  const urls: [string, string | undefined, string][] = [
    ['siteUrl', config.siteUrl, 'your own site'],
    ['publicUrl', config.publicUrl, 'the https address where `coursemail serve` is reachable from the internet'],
    ['consultationUrl', config.consultationUrl, 'the page where a reader books a consultation'],
    ...Object.entries(config.links).map(([name, url]): [string, string, string] => [`links.${name}`, url, `the page "link:${name}" should open`]),
  ];
  for (const [field, url, want] of urls) {
    const host = url ? urlHost(url) : undefined;
    const why = host ? placeholderHost(host) : undefined;
    if (why) add(field, `"${url}" is a placeholder: ${why}. Put ${want} here`);
    else if (field === 'publicUrl' && url && !url.startsWith('https://')) {
      add(field, `"${url}" is not https: unsubscribe and confirm links must be https (RFC 8058). Put ${want} here`);
    }
  }
  return problems;
}
