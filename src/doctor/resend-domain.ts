import { Resend } from 'resend';
import { fail, ok, warn, type CheckResult } from './check.ts';

const RESEND_API = 'https://api.resend.com';

export interface ResendFindings {
  results: CheckResult[];
  /** The DKIM key Resend asks the domain to publish, when it could be read. */
  dkimValue?: string;
}

/** The sender's domain as Resend knows it: the key is tried by listing the account's domains. */
export async function resendChecks(env: NodeJS.ProcessEnv, senderDomain: string): Promise<ResendFindings> {
  const keyName = 'Resend: API key';
  const domainName = `Resend: ${senderDomain}`;
  const apiKey = env.RESEND_API_KEY;
  if (!apiKey) return { results: [fail(keyName, 'RESEND_API_KEY is not set, so the key and the domain could not be checked.')] };
  const client = new Resend(apiKey, { baseUrl: (env.RESEND_BASE_URL ?? RESEND_API).replace(/\/+$/, '') });
  const found: { id: string; name: string; status: string }[] = [];
  for (let after: string | undefined, page = 0; page < 20; page++) {
    const res = await client.domains.list(after ? { limit: 100, after } : { limit: 100 });
    if (res.error) {
      if (res.error.name === 'restricted_api_key') {
        return {
          results: [
            ok(keyName, 'the key works (sending access only)'),
            warn(domainName, 'a sending-only key cannot read domains: check the domain shows "Verified" at resend.com/domains.'),
          ],
        };
      }
      const fix =
        res.error.name === 'invalid_api_key' || res.error.name === 'missing_api_key'
          ? 'create a new key at resend.com/api-keys and put it in RESEND_API_KEY.'
          : 'try again, or check status.resend.com.';
      return { results: [fail(keyName, `Resend refused it (${res.error.name}: ${res.error.message}): ${fix}`)] };
    }
    found.push(...res.data.data);
    if (!res.data.has_more || res.data.data.length === 0) break;
    after = res.data.data.at(-1)!.id;
  }
  const keyOk = ok(keyName, 'the key works');
  const domain = found.find((d) => d.name.toLowerCase() === senderDomain.toLowerCase());
  if (!domain)
    return { results: [keyOk, fail(domainName, `not added to Resend: add ${senderDomain} at resend.com/domains and create the DNS records it lists.`)] };
  const detail = await client.domains.get(domain.id);
  const dkimValue = detail.data?.records.find((r) => r.record === 'DKIM' && r.type === 'TXT')?.value;
  if (domain.status === 'verified') return { results: [keyOk, ok(domainName, 'verified in Resend')], dkimValue };
  return {
    results: [
      keyOk,
      fail(domainName, `${domain.status.replace('_', ' ')} in Resend: add the DNS records listed at resend.com/domains, then press "Verify DNS Records".`),
    ],
    dkimValue,
  };
}
