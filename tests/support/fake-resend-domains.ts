/**
 * The domains part of the fake Resend server: GET /domains (ListDomainsResponse) and
 * GET /domains/{id} (Domain), shaped as in Resend's OpenAPI document (domains/list,
 * domains/get). Enough for `coursemail doctor` to ask whether the sender's domain is verified.
 */
import { randomUUID } from 'node:crypto';

/** The DKIM key every fake domain asks for; the local DNS server's good records publish it. */
export const FAKE_DKIM_VALUE = 'p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDfakekey';

export type FakeDomainStatus = 'pending' | 'verified' | 'failed' | 'not_started' | 'partially_verified' | 'partially_failed';

export interface FakeDomain {
  name: string;
  status: FakeDomainStatus;
}

interface StoredDomain extends FakeDomain {
  id: string;
  created_at: string;
}

export interface DomainsAnswer {
  status: number;
  body: unknown;
}

const error = (status: number, name: string, message: string): DomainsAnswer => ({ status, body: { statusCode: status, name, message } });

export function fakeDomains(initial: FakeDomain[]) {
  let domains: StoredDomain[] = [];
  const set = (list: FakeDomain[]) => {
    domains = list.map((d) => ({ ...d, id: randomUUID(), created_at: '2026-11-02 09:14:05.123456+00' }));
  };
  set(initial);

  const item = (d: StoredDomain) => ({
    id: d.id,
    name: d.name,
    status: d.status,
    created_at: d.created_at,
    region: 'us-east-1',
    open_tracking: false,
    click_tracking: false,
    capabilities: { sending: 'enabled', receiving: 'disabled' },
  });

  const records = (d: StoredDomain) => {
    const status = d.status === 'verified' ? 'verified' : d.status === 'not_started' ? 'not_started' : 'pending';
    return [
      { record: 'SPF', name: 'send', type: 'MX', ttl: 'Auto', status, value: 'feedback-smtp.us-east-1.amazonses.com', priority: 10 },
      { record: 'SPF', name: 'send', type: 'TXT', ttl: 'Auto', status, value: '"v=spf1 include:amazonses.com ~all"' },
      { record: 'DKIM', name: 'resend._domainkey', type: 'TXT', ttl: 'Auto', status, value: FAKE_DKIM_VALUE },
    ];
  };

  return {
    set,
    answer(method: string, path: string, query: URLSearchParams): DomainsAnswer {
      if (method !== 'GET') return error(405, 'method_not_allowed', 'Method is not allowed for the requested path.');
      if (path === '/domains') {
        const limit = Math.min(100, Math.max(1, Number(query.get('limit') ?? 20)));
        const after = query.get('after');
        const start = after ? domains.findIndex((d) => d.id === after) + 1 : 0;
        const page = domains.slice(start, start + limit);
        return { status: 200, body: { object: 'list', has_more: start + limit < domains.length, data: page.map(item) } };
      }
      const id = /^\/domains\/([^/]+)$/.exec(path)?.[1];
      const found = domains.find((d) => d.id === id);
      if (!found) return error(404, 'not_found', 'Domain not found');
      return { status: 200, body: { object: 'domain', ...item(found), records: records(found) } };
    },
  };
}
