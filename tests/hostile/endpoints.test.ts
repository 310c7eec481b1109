import { describe, expect, it } from 'vitest';
import { signToken } from '../../src/tokens/index.ts';
import { activeSubscriber, formPost, harness, SECRET, SERIES, token, type Harness } from '../server/public/support.ts';

const nothingStored = async (h: Harness) => {
  expect(await h.store.subscribers.listDataHeld({ limit: 10 })).toEqual([]);
};

const subscribe = (h: Harness, init: RequestInit) => h.app.request(`/subscribe/${SERIES}`, init);

describe('hostile input to the public endpoints', () => {
  it('huge bodies: 413 before anything is stored — declared, chunked without a length, over a real socket', async () => {
    const h = await harness();
    const big = `email=a%40example.com&first_name=${'x'.repeat(20_000)}`;
    expect((await subscribe(h, formPost({ email: 'a@example.com', first_name: 'x'.repeat(20_000) }))).status).toBe(413);
    const server = await h.listen();
    try {
      const declared = await fetch(`${server.url}/subscribe/${SERIES}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url },
        body: big,
      });
      expect(declared.status).toBe(413);
      const chunks = [new TextEncoder().encode('email=a%40example.com&first_name='), ...Array.from({ length: 200 }, () => new Uint8Array(64 * 1024).fill(120))];
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          const next = chunks.shift();
          if (next) controller.enqueue(next);
          else controller.close();
        },
      });
      const chunked = await fetch(`${server.url}/subscribe/${SERIES}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url },
        body: stream,
        duplex: 'half',
      } as RequestInit);
      expect(chunked.status).toBe(413);
      expect(chunks.length).toBeGreaterThan(100); // stopped reading long before the end
      const id = await activeSubscriber(h);
      const hugeOneClick = await fetch(`${server.url}/u/${token('unsubscribe', id)}`, {
        method: 'POST',
        body: `List-Unsubscribe=One-Click&pad=${'x'.repeat(40_000)}`,
      });
      expect(hugeOneClick.status).toBe(413);
      expect((await h.store.subscribers.getById(id))!.status).toBe('active');
      const hugePrefs = await fetch(`${server.url}/p/${token('preferences', id)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: server.url },
        body: JSON.stringify({ action: 'save', first_name: 'y'.repeat(30_000) }),
      });
      expect(hugePrefs.status).toBe(413);
      expect((await h.store.subscribers.getById(id))!.firstName).toBe('Ana');
    } finally {
      await server.close();
    }
    expect(await h.store.subscribers.findByEmail('a@example.com')).toBeNull();
  });

  it('wrong content types: 415 on sign-up, preferences and fresh-link posts; nothing changes', async () => {
    const h = await harness({ limits: { burst: 100 } });
    const id = await activeSubscriber(h);
    const pending = await h.store.subscribers.createPending({ email: 'p@example.com', firstName: null, timezone: null, consentSource: 't', now: h.now });
    if (pending.outcome !== 'created') throw new Error(pending.outcome);
    const confirmPath = `/confirm/${signToken('confirm', { s: pending.subscriber.id, n: pending.subscriber.confirmNonce!, e: 1 }, SECRET)}`;
    for (const type of ['text/plain', 'multipart/form-data; boundary=x', 'application/xml', 'text/html', 'application/x-www-form-urlencodedx', '']) {
      const headers: Record<string, string> = { origin: 'http://localhost' };
      if (type) headers['content-type'] = type;
      const s = await subscribe(h, { method: 'POST', headers, body: 'email=b%40example.com' });
      expect(s.status, type).toBe(415);
      const p = await h.app.request(`/p/${token('preferences', id)}`, { method: 'POST', headers, body: 'action=unsubscribe' });
      expect(p.status, type).toBe(415);
      const c = await h.app.request(confirmPath, { method: 'POST', headers, body: 'fresh=1' });
      expect(c.status, type).toBe(415);
    }
    expect((await h.store.subscribers.dataHeld(pending.subscriber.id))!.deliveries).toEqual([]);
    expect(await h.store.subscribers.findByEmail('b@example.com')).toBeNull();
    expect((await h.store.subscribers.getById(id))!.status).toBe('active');
    const json = await subscribe(h, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '["a@example.com"]' });
    expect(json.status).toBe(400);
    const broken = await subscribe(h, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":' });
    expect(broken.status).toBe(400);
    const notUtf8 = await subscribe(h, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new Uint8Array([0x65, 0x3d, 0xff, 0xfe]),
    });
    expect(notUtf8.status).toBe(400);
  });

  it('header injection: CR/LF in an address is refused; in a name it is never stored, and the email has no injected header', async () => {
    const h = await harness();
    for (const email of ['a@example.com\r\nBcc: victim@example.com', 'a@example.com%0d%0aBcc:x@example.com', 'a@example.com\nX: y']) {
      expect((await subscribe(h, formPost({ email }))).status).toBe(400);
    }
    await nothingStored(h);
    const r = await subscribe(h, formPost({ email: 'ann@example.com', first_name: 'Ann\r\nBcc: Victim\r\n\r\nHi' }));
    expect(r.status).toBe(200);
    const stored = (await h.store.subscribers.findByEmail('ann@example.com'))!;
    expect(stored.firstName).not.toMatch(/[\r\n]/);
    await h.worker.runOnce();
    const [mail] = await h.emails();
    expect(mail!.headers.has('bcc')).toBe(false);
    expect(mail!.headerLines.map((l) => l.key)).not.toContain('bcc');
  });

  it('JSON values that are not strings are ignored, never coerced; a repeated field cannot override the first', async () => {
    const h = await harness();
    const arrays = await subscribe(h, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: ['a@example.com'], __proto__: { email: 'p@example.com' } }),
    });
    expect(arrays.status).toBe(400);
    await nothingStored(h);
    await subscribe(h, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost' },
      body: 'email=first%40example.com&email=second%40example.com',
    });
    expect(await h.store.subscribers.findByEmail('first@example.com')).not.toBeNull();
    expect(await h.store.subscribers.findByEmail('second@example.com')).toBeNull();
  });

  it('Unicode tricks: RTL overrides and zero-width characters are dropped from names; look-alike addresses are refused', async () => {
    const h = await harness();
    await subscribe(h, formPost({ email: 'rtl@example.com', first_name: 'Ann\u202Eyrrab\u202C' }));
    await subscribe(h, formPost({ email: 'zw@example.com', first_name: 'A\u200Bn\u2060n\uFEFF' }));
    await subscribe(h, formPost({ email: 'invisible@example.com', first_name: '\u200B\u202E\u2066' }));
    await subscribe(h, formPost({ email: 'script@example.com', first_name: 'نرگس\u200Cی 👩\u200D⚕️' }));
    expect((await h.store.subscribers.findByEmail('rtl@example.com'))!.firstName).toBe('Annyrrab');
    expect((await h.store.subscribers.findByEmail('zw@example.com'))!.firstName).toBe('Ann');
    expect((await h.store.subscribers.findByEmail('invisible@example.com'))!.firstName).toBeNull();
    // Joiners that scripts and emoji need are kept.
    expect((await h.store.subscribers.findByEmail('script@example.com'))!.firstName).toBe('نرگس\u200Cی 👩\u200D⚕️');
    for (const email of ['\u0430nn@example.com', 'ann\uFF20example.com', 'a\u202E@example.com', 'ann@exam\u202Eple.com']) {
      expect((await subscribe(h, formPost({ email }))).status, JSON.stringify(email)).toBe(400);
    }
    // IDNA maps a zero-width space in a domain to nothing: the address is the plain one, stored plainly.
    expect((await subscribe(h, formPost({ email: 'zwsp@exam\u200Bple.com' }))).status).toBe(200);
    expect((await h.store.subscribers.findByEmail('zwsp@example.com'))!.email).toBe('zwsp@example.com');
    const idn = await subscribe(h, formPost({ email: 'ann@bücher.example' }));
    expect(idn.status).toBe(200);
    expect((await h.store.subscribers.findByEmail('ann@xn--bcher-kva.example'))!.email).toBe('ann@xn--bcher-kva.example');
  });

  it('markup in a name is escaped wherever it is shown back', async () => {
    const h = await harness();
    const r = await subscribe(h, formPost({ email: 'not-an-address', first_name: '"><script>alert(1)</script>' }));
    expect(r.status).toBe(400);
    const page = await r.text();
    expect(page).not.toContain('<script>alert(1)');
    expect(page).toContain('&quot;&gt;&lt;script&gt;');
    const id = await activeSubscriber(h, 'x@example.com', '<img src=x onerror=alert(1)>');
    const prefs = await (await h.app.request(`/p/${token('preferences', id)}`)).text();
    expect(prefs).not.toContain('<img src=x');
  });

  it('forged, foreign and replayed tokens are refused on every route and change nothing', async () => {
    const h = await harness();
    const id = await activeSubscriber(h);
    const other = 'z'.repeat(40);
    const forged = [
      signToken('unsubscribe', { s: id }, other),
      signToken('preferences', { s: id }, other),
      `${Buffer.from(JSON.stringify({ s: id })).toString('base64url')}.${'A'.repeat(43)}`,
      `${'a'.repeat(600)}.${'b'.repeat(43)}`,
      '..%2F..%2Fetc%2Fpasswd',
    ];
    for (const t of forged) {
      const u = await h.app.request(`/u/${t}`, { method: 'POST', body: 'List-Unsubscribe=One-Click' });
      expect([400, 404], t).toContain(u.status);
      const p = await h.app.request(`/p/${t}`, formPost({ action: 'forget', confirm: 'yes' }));
      expect([400, 404], t).toContain(p.status);
      const c = await h.app.request(`/confirm/${t}`);
      expect([400, 404], t).toContain(c.status);
    }
    // A signed token for a subscriber id that was never issued (ids are guessable, signatures are not).
    const guessed = await h.app.request(`/u/${signToken('unsubscribe', { s: String(Number(id) + 1) }, other)}`, {
      method: 'POST',
      body: 'List-Unsubscribe=One-Click',
    });
    expect(guessed.status).toBe(400);
    expect((await h.store.subscribers.getById(id))!.status).toBe('active');
    expect(await h.store.subscribers.findByEmail('ana@example.com')).not.toBeNull();
    // Replay of a confirmation link after the subscriber left: refused, stays unsubscribed.
    const pending = await h.store.subscribers.createPending({ email: 'p@example.com', firstName: null, timezone: null, consentSource: 't', now: h.now });
    if (pending.outcome !== 'created') throw new Error(pending.outcome);
    const link = signToken('confirm', { s: pending.subscriber.id, n: pending.subscriber.confirmNonce!, e: Math.floor(h.now.getTime() / 1000) + 3600 }, SECRET);
    const press = () => h.app.request(`/confirm/${link}`, formPost({ confirm: '1' }));
    expect((await press()).status).toBe(200);
    await h.app.request(`/u/${token('unsubscribe', pending.subscriber.id)}`, { method: 'POST', body: 'List-Unsubscribe=One-Click' });
    expect((await h.app.request(`/confirm/${link}`)).status).toBe(410);
    expect((await press()).status).toBe(410);
    expect((await h.store.subscribers.getById(pending.subscriber.id))!.status).toBe('unsubscribed');
  });

  it('unknown paths and methods get a 404 page with the security headers, and no stack trace', async () => {
    const h = await harness();
    for (const [method, path] of [
      ['GET', '/admin'],
      ['PUT', `/subscribe/${SERIES}`],
      ['DELETE', '/u/x.y'],
      ['GET', '/subscribe/%2e%2e%2fseries'],
    ] as const) {
      const r = await h.app.request(path, { method });
      expect(r.status, `${method} ${path}`).toBe(404);
      expect(r.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(await r.text()).not.toMatch(/at .*\.ts:\d+/);
    }
  });
});
