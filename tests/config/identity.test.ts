import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configSchema, identityProblems, type Config } from '../../src/config/index.ts';

const example = configSchema.parse(JSON.parse(readFileSync(new URL('../fixtures/project/coursemail.config.json', import.meta.url), 'utf8')));

const real: Config = configSchema.parse({
  sender: { name: 'Dr. Lee Coaching', email: 'lee@leecoaching.org', replyTo: 'lee@leecoaching.org' },
  postalAddress: '12 Harbor Road, Suite 3, Portland, ME 04101, USA',
  siteUrl: 'https://leecoaching.org',
  publicUrl: 'https://mail.leecoaching.org',
  consultationUrl: 'https://leecoaching.org/book',
  links: { 'coaching-for-physicians': 'https://leecoaching.org/physicians' },
  transport: 'resend',
});

describe('identityProblems: a real send refuses the example identity', () => {
  it('accepts a real identity with every transport', () => {
    for (const kind of ['outbox', 'smtp', 'resend'] as const) expect(identityProblems(real, kind)).toEqual([]);
  });

  it('accepts the example config with the outbox', () => {
    expect(identityProblems(example, 'outbox')).toEqual([]);
  });

  const cases: [string, Partial<Config>, string, RegExp][] = [
    ['sender on example.com', { sender: { name: 'x', email: 'coach@example.com' } }, 'sender.email', /example\.com is reserved.*Put the address you send from/],
    ['reply-to on .test', { sender: { name: 'x', email: 'lee@leecoaching.org', replyTo: 'me@mail.test' } }, 'sender.replyTo', /\.test is reserved/],
    [
      'the example street',
      { postalAddress: '100 Example Street, Suite 200, Springfield, IL 62701, USA' },
      'postalAddress',
      /example's address\. Put your real postal address here/,
    ],
    ['publicUrl on localhost', { publicUrl: 'http://localhost:3000' }, 'publicUrl', /localhost only reaches this machine.*https address/],
    ['publicUrl on a loopback address', { publicUrl: 'https://127.0.0.1:8443' }, 'publicUrl', /loopback/],
    ['publicUrl over http', { publicUrl: 'http://mail.leecoaching.org' }, 'publicUrl', /not https.*RFC 8058/],
    ['siteUrl on example.org', { siteUrl: 'https://www.example.org' }, 'siteUrl', /example\.org is reserved.*your own site/],
    ['consultation on example.net', { consultationUrl: 'https://example.net/book' }, 'consultationUrl', /example\.net/],
    ['a link on example.com', { links: { guide: 'https://example.com/guide' } }, 'links.guide', /"link:guide"/],
    ['a link on [::1]', { links: { guide: 'http://[::1]/guide' } }, 'links.guide', /loopback/],
  ];
  for (const kind of ['smtp', 'resend'] as const) {
    for (const [name, patch, field, message] of cases) {
      it(`${kind}: refuses ${name}, naming ${field}`, () => {
        const problems = identityProblems({ ...real, ...patch }, kind);
        expect(problems.map((p) => p.field)).toEqual([field]);
        expect(problems[0]!.message).toMatch(message);
        expect(problems[0]!.message).toContain(`transport "${kind}"`);
        expect(problems[0]!.file).toBe('coursemail.config.json');
      });
    }
  }

  it('names every placeholder of the example config for resend', () => {
    expect(
      identityProblems(example, 'resend')
        .map((p) => p.field)
        .sort(),
    ).toEqual(
      [
        'coach.name',
        'consultationUrl',
        'links.burnout-solutions',
        'links.coaching-conversation',
        'links.coaching-for-physicians',
        'links.compartmentalization',
        'postalAddress',
        'publicUrl',
        'sender.email',
        'siteUrl',
      ].sort(),
    );
  });
});
