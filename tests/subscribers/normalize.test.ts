import { describe, expect, it } from 'vitest';
import { nameProblem, normalizeEmail, sanitizeName, validateTimezone } from '../../src/subscribers/index.ts';

const ok = (input: string) => {
  const r = normalizeEmail(input);
  if ('problem' in r) throw new Error(`refused ${input}: ${r.problem.message}`);
  return r.email;
};
const refusal = (input: unknown) => {
  const r = normalizeEmail(input);
  if (!('problem' in r)) throw new Error(`accepted ${String(input)} as ${r.email}`);
  return r.problem;
};

describe('normalizeEmail', () => {
  it('trims, lower-cases the domain and keeps the local part as typed', () => {
    expect(ok('  Jane.Doe@Example.COM ')).toBe('Jane.Doe@example.com');
  });

  it('converts an internationalized domain to punycode', () => {
    expect(ok('anna@Bücher.example')).toBe('anna@xn--bcher-kva.example');
    expect(ok('dr@例え.テスト')).toBe('dr@xn--r8jz45g.xn--zckzah');
  });

  it('refuses CR/LF anywhere, even at the ends where trimming would hide it', () => {
    expect(refusal('a@example.com\r\nBcc: victim@example.com').code).toBe('email.control');
    expect(refusal('a@example.com\n').code).toBe('email.control');
  });

  it('refuses a local part over 64 characters with its length', () => {
    const p = refusal(`${'a'.repeat(300)}@example.com`);
    expect(p.code).toBe('email.local-too-long');
    expect(p.message).toContain('300');
    expect(ok(`${'a'.repeat(64)}@example.com`)).toHaveLength(76);
  });

  it('refuses addresses over 254 characters', () => {
    const domain = `${'d'.repeat(60)}.${'e'.repeat(60)}.${'f'.repeat(60)}.${'g'.repeat(60)}.com`;
    expect(refusal(`${'a'.repeat(10)}@${domain}`).code).toBe('email.too-long');
  });

  it.each([
    ['no at sign', 'plainaddress'],
    ['two at signs', 'a@b@example.com'],
    ['empty local part', '@example.com'],
    ['empty domain', 'a@'],
    ['space inside', 'a b@example.com'],
    ['double dot', 'a..b@example.com'],
    ['hyphen-led label', 'a@-example.com'],
    ['single label', 'a@localhost'],
    ['numeric top-level', 'a@1.2.3.4'],
    ['quoted local part', '"a b"@example.com'],
    ['not a string', 42],
  ])('refuses %s', (_label, input) => {
    expect(refusal(input).field).toBe('email');
  });
});

describe('validateTimezone', () => {
  it('accepts IANA zones in canonical spelling, and empty as unknown', () => {
    expect(validateTimezone('America/Chicago')).toEqual({ timezone: 'America/Chicago' });
    expect(validateTimezone('america/chicago')).toEqual({ timezone: 'America/Chicago' });
    expect(validateTimezone('  ')).toEqual({ timezone: null });
    expect(validateTimezone(undefined)).toEqual({ timezone: null });
  });

  it('refuses unknown zones and junk', () => {
    expect(validateTimezone('Mars/Olympus_Mons')).toHaveProperty('problem.code', 'timezone.invalid');
    expect(validateTimezone('UTC\r\nX-Evil: 1')).toHaveProperty('problem.code', 'timezone.invalid');
  });
});

describe('sanitizeName', () => {
  it('never keeps CR/LF or other control characters', () => {
    expect(sanitizeName('Jane\r\nBcc: victim@example.com')).toBe('Jane Bcc: victim@example.com');
    expect(sanitizeName('\u0000Ann\u0007e\t')).toBe('Ann e');
  });

  it('trims, collapses spaces, cuts at 100 characters, and treats empty as no name', () => {
    expect(sanitizeName('  Dr.   Ann  ')).toBe('Dr. Ann');
    expect(sanitizeName('x'.repeat(300))).toHaveLength(100);
    expect(sanitizeName('\r\n ')).toBeNull();
  });

  it('cuts on grapheme boundaries: an emoji or an accent at the cut is kept whole or left out, never halved', () => {
    const family = '👩\u200D👩\u200D👧'; // one grapheme, five code points
    expect(sanitizeName(`${'x'.repeat(99)}${family}tail`)).toBe(`${'x'.repeat(99)}${family}`);
    expect(sanitizeName(`${'x'.repeat(99)}😀😀`)).toBe(`${'x'.repeat(99)}😀`);
    expect(sanitizeName(`${'x'.repeat(99)}e\u0301\u0301z`)).toBe(`${'x'.repeat(99)}é\u0301`);
    expect(sanitizeName('🇺🇸'.repeat(120))).toBe('🇺🇸'.repeat(100));
  });
});

describe('nameProblem', () => {
  it('refuses names holding a web address, an email address or markup, saying which', () => {
    for (const name of [
      'Visit https://evil.example/login to claim your refund,',
      'www.evil.example',
      'Go to evil.example now',
      'bit.ly/x',
      'HTTP://EVIL.EXAMPLE',
    ]) {
      expect(nameProblem(sanitizeName(name)), name).toBe('a first name cannot contain a web address');
    }
    expect(nameProblem('write to refunds@evil.example')).toBe('a first name cannot contain an email address');
    expect(nameProblem('<b>Ann</b>')).toBe('a first name cannot contain < or >');
  });

  it('keeps ordinary names, initials and titles', () => {
    for (const name of ['Ann', 'Dr. Ann', 'J.R.', 'St.John', 'Mary-Kate O’Neil', 'نرگس', 'Zoë', 'A. B. Smith', null])
      expect(nameProblem(name), String(name)).toBeUndefined();
  });
});
