import { Resolver } from 'node:dns/promises';
import type { Config } from '../config/index.ts';
import { fail, ok, warn, type CheckResult } from './check.ts';

/**
 * For tests only: `COURSEMAIL_DNS_SERVER=127.0.0.1:5353` sends doctor's DNS questions to a
 * local server instead of the system's resolvers.
 */
const DNS_SERVER_ENV = 'COURSEMAIL_DNS_SERVER';

type Lookup = (name: string) => Promise<string[] | Error>;

/** TXT records of `name`, each joined from its strings; [] when there are none; an Error when DNS did not answer. */
function txtLookup(env: NodeJS.ProcessEnv): Lookup {
  const resolver = new Resolver({ timeout: 3000, tries: 2 });
  if (env[DNS_SERVER_ENV]) resolver.setServers([env[DNS_SERVER_ENV]]);
  return async (name) => {
    try {
      return (await resolver.resolveTxt(name)).map((parts) => parts.join(''));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      return code === 'ENODATA' || code === 'ENOTFOUND' ? [] : (err as Error);
    }
  };
}

const unanswered = (name: string, host: string, err: Error) =>
  fail(name, `DNS did not answer for ${host} (${err.message}): check your network, then run doctor again.`);

/** Exactly one `v=spf1` record at `host`, naming `include` when there is one to name. */
async function spf(lookup: Lookup, host: string, include: string | undefined, hint: string): Promise<CheckResult> {
  const name = 'DNS: SPF';
  const records = await lookup(host);
  if (records instanceof Error) return unanswered(name, host, records);
  const spfs = records.filter((r) => /^v=spf1(\s|$)/i.test(r));
  const wanted = include ? `"v=spf1 include:${include} ~all"` : '"v=spf1 include:<your provider> ~all"';
  if (spfs.length === 0) return fail(name, `no SPF record at ${host}: add TXT ${host} ${wanted}${hint}.`);
  if (spfs.length > 1) return fail(name, `${spfs.length} SPF records at ${host} (receivers ignore them all): merge them into one, e.g. TXT ${host} ${wanted}.`);
  if (include && !spfs[0]!.split(/\s+/).some((term) => term.toLowerCase().replace(/^[+?~]/, '') === `include:${include}`)) {
    return fail(name, `the SPF record at ${host} ("${spfs[0]}") does not authorise ${include}: add include:${include} to it.`);
  }
  return ok(name, `${host}: ${spfs[0]}`);
}

const bare = (value: string) => value.replace(/["\s]/g, '');

/** `expected`: the key Resend asks for, when it could be read; a different one is a stale key. */
async function dkim(lookup: Lookup, host: string, expected: string | undefined): Promise<CheckResult> {
  const name = 'DNS: DKIM';
  const records = await lookup(host);
  if (records instanceof Error) return unanswered(name, host, records);
  const key = records.find((r) => /(^|;)\s*p=[A-Za-z0-9+/=]+/.test(r));
  if (!key) return fail(name, `no DKIM key at ${host}: add the TXT record ${host} shown at resend.com/domains (it starts "p=MIGf…").`);
  if (expected && bare(key) !== bare(expected))
    return fail(name, `the key at ${host} is not the one Resend signs with: replace the TXT record's value with the one shown at resend.com/domains.`);
  return ok(name, `key published at ${host}${expected ? ', the one Resend signs with' : ''}`);
}

async function dmarc(lookup: Lookup, domain: string): Promise<CheckResult> {
  const name = 'DNS: DMARC';
  const host = `_dmarc.${domain}`;
  const records = await lookup(host);
  if (records instanceof Error) return unanswered(name, host, records);
  const found = records.filter((r) => /^v=DMARC1\s*(;|$)/i.test(r));
  const add = `TXT ${host} "v=DMARC1; p=none; rua=mailto:dmarc@${domain}"`;
  if (found.length === 0) return fail(name, `no DMARC record at ${host} (Gmail and Yahoo require one of bulk senders): add ${add}.`);
  if (found.length > 1) return fail(name, `${found.length} DMARC records at ${host} (receivers ignore them all): keep one.`);
  const policy = /(?:^|;)\s*p\s*=\s*([a-z]+)/i.exec(found[0]!)?.[1]?.toLowerCase();
  if (!policy || !['none', 'quarantine', 'reject'].includes(policy))
    return fail(name, `the DMARC record at ${host} ("${found[0]}") has no valid policy: make it ${add}.`);
  return ok(name, `${host}: p=${policy}`);
}

/**
 * SPF, DKIM and DMARC for the sender's domain. Resend sends from the `send.` subdomain (its
 * return path) through Amazon SES and signs with the `resend._domainkey` key; an SMTP
 * provider's names are not known here, so only the domain's own SPF and DMARC are checked.
 */
export async function dnsChecks(config: Config, env: NodeJS.ProcessEnv, expected: { dkimValue?: string } = {}): Promise<CheckResult[]> {
  const domain = config.sender.email.split('@').pop()!.toLowerCase();
  const lookup = txtLookup(env);
  if (config.transport === 'resend') {
    return Promise.all([
      spf(lookup, `send.${domain}`, 'amazonses.com', ' (as listed at resend.com/domains)'),
      dkim(lookup, `resend._domainkey.${domain}`, expected.dkimValue),
      dmarc(lookup, domain),
    ]);
  }
  const host = config.smtp?.host ?? 'your SMTP provider';
  return Promise.all([
    spf(lookup, domain, undefined, ` with the include your provider (${host}) documents`),
    Promise.resolve(warn('DNS: DKIM', `the selector depends on your provider (${host}): check its DKIM record is published as it documents.`)),
    dmarc(lookup, domain),
  ]);
}
