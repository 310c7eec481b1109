import { describe, expect, it } from 'vitest';
import { confirmUrl, publicId, rowIdOf, signToken, signingSecret, subscriberLinks, verifyToken } from '../../src/tokens/index.ts';

const SECRET = 'x'.repeat(40);
const now = new Date('2026-12-01T12:00:00Z');

describe('signed tokens', () => {
  it('round-trips and binds the purpose', () => {
    const t = signToken('unsubscribe', { s: '42' }, SECRET);
    expect(verifyToken('unsubscribe', t, SECRET, now)).toEqual({ ok: true, payload: { s: '42' } });
    expect(verifyToken('confirm', t, SECRET, now)).toEqual({ ok: false, reason: 'bad-signature' });
  });
  it('refuses tampered payloads, other secrets and junk', () => {
    const t = signToken('unsubscribe', { s: '42' }, SECRET);
    const [body, sig] = t.split('.') as [string, string];
    const forged = `${Buffer.from(JSON.stringify({ s: '43' })).toString('base64url')}.${sig}`;
    expect(verifyToken('unsubscribe', forged, SECRET, now).ok).toBe(false);
    expect(verifyToken('unsubscribe', `${body}.${sig.slice(0, -2)}`, SECRET, now)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyToken('unsubscribe', t, 'y'.repeat(40), now).ok).toBe(false);
    for (const junk of ['', '.', 'abc', 'a.b.c', 'x'.repeat(600), '%00.%00']) expect(verifyToken('unsubscribe', junk, SECRET, now).ok).toBe(false);
  });
  it('accepts only the canonical spelling: no padding, no other final character, nothing inserted or appended', () => {
    const t = signToken('preferences', { s: '42' }, SECRET);
    const [body, sig] = t.split('.') as [string, string];
    expect(sig).toHaveLength(43);
    // The last of 43 characters carries 2 unused bits: three other characters decode to the same bytes.
    const last = sig.at(-1)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sameBytes = [...alphabet].filter((ch) => ch !== last && Buffer.from(sig.slice(0, -1) + ch, 'base64url').equals(Buffer.from(sig, 'base64url')));
    expect(sameBytes).toHaveLength(3);
    const variants = [
      ...sameBytes.map((ch) => `${body}.${sig.slice(0, -1)}${ch}`),
      `${t}=`,
      `${body}=.${sig}`,
      `${body}.${sig.slice(0, 10)}!${sig.slice(10)}`,
      `${body}.${sig} `,
      `${body}.${sig}\r\n`,
      `${body}.${sig.slice(0, 5)}%20${sig.slice(5)}`,
      `${body}!.${sig}`,
      `${body}.${sig}A`,
    ];
    for (const v of variants) expect(verifyToken('preferences', v, SECRET, now), JSON.stringify(v)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyToken('preferences', t, SECRET, now)).toEqual({ ok: true, payload: { s: '42' } });
  });
  it('links carry an opaque public id, never the row id; it maps back only under the same secret and kind', () => {
    const ids = ['1', '2', '3', '4'].map((id) => subscriberLinks('https://e.com', SECRET, id).preferencesUrl.split('/').pop()!);
    const payloads = ids.map((t) => JSON.parse(Buffer.from(t.split('.')[0]!, 'base64url').toString()) as { s: string });
    for (const p of payloads) expect(p.s).toMatch(/^[\w-]{22}$/);
    expect(new Set(payloads.map((p) => p.s)).size).toBe(4);
    for (const [i, t] of ids.entries()) expect(verifyToken('preferences', t, SECRET, now)).toEqual({ ok: true, payload: { s: String(i + 1) } });
    const sealed = publicId(SECRET, 'subscriber', '7');
    expect(rowIdOf(SECRET, 'subscriber', sealed)).toBe('7');
    expect(rowIdOf(SECRET, 'delivery', sealed)).toBeNull();
    expect(rowIdOf('z'.repeat(40), 'subscriber', sealed)).toBeNull();
    expect(rowIdOf(SECRET, 'delivery', publicId(SECRET, 'delivery', '7'))).toBe('7');
    // A signed payload whose id is neither public nor a legacy row id is refused.
    expect(verifyToken('preferences', signToken('preferences', { s: 'AAAAAAAAAAAAAAAAAAAAAA' }, SECRET), SECRET, now)).toEqual({
      ok: false,
      reason: 'malformed',
    });
  });
  it('expires confirmation links', () => {
    const url = confirmUrl('https://e.com/', SECRET, '7', 'nonce1', now);
    expect(url.startsWith('https://e.com/confirm/')).toBe(true);
    const token = url.split('/').pop()!;
    expect(verifyToken('confirm', token, SECRET, new Date(now.getTime() + 3600_000))).toMatchObject({ ok: true, payload: { s: '7', n: 'nonce1' } });
    expect(verifyToken('confirm', token, SECRET, new Date(now.getTime() + 8 * 86400_000))).toEqual({ ok: false, reason: 'expired' });
  });
  it('builds footer links under the public URL', () => {
    const links = subscriberLinks('https://e.com', SECRET, '9');
    expect(links.unsubscribeUrl).toMatch(/^https:\/\/e\.com\/u\/[\w-]+\.[\w-]+$/);
    expect(links.preferencesUrl).toMatch(/^https:\/\/e\.com\/p\//);
  });
  it('takes the secret from the environment only, and refuses a short one', () => {
    expect(signingSecret({ COURSEMAIL_SECRET: SECRET }, { allowEphemeral: false })).toBe(SECRET);
    expect(() => signingSecret({ COURSEMAIL_SECRET: 'short' }, { allowEphemeral: true })).toThrow(/at least 32/);
    expect(() => signingSecret({}, { allowEphemeral: false })).toThrow(/COURSEMAIL_SECRET is not set/);
    expect(signingSecret({}, { allowEphemeral: true })).toHaveLength(64);
  });
});
