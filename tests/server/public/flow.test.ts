import { expect, it } from 'vitest';
import { forEachDatabase } from '../../support/databases.ts';
import { harness, LESSON_1, linkIn, SERIES } from './support.ts';

const ADDRESS = 'Dr.Ann@Example.com';

forEachDatabase((db) => {
  it('sign-up over a real socket: confirmation in the outbox, confirm link works, lesson 1 goes, one-click unsubscribe stops the rest', async () => {
    const { store } = await db.fresh();
    const h = await harness({ store });
    const server = await h.listen();
    try {
      const form = await fetch(`${server.url}/subscribe/${SERIES}`);
      expect(form.status).toBe(200);
      const page = await form.text();
      expect(page).toContain('<label for="email">Email address</label>');
      expect(page).toContain('call or text <a href="tel:988">988</a>');
      expect(form.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");

      const submit = () =>
        fetch(`${server.url}/subscribe/${SERIES}`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url },
          body: new URLSearchParams({ email: ADDRESS, first_name: 'Ann', timezone: 'America/Chicago', website: '' }),
        });
      const first = await submit();
      const second = await submit(); // double submit
      expect(first.status).toBe(200);
      expect(await first.text()).toContain('Check your inbox');
      expect(second.status).toBe(200);
      const subscriber = (await store.subscribers.findByEmail('dr.ann@example.com'))!;
      expect(subscriber).toMatchObject({ status: 'pending', firstName: 'Ann', timezone: 'America/Chicago', consentSource: `form:${SERIES}` });
      expect((await store.subscribers.countByStatus()).pending).toBe(1);
      const queued = (await store.subscribers.dataHeld(subscriber.id))!.deliveries;
      expect(queued.map((d) => [d.kind, d.status, d.seriesId])).toEqual([['confirm', 'queued', SERIES]]);
      expect(h.kicks).toBe(1);

      await h.worker.runOnce();
      const [confirmation] = await h.emails();
      expect(await h.emails()).toHaveLength(1);
      expect(confirmation!.to && 'text' in confirmation!.to ? confirmation!.to.text : '').toBe('Dr.Ann@example.com');
      expect(confirmation!.text).toContain('988lifeline.org');
      const link = linkIn(confirmation!, 'confirm');
      expect(link.startsWith(`${server.url}/confirm/`)).toBe(true);

      // The link opens a page with one button (a mail scanner's fetch confirms nothing); the reader presses it.
      const opened = await fetch(link);
      expect(opened.status).toBe(200);
      expect(await opened.text()).toContain('Yes, send me the course');
      expect((await store.subscribers.getById(subscriber.id))!.status).toBe('pending');
      const press = () =>
        fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url }, body: 'confirm=1' });
      const confirmed = await press();
      expect(confirmed.status).toBe(200);
      expect(await confirmed.text()).toContain('You are in');
      const active = (await store.subscribers.getById(subscriber.id))!;
      expect(active.status).toBe('active');
      expect(active.consentAt?.getTime()).toBe(h.now.getTime());
      const enrollment = await store.enrollments.get(subscriber.id, SERIES);
      expect(enrollment).toMatchObject({ status: 'active', pausedAt: null });

      await h.worker.runOnce(); // same instant: lesson 1 is due at once
      const mails = await h.emails();
      expect(mails.map((m) => m.subject)).toEqual([confirmation!.subject, LESSON_1]);

      const reused = await press();
      expect(reused.status).toBe(409);
      expect(await reused.text()).toContain('This link was already used');

      const header = (mails[1]!.headerLines.find((l) => l.key === 'list-unsubscribe')?.line ?? '').replace(/\r\n\s+/g, '');
      const unsubscribeUrl = /<([^>]+)>/.exec(header)?.[1] ?? '';
      expect(unsubscribeUrl.startsWith(`${server.url}/u/`)).toBe(true);
      const oneClick = () =>
        fetch(unsubscribeUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
      const out = await oneClick();
      expect(out.status).toBe(200);
      const after = (await store.subscribers.getById(subscriber.id))!;
      expect(after.status).toBe('unsubscribed');
      const again = await oneClick();
      expect(again.status).toBe(200);
      expect((await store.subscribers.getById(subscriber.id))!.updatedAt).toEqual(after.updatedAt);

      for (let day = 0; day < 12; day++) {
        h.advance(24 * 60);
        await h.worker.runOnce();
      }
      expect(await h.emails()).toHaveLength(2);
      const held = (await store.subscribers.dataHeld(subscriber.id))!;
      expect(held.deliveries.filter((d) => d.status === 'queued')).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
