import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Resend } from 'resend';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeResend, type FakeResend } from '../support/fake-resend.ts';
import { REPO } from '../support/project.ts';

/** Resend's OpenAPI document: vendored into tests/fixtures once it is, else the shared copy beside the project. */
const SPEC = [join(REPO, 'tests/fixtures/resend-openapi/resend.yaml'), join(REPO, '../shared/vendor/resend-openapi/resend.yaml')].find((f) => existsSync(f));

type Schema = { type?: string; properties?: Record<string, Schema>; items?: Schema; enum?: unknown[]; $ref?: string };

/** Every property the answer holds is declared by the schema, with the declared type and enum. */
function breaks(doc: Record<string, any>, schema: Schema, value: unknown, at: string): string[] {
  const s: Schema = schema.$ref
    ? schema.$ref
        .slice(2)
        .split('/')
        .reduce((o: any, k) => o[k], doc)
    : schema;
  if (s.enum && !s.enum.includes(value)) return [`${at}: ${JSON.stringify(value)} is not one of ${s.enum.join(', ')}`];
  if (s.type === 'array') return Array.isArray(value) ? value.flatMap((v, i) => breaks(doc, s.items!, v, `${at}[${i}]`)) : [`${at}: not an array`];
  if (s.type === 'object' || s.properties) {
    if (typeof value !== 'object' || value === null) return [`${at}: not an object`];
    return Object.entries(value).flatMap(([k, v]) => (s.properties?.[k] ? breaks(doc, s.properties[k], v, `${at}.${k}`) : [`${at}.${k}: not in the document`]));
  }
  const type = s.type === 'integer' ? 'number' : s.type;
  return type && typeof value !== type ? [`${at}: ${typeof value}, the document says ${s.type}`] : [];
}

let server: FakeResend;
beforeAll(async () => {
  server = await startFakeResend({
    apiKey: 're_key',
    domains: [
      { name: 'riveracoaching.net', status: 'verified' },
      { name: 'news.riveracoaching.net', status: 'pending' },
    ],
  });
});
afterAll(() => server.close());

describe('the fake Resend domains API', () => {
  it('answers domains/list and domains/get in the shapes of Resend’s OpenAPI document, through the SDK', async () => {
    expect(SPEC, 'Resend’s OpenAPI document').toBeDefined();
    const doc = parse(readFileSync(SPEC!, 'utf8')) as Record<string, any>;
    const client = new Resend('re_key', { baseUrl: server.url });
    const list = await client.domains.list();
    expect(list.error).toBeNull();
    expect(breaks(doc, doc.paths['/domains'].get.responses['200'].content['application/json'].schema, list.data, 'list')).toEqual([]);
    expect(list.data!.data.map((d) => [d.name, d.status])).toEqual([
      ['riveracoaching.net', 'verified'],
      ['news.riveracoaching.net', 'pending'],
    ]);
    const one = await client.domains.get(list.data!.data[1]!.id);
    expect(one.error).toBeNull();
    expect(breaks(doc, doc.paths['/domains/{domain_id}'].get.responses['200'].content['application/json'].schema, one.data, 'domain')).toEqual([]);
    expect(one.data!.records.map((r) => `${r.record} ${r.name}`)).toContain('DKIM resend._domainkey');
  });
  it('pages with limit and after, and refuses a wrong key as Resend does', async () => {
    const client = new Resend('re_key', { baseUrl: server.url });
    const first = await client.domains.list({ limit: 1 });
    expect(first.data).toMatchObject({ has_more: true, data: [{ name: 'riveracoaching.net' }] });
    const second = await client.domains.list({ limit: 1, after: first.data!.data[0]!.id });
    expect(second.data).toMatchObject({ has_more: false, data: [{ name: 'news.riveracoaching.net' }] });
    const refused = await new Resend('re_other', { baseUrl: server.url }).domains.list();
    expect(refused.error).toMatchObject({ name: 'invalid_api_key', statusCode: 403 });
  });
});
