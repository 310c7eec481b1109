import { describe, expect, it } from 'vitest';
import { activeSubscriber, formPost, harness, SERIES, token } from '../server/public/support.ts';

/** Spellings of a valid token that decode to the same bytes, or carry something extra. */
function malformed(t: string): string[] {
  const [body, sig] = t.split('.') as [string, string];
  const last = sig.at(-1)!;
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const sameBytes = [...alphabet].filter((ch) => ch !== last && Buffer.from(sig.slice(0, -1) + ch, 'base64url').equals(Buffer.from(sig, 'base64url')));
  return [
    ...sameBytes.map((ch) => `${body}.${sig.slice(0, -1)}${ch}`),
    `${t}%3D`,
    `${t}%3D%3D`,
    `${body}.${sig.slice(0, 9)}!${sig.slice(9)}`,
    `${body}.${sig.slice(0, 9)}%20${sig.slice(9)}`,
    `${t}%0D%0A`,
    `${t}%0D%0ASet-Cookie:%20x=1`,
  ];
}

describe('links: only the canonical token works, and a change behind one is applied whole or not at all', () => {
  it('malformed signatures on /p and /u are refused with 400 and change nothing', async () => {
    const h = await harness({ limits: { burst: 1000 } });
    const id = await activeSubscriber(h);
    const before = await h.store.subscribers.dataHeld(id);
    for (const bad of malformed(token('preferences', id))) {
      expect((await h.app.request(`/p/${bad}`)).status, bad).toBe(400);
      const save = await h.app.request(`/p/${bad}`, formPost({ action: 'save', first_name: 'Mallory' }));
      expect(save.status, bad).toBe(400);
      expect(await save.text()).toContain('This link does not work');
    }
    for (const bad of malformed(token('unsubscribe', id))) {
      expect((await h.app.request(`/u/${bad}`, { method: 'POST', body: 'List-Unsubscribe=One-Click' })).status, bad).toBe(400);
    }
    expect(await h.store.subscribers.dataHeld(id)).toEqual(before);
    const good = await h.app.request(`/p/${token('preferences', id)}`, formPost({ action: 'save', first_name: 'Ana B' }));
    expect(good.status).toBe(303);
    expect((await h.store.subscribers.getById(id))!.firstName).toBe('Ana B');
  });

  it('an error after a change committed says it was saved; one before says nothing changed', async () => {
    const h = await harness();
    const id = await activeSubscriber(h);
    const prefs = `/p/${token('preferences', id)}`;
    expect((await h.app.request(prefs, formPost({ action: 'pause', series: SERIES }))).status).toBe(303);
    // Waking the worker fails once the resume has committed.
    Object.defineProperty(h, 'kicks', {
      get: () => 0,
      set: () => {
        throw new Error('worker gone');
      },
    });
    const after = await h.app.request(prefs, formPost({ action: 'resume', series: SERIES }));
    expect(after.status).toBe(500);
    expect(await after.text()).toContain('Your change was saved');
    expect((await h.store.enrollments.listForSubscriber(id))[0]!.pausedAt).toBeNull();
    h.store.subscribers.update = async () => {
      throw new Error('database down');
    };
    const before = await h.app.request(prefs, formPost({ action: 'save', first_name: 'Cy' }));
    expect(before.status).toBe(500);
    expect(await before.text()).toContain('nothing was changed');
    expect((await h.store.subscribers.getById(id))!.firstName).toBe('Ana');
  });

  it('the unsubscribe link of someone already unsubscribed says so, offers the course page, and leads to no data page', async () => {
    const h = await harness();
    const id = await activeSubscriber(h);
    const t = token('unsubscribe', id);
    const first = await (await h.app.request(`/u/${t}`, { method: 'POST', headers: { accept: 'text/html' }, body: 'List-Unsubscribe=One-Click' })).text();
    expect(first).toContain('You are unsubscribed');
    for (const again of [
      await h.app.request(`/u/${t}`),
      await h.app.request(`/u/${t}`, { method: 'POST', headers: { accept: 'text/html' }, body: 'List-Unsubscribe=One-Click' }),
    ]) {
      expect(again.status).toBe(200);
      const page = await again.text();
      expect(page).toContain('You are already unsubscribed');
      expect(page).toContain(`href="/subscribe/${SERIES}"`);
      expect(page).not.toContain('/p/');
    }
  });
});
