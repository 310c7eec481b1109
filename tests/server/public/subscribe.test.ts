import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../../src/server/public/index.ts';
import { activeSubscriber, formPost, harness, SERIES, type Harness } from './support.ts';

const nothingStored = async (h: Harness) => {
  expect(await h.store.subscribers.countByStatus()).toEqual({ pending: 0, active: 0, unsubscribed: 0, bounced: 0, complained: 0 });
  expect(await h.store.subscribers.listDataHeld({ limit: 10 })).toEqual([]);
};

describe('GET /subscribe/:series', () => {
  it('is a plain accessible form: labels, autocomplete, a time-zone field with the list of zones, a hidden honeypot, and the crisis line', async () => {
    const h = await harness();
    const r = await h.app.request(`/subscribe/${SERIES}`);
    expect(r.status).toBe(200);
    const page = await r.text();
    expect(page).toContain('<html lang="en">');
    expect(page).toMatch(/<label for="email">Email address<\/label>\s*<input id="email" name="email" type="email" autocomplete="email"/);
    expect(page).toContain('<label for="first_name">First name');
    expect(page).toMatch(/<label for="timezone">Time zone<\/label>\s*<input id="timezone" name="timezone" type="text" list="tz-list"/);
    expect(page).toContain('<option value="America/Chicago">Central Time — Chicago</option>');
    expect(page).toMatch(/<div class="hp" aria-hidden="true">.*name="website".*tabindex="-1"/);
    expect(page).toContain('988 Suicide &amp; Crisis Lifeline');
    expect(page).toContain(h.config.postalAddress);
    // Small for a phone on a hospital's guest Wi-Fi; most of it is the ~420 zones' names.
    expect(Buffer.byteLength(page)).toBeLessThan(40_000);
  });

  it('sends security headers; its only inline script and style are the ones the CSP hashes; no cookie', async () => {
    const h = await harness();
    const r = await h.app.request(`/subscribe/${SERIES}`);
    const csp = r.headers.get('content-security-policy')!;
    expect(csp).toBe(CONTENT_SECURITY_POLICY);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(r.headers.get('referrer-policy')).toBe('same-origin');
    expect(r.headers.get('x-frame-options')).toBe('DENY');
    expect(r.headers.get('set-cookie')).toBeNull();
    const page = await r.text();
    const scripts = [...page.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    const styles = [...page.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]!);
    expect(scripts).toHaveLength(1);
    expect(styles).toHaveLength(1);
    const sha = (t: string) => `'sha256-${createHash('sha256').update(t).digest('base64')}'`;
    expect(csp).toContain(`script-src ${sha(scripts[0]!)}`);
    expect(csp).toContain(`style-src ${sha(styles[0]!)}`);
    expect(page).not.toMatch(/<(img|iframe)|src="http/);
  });

  it('an unknown series is a 404', async () => {
    const h = await harness();
    expect((await h.app.request('/subscribe/nope')).status).toBe(404);
    expect((await h.app.request('/subscribe/nope', formPost({ email: 'a@example.com' }))).status).toBe(404);
    await nothingStored(h);
  });
});

describe('POST /subscribe/:series', () => {
  it('stores a pending subscriber with the browser time zone and queues one confirmation; JSON works too', async () => {
    const h = await harness();
    const r = await h.app.request(`/subscribe/${SERIES}`, formPost({ email: 'ann@example.com', first_name: ' Ann ', timezone: 'europe/london' }));
    expect(r.status).toBe(200);
    const s = (await h.store.subscribers.findByEmail('ann@example.com'))!;
    expect(s).toMatchObject({ status: 'pending', firstName: 'Ann', timezone: 'Europe/London' });
    const json = await h.app.request(`/subscribe/${SERIES}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'bo@example.com', timezone: 'Mars/Olympus' }),
    });
    expect(json.status).toBe(202);
    expect(await json.json()).toMatchObject({ ok: true });
    // A zone the runtime does not know falls back to the course's; it does not block the sign-up.
    expect((await h.store.subscribers.findByEmail('bo@example.com'))!.timezone).toBeNull();
    const confirms = await Promise.all(
      [s.id, (await h.store.subscribers.findByEmail('bo@example.com'))!.id].map(async (id) => (await h.store.subscribers.dataHeld(id))!.deliveries),
    );
    expect(confirms.map((d) => d.map((x) => x.kind))).toEqual([['confirm'], ['confirm']]);
  });

  it('a double submit leaves one subscriber and one confirmation, even after the first was sent', async () => {
    const h = await harness();
    await h.app.request(`/subscribe/${SERIES}`, formPost({ email: 'ann@example.com' }));
    await h.app.request(`/subscribe/${SERIES}`, formPost({ email: 'ANN@example.com' }));
    await h.worker.runOnce();
    h.advance(2);
    await h.app.request(`/subscribe/${SERIES}`, formPost({ email: 'ann@example.com' }));
    await h.worker.runOnce();
    expect(await h.emails()).toHaveLength(1);
    expect((await h.store.subscribers.countByStatus()).pending).toBe(1);
    h.advance(15); // past the cooldown: someone who lost the email can get it again
    await h.app.request(`/subscribe/${SERIES}`, formPost({ email: 'ann@example.com' }));
    await h.worker.runOnce();
    expect(await h.emails()).toHaveLength(2);
  });

  it('answers byte-for-byte the same for a new, pending, active, unsubscribed and suppressed address (form and JSON)', async () => {
    const h = await harness({ limits: { burst: 100 } });
    await activeSubscriber(h, 'active@example.com');
    const gone = await activeSubscriber(h, 'gone@example.com');
    await h.store.subscribers.unsubscribe(gone, h.now);
    await h.store.suppressions.add('bounced@example.com', 'bounce', h.now);
    await h.app.request(`/subscribe/${SERIES}`, formPost({ email: 'pending@example.com' }));
    const addresses = ['new@example.com', 'pending@example.com', 'active@example.com', 'gone@example.com', 'bounced@example.com'];
    for (const kind of ['form', 'json'] as const) {
      const answers = await Promise.all(
        addresses.map(async (email) => {
          const init =
            kind === 'form'
              ? formPost({ email, first_name: 'X' })
              : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, first_name: 'X' }) };
          const r = await h.app.request(`/subscribe/${SERIES}`, init);
          const headers: [string, string][] = [];
          r.headers.forEach((v, k) => {
            if (k !== 'date') headers.push([k, v]);
          });
          return { status: r.status, headers, body: Buffer.from(await r.arrayBuffer()).toString('hex') };
        }),
      );
      for (const a of answers.slice(1)) expect(a).toEqual(answers[0]);
    }
  });

  it('a filled honeypot gets the same answer and nothing is stored or sent', async () => {
    const h = await harness();
    const human = await h.app.request(`/subscribe/${SERIES}`, formPost({ email: 'human@example.com' }));
    const bot = await h.app.request(`/subscribe/${SERIES}`, formPost({ email: 'bot@example.com', website: 'http://spam.example' }));
    expect(bot.status).toBe(human.status);
    expect(await bot.text()).toBe(await human.text());
    expect(await h.store.subscribers.findByEmail('bot@example.com')).toBeNull();
    await h.worker.runOnce();
    expect((await h.emails()).map((m) => (m.to && 'text' in m.to ? m.to.text : ''))).toEqual(['human@example.com']);
  });

  it('a name holding a web address, an email address or markup is refused with the reason (400), nothing stored; JSON too', async () => {
    const h = await harness();
    const r = await h.app.request(
      `/subscribe/${SERIES}`,
      formPost({ email: 'victim@example.com', first_name: 'Visit https://evil.example/login to claim your refund,' }),
    );
    expect(r.status).toBe(400);
    const page = await r.text();
    expect(page).toContain('Please check the first name: a first name cannot contain a web address.');
    expect(page).toContain('role="alert"');
    const json = await h.app.request(`/subscribe/${SERIES}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'victim@example.com', first_name: 'mail refunds@evil.example' }),
    });
    expect(json.status).toBe(400);
    expect(await json.json()).toEqual({ ok: false, error: 'Please check the first name: a first name cannot contain an email address.', field: 'first_name' });
    await nothingStored(h);
  });

  it('the confirmation email never carries the typed name: it greets with “Hello,”', async () => {
    const h = await harness();
    expect((await h.app.request(`/subscribe/${SERIES}`, formPost({ email: 'zelda@example.com', first_name: 'Zelda Claim Your Refund' }))).status).toBe(200);
    expect((await h.store.subscribers.findByEmail('zelda@example.com'))!.firstName).toBe('Zelda Claim Your Refund');
    await h.worker.runOnce();
    const [mail] = await h.emails();
    expect(mail!.subject).toMatch(/^Please confirm/);
    for (const part of [mail!.text ?? '', String(mail!.html), mail!.subject ?? '']) expect(part).not.toMatch(/Zelda|Refund/);
    expect(mail!.text).toMatch(/^Hello,$/m);
  });

  it('a malformed address is sent back with the reason (400), nothing stored', async () => {
    const h = await harness();
    const r = await h.app.request(`/subscribe/${SERIES}`, formPost({ email: 'ann@@example', first_name: 'Ann' }));
    expect(r.status).toBe(400);
    const page = await r.text();
    expect(page).toContain('role="alert"');
    expect(page).toContain('value="ann@@example"');
    expect(page).toContain('aria-invalid="true"');
    await nothingStored(h);
  });

  it('rate limit: 429 with Retry-After after the burst; refills with time; one client cannot spend another’s', async () => {
    const h = await harness({ limits: { burst: 3, refillPerHour: 6 }, trustProxy: true });
    const from = (ip: string, i: number) =>
      h.app.request(`/subscribe/${SERIES}`, formPost({ email: `u${i}@example.com` }, { 'x-forwarded-for': `203.0.113.9, ${ip}` }));
    for (let i = 0; i < 3; i++) expect((await from('198.51.100.1', i)).status).toBe(200);
    const limited = await from('198.51.100.1', 3);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited.text()).toContain('Too many requests');
    expect(await h.store.subscribers.findByEmail('u3@example.com')).toBeNull();
    expect((await from('198.51.100.2', 4)).status).toBe(200);
    // IPv6: a whole /64 is one client.
    for (let i = 0; i < 3; i++) expect((await from(`2001:db8:1:2::${i + 1}`, 10 + i)).status).toBe(200);
    expect((await from('2001:db8:1:2:ffff::9', 13)).status).toBe(429);
    h.advance(10); // 6 an hour: one token every 10 minutes
    expect((await from('198.51.100.1', 5)).status).toBe(200);
    expect((await from('198.51.100.1', 6)).status).toBe(429);
  });

  it('without trustProxy, X-Forwarded-For is ignored: a client cannot dodge the limit by inventing addresses', async () => {
    const h = await harness({ limits: { burst: 2 } });
    const post = (i: number) => h.app.request(`/subscribe/${SERIES}`, formPost({ email: `u${i}@example.com` }, { 'x-forwarded-for': `198.51.100.${i}` }));
    expect((await post(1)).status).toBe(200);
    expect((await post(2)).status).toBe(200);
    expect((await post(3)).status).toBe(429);
  });

  it('cross-origin: refused (403) from an unknown site, accepted with CORS from allowedOrigins, consent source says where', async () => {
    const h = await harness({ config: { allowedOrigins: ['https://author.example'] } });
    const evil = await h.app.request(`/subscribe/${SERIES}`, formPost({ email: 'a@example.com' }, { origin: 'https://evil.example' }));
    expect(evil.status).toBe(403);
    const nullOrigin = await h.app.request(`/subscribe/${SERIES}`, formPost({ email: 'a@example.com' }, { origin: 'null' }));
    expect(nullOrigin.status).toBe(403);
    const nullCrossSite = await h.app.request(`/subscribe/${SERIES}`, formPost({ email: 'a@example.com' }, { origin: 'null', 'sec-fetch-site': 'cross-site' }));
    expect(nullCrossSite.status).toBe(403);
    const noOriginCrossSite = await h.app.request(`/subscribe/${SERIES}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'cross-site' },
      body: 'email=a%40example.com',
    });
    expect(noOriginCrossSite.status).toBe(403);
    await nothingStored(h);

    const preflight = await h.app.request(`/subscribe/${SERIES}`, {
      method: 'OPTIONS',
      headers: { origin: 'https://author.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://author.example');
    expect((await h.app.request(`/subscribe/${SERIES}`, { method: 'OPTIONS', headers: { origin: 'https://evil.example' } })).status).toBe(403);

    const ok = await h.app.request(`/subscribe/${SERIES}`, formPost({ email: 'a@example.com' }, { origin: 'https://author.example' }));
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://author.example');
    expect((await h.store.subscribers.findByEmail('a@example.com'))!.consentSource).toBe(`embed:${SERIES}@https://author.example`);
  });

  it('a same-origin post from a no-referrer page (Origin: null, Sec-Fetch-Site: same-origin) is accepted', async () => {
    const h = await harness();
    const r = await h.app.request(`/subscribe/${SERIES}`, formPost({ email: 'a@example.com' }, { origin: 'null', 'sec-fetch-site': 'same-origin' }));
    expect(r.status).toBe(200);
    expect(await h.store.subscribers.findByEmail('a@example.com')).not.toBeNull();
  });

  it('publicUrl’s origin counts as same-origin (behind a proxy the request URL differs)', async () => {
    const h = await harness({ config: { publicUrl: 'https://courses.example.org' } });
    const r = await h.app.request(`/subscribe/${SERIES}`, formPost({ email: 'a@example.com' }, { origin: 'https://courses.example.org' }));
    expect(r.status).toBe(200);
    expect(await h.store.subscribers.findByEmail('a@example.com')).not.toBeNull();
  });
});
