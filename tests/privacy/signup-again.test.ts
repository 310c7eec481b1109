import { expect, it } from 'vitest';
import { harness, linkIn, SERIES } from '../server/public/support.ts';

const subscribe = (url: string, fields: Record<string, string>) =>
  fetch(`${url}/subscribe/${SERIES}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: url },
    body: new URLSearchParams(fields),
  });

it('an unsubscribed reader signs up again: nothing stored changes until they press the new confirmation; then the new name and zone apply, logged, and shown on their page', async () => {
  const h = await harness({ limits: { burst: 100 } });
  const server = await h.listen();
  try {
    const answer = await (await subscribe(server.url, { email: 'eve@example.com', first_name: 'Eve', timezone: 'America/Chicago' })).text();
    await h.worker.runOnce();
    const press = (link: string) =>
      fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url }, body: 'confirm=1' });
    expect((await press(linkIn((await h.emails())[0]!, 'confirm'))).status).toBe(200);
    const id = (await h.store.subscribers.findByEmail('eve@example.com'))!.id;
    h.advance(5);
    await h.worker.runOnce();
    const lesson = (await h.emails()).at(-1)!;
    expect((await fetch(linkIn(lesson, 'u'), { method: 'POST', body: 'List-Unsubscribe=One-Click' })).status).toBe(200);
    const before = await h.store.subscribers.dataHeld(id);

    h.advance(60);
    const again = await subscribe(server.url, { email: 'eve@example.com', first_name: 'Evelyn', timezone: 'Europe/Lisbon' });
    expect(await again.text()).toBe(answer);
    const held = await h.store.subscribers.dataHeld(id);
    expect(held!.subscriber).toEqual(before!.subscriber);
    expect(held!.consent).toEqual(before!.consent);

    await h.worker.runOnce();
    const confirmation = (await h.emails()).at(-1)!;
    expect(confirmation.subject).toBe((await h.emails())[0]!.subject);
    const link = linkIn(confirmation, 'confirm');
    expect((await fetch(link)).status).toBe(200);
    expect((await h.store.subscribers.dataHeld(id))!.subscriber).toEqual(before!.subscriber);
    const pressed = await press(link);
    expect(pressed.status).toBe(200);
    expect(await h.store.subscribers.getById(id)).toMatchObject({ status: 'active', firstName: 'Evelyn', timezone: 'Europe/Lisbon' });
    expect((await h.store.subscribers.dataHeld(id))!.consent.map((e) => e.event)).toEqual([
      'signed-up',
      'confirmed',
      'unsubscribed',
      'signed-up',
      're-subscribed',
    ]);

    const page = await (await fetch(linkIn(confirmation, 'p'))).text();
    const log = /<ol class="plain" data-testid="consent-log">([\s\S]*?)<\/ol>/.exec(page)?.[1] ?? '';
    expect(log.match(/<li>/g)).toHaveLength(5);
    expect(log).toContain(`signed up (form:${SERIES})`);
    expect(log).toContain('unsubscribed with your mail program’s unsubscribe button');
    expect(log).toContain('signed up again and confirmed by email');
  } finally {
    await server.close();
  }
});

it('a bounced or complained address: the same answer, nothing stored, nothing sent', async () => {
  const h = await harness({ limits: { burst: 100 } });
  const server = await h.listen();
  try {
    const answer = await (await subscribe(server.url, { email: 'new@example.com' })).text();
    for (const [email, mark] of [
      ['bob@example.com', 'markBounced'],
      ['cat@example.com', 'markComplained'],
    ] as const) {
      const [row] = await h.store.subscribers.importBatch([{ email, firstName: 'B', timezone: null, consentAt: h.now, consentSource: 'test' }], { now: h.now });
      if (row?.outcome !== 'imported') throw new Error('not imported');
      await h.store.subscribers[mark](row.id, h.now);
      await h.store.suppressions.remove(email); // even once the suppression is lifted by hand
      const before = await h.store.subscribers.dataHeld(row.id);
      expect(await (await subscribe(server.url, { email, first_name: 'Mallory' })).text()).toBe(answer);
      expect(await h.store.subscribers.dataHeld(row.id)).toEqual(before);
    }
    await h.worker.runOnce();
    expect((await h.emails()).map((m) => (m.to && 'text' in m.to ? m.to.text : ''))).toEqual(['new@example.com']);
  } finally {
    await server.close();
  }
});
