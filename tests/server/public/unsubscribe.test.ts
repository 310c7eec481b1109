import { describe, expect, it } from 'vitest';
import { subscriberLinks } from '../../../src/tokens/index.ts';
import { activeSubscriber, harness, SECRET, SERIES, token } from './support.ts';

const oneClick = (
  headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' },
  body = 'List-Unsubscribe=One-Click',
): RequestInit => ({
  method: 'POST',
  headers,
  body,
});

describe('unsubscribe', () => {
  it('GET shows one button and changes nothing (link scanners fetch every URL)', async () => {
    const h = await harness();
    const id = await activeSubscriber(h);
    const r = await h.app.request(`/u/${token('unsubscribe', id)}`);
    expect(r.status).toBe(200);
    const page = await r.text();
    expect(page.match(/<button/g)).toHaveLength(1);
    expect(page).toContain(`<form method="post" action="/u/${token('unsubscribe', id)}">`);
    expect(page).toContain('call or text <a href="tel:988">988</a>');
    expect((await h.store.subscribers.getById(id))!.status).toBe('active');
  });

  it('one-click POST: 200 text, unsubscribed, queued lessons cancelled; again: 200, nothing changes', async () => {
    const h = await harness();
    const id = await activeSubscriber(h);
    await h.store.deliveries.enqueue(
      [{ kind: 'lesson', subscriberId: id, seriesId: SERIES, stepSlug: 'what-coaching-is', stepNumber: 1, dueAt: new Date(h.now.getTime() + 3_600_000) }],
      h.now,
    );
    const r = await h.app.request(`/u/${token('unsubscribe', id)}`, oneClick());
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
    const after = (await h.store.subscribers.dataHeld(id))!;
    expect(after.subscriber.status).toBe('unsubscribed');
    expect(after.deliveries.map((d) => d.status)).toEqual(['cancelled']);
    h.advance(5);
    const again = await h.app.request(`/u/${token('unsubscribe', id)}`, oneClick());
    expect(again.status).toBe(200);
    expect((await h.store.subscribers.dataHeld(id))!).toEqual(after);
  });

  it('accepts what RFC 8058 senders send: multipart, no Origin, a foreign Origin', async () => {
    const h = await harness();
    const a = await activeSubscriber(h, 'a@example.com');
    const b = await activeSubscriber(h, 'b@example.com');
    const multipart = '--xyz\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--xyz--\r\n';
    const r1 = await h.app.request(`/u/${token('unsubscribe', a)}`, oneClick({ 'content-type': 'multipart/form-data; boundary=xyz' }, multipart));
    const r2 = await h.app.request(
      `/u/${token('unsubscribe', b)}`,
      oneClick({ 'content-type': 'application/x-www-form-urlencoded', origin: 'https://mail.example' }),
    );
    expect([r1.status, r2.status]).toEqual([200, 200]);
    expect((await h.store.subscribers.getById(a))!.status).toBe('unsubscribed');
    expect((await h.store.subscribers.getById(b))!.status).toBe('unsubscribed');
  });

  it('the page’s own button gets a page back, with the way to the data page', async () => {
    const h = await harness();
    const id = await activeSubscriber(h);
    const r = await h.app.request(
      `/u/${token('unsubscribe', id)}`,
      oneClick({ 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', origin: 'http://localhost' }),
    );
    expect(r.status).toBe(200);
    const page = await r.text();
    expect(page).toContain('You are unsubscribed');
    expect(page).toContain(subscriberLinks(h.config.publicUrl, SECRET, id).preferencesUrl);
  });

  it('a bad token is refused (400) and changes nothing; an erased subscriber’s link still answers 200', async () => {
    const h = await harness();
    const id = await activeSubscriber(h);
    const t = token('unsubscribe', id);
    for (const bad of [`${t}x`, token('preferences', id), 'abc.def']) {
      expect((await h.app.request(`/u/${bad}`, oneClick())).status).toBe(400);
      expect((await h.app.request(`/u/${bad}`)).status).toBe(400);
    }
    expect((await h.store.subscribers.getById(id))!.status).toBe('active');
    await h.store.subscribers.forget('ana@example.com', h.now);
    expect((await h.app.request(`/u/${t}`, oneClick())).status).toBe(200);
    expect((await h.app.request(`/u/${t}`)).status).toBe(200);
  });
});
