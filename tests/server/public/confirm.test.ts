import { describe, expect, it } from 'vitest';
import { signToken } from '../../../src/tokens/index.ts';
import { formPost, harness, linkIn, SECRET, SERIES, type Harness } from './support.ts';

/** Signs up through the form and lets the worker send the confirmation; returns its link's path. */
async function signUp(h: Harness, email = 'ann@example.com') {
  const r = await h.app.request(`/subscribe/${SERIES}`, formPost({ email }));
  expect(r.status).toBe(200);
  await h.worker.runOnce();
  const mails = await h.emails();
  const path = new URL(linkIn(mails[mails.length - 1]!, 'confirm')).pathname;
  const subscriber = (await h.store.subscribers.findByEmail(email))!;
  return { path, id: subscriber.id };
}

const statusOf = async (h: Harness, id: string) => (await h.store.subscribers.getById(id))!.status;
/** The button on the page the link opens. */
const press = (h: Harness, path: string) => h.app.request(path, formPost({ confirm: '1' }));

describe('the confirmation link opens a page with one button; only the button confirms', () => {
  it('following the link changes nothing (mail scanners fetch every link); pressing the button activates and enrolls, once', async () => {
    const h = await harness();
    const { path, id } = await signUp(h);
    for (let i = 0; i < 3; i++) {
      const opened = await h.app.request(path);
      expect(opened.status).toBe(200);
      const page = await opened.text();
      expect(page).toContain('Physician coaching is not therapy');
      expect(page).toContain(
        `<form method="post" action="${path}"><input type="hidden" name="confirm" value="1"><button type="submit">Yes, send me the course</button></form>`,
      );
    }
    expect(await statusOf(h, id)).toBe('pending');
    expect(await h.store.enrollments.get(id, SERIES)).toBeNull();

    const pressed = await press(h, path);
    expect(pressed.status).toBe(200);
    expect(await pressed.text()).toContain('You are in');
    expect(await statusOf(h, id)).toBe('active');
    expect(await h.store.enrollments.get(id, SERIES)).not.toBeNull();
    // Opened again afterwards: nothing to do.
    const after = await h.app.request(path);
    expect(after.status).toBe(200);
    expect(await after.text()).toContain('Already confirmed');
  });

  it('the button is not rate-limited: a clinic behind one address signs up until the limit, and every reader can still confirm', async () => {
    const h = await harness({ limits: { burst: 3 } });
    const readers = [await signUp(h, 'a@example.com'), await signUp(h, 'b@example.com'), await signUp(h, 'c@example.com')];
    expect((await h.app.request(`/subscribe/${SERIES}`, formPost({ email: 'd@example.com' }))).status).toBe(429);
    for (const r of readers) expect((await press(h, r.path)).status).toBe(200);
    for (const r of readers) expect(await statusOf(h, r.id)).toBe('active');
    // Asking for a fresh link sends an email: that is still limited.
    expect((await h.app.request(readers[0]!.path, formPost({ fresh: '1' }))).status).toBe(429);
  });

  it('the button refuses a tampered, forged or expired link, and a press from another site', async () => {
    const h = await harness();
    const { path, id } = await signUp(h);
    const [body, sig] = path.slice('/confirm/'.length).split('.');
    expect((await press(h, `/confirm/${body}.${sig![0] === 'A' ? 'B' : 'A'}${sig!.slice(1)}`)).status).toBe(400);
    const cross = await h.app.request(path, formPost({ confirm: '1' }, { origin: 'https://evil.example' }));
    expect(cross.status).toBe(403);
    expect(await statusOf(h, id)).toBe('pending');
    h.advance(8 * 24 * 60);
    const late = await press(h, path);
    expect(late.status).toBe(410);
    expect(await late.text()).toContain('This link has expired');
    expect(await statusOf(h, id)).toBe('pending');
  });
});

describe('GET /confirm/:token refuses what it must, with a page that says what to do', () => {
  it('a tampered token: 400, a clear page with a form for a fresh link, nothing activated', async () => {
    const h = await harness();
    const { path, id } = await signUp(h);
    const [body, sig] = path.slice('/confirm/'.length).split('.');
    const flipped = `${body}.${sig![0] === 'A' ? 'B' : 'A'}${sig!.slice(1)}`;
    for (const bad of [flipped, `${body}x.${sig}`, 'not-a-token', `${body}.${sig}.extra`]) {
      const r = await h.app.request(`/confirm/${bad}`);
      expect(r.status).toBe(400);
      const page = await r.text();
      expect(page).toContain('This link does not work');
      expect(page).toContain(`action="/subscribe/${SERIES}"`);
    }
    expect(await statusOf(h, id)).toBe('pending');
  });

  it('a token signed with another secret, or for another purpose, is refused', async () => {
    const h = await harness();
    const { id } = await signUp(h);
    const nonce = (await h.store.subscribers.getById(id))!.confirmNonce!;
    const e = Math.floor(h.now.getTime() / 1000) + 3600;
    const forged = signToken('confirm', { s: id, n: nonce, e }, 'x'.repeat(40));
    const wrongPurpose = signToken('unsubscribe', { s: id, n: nonce, e }, SECRET);
    for (const t of [forged, wrongPurpose]) expect((await h.app.request(`/confirm/${t}`)).status).toBe(400);
    expect(await statusOf(h, id)).toBe('pending');
  });

  it('an expired link (8 days later): 410 and a button for a fresh link, which replaces the old one and works', async () => {
    const h = await harness();
    const { path, id } = await signUp(h);
    h.advance(8 * 24 * 60);
    const expired = await h.app.request(path);
    expect(expired.status).toBe(410);
    const page = await expired.text();
    expect(page).toContain('This link has expired');
    expect(page).toContain(`<form method="post" action="${path}">`);
    expect(await statusOf(h, id)).toBe('pending');

    const fresh = await h.app.request(path, formPost({ fresh: '1' }));
    expect(fresh.status).toBe(200);
    expect(await fresh.text()).toContain('Check your inbox');
    await h.worker.runOnce();
    const mails = await h.emails();
    expect(mails).toHaveLength(2);
    const newPath = new URL(linkIn(mails[1]!, 'confirm')).pathname;
    expect(newPath).not.toBe(path);

    const old = await h.app.request(path);
    expect(old.status).toBe(410); // still expired
    expect((await h.app.request(newPath)).status).toBe(200);
    const ok = await press(h, newPath);
    expect(ok.status).toBe(200);
    expect(await statusOf(h, id)).toBe('active');
    expect(await h.store.enrollments.get(id, SERIES)).not.toBeNull();
  });

  it('a superseded link (a fresh one was asked for) says so and does not activate', async () => {
    const h = await harness();
    const { path, id } = await signUp(h);
    h.advance(60);
    expect((await h.app.request(path, formPost({}))).status).toBe(200); // fresh link: new nonce
    for (const r of [await h.app.request(path), await press(h, path)]) {
      expect(r.status).toBe(409);
      expect(await r.text()).toContain('A newer link was sent');
    }
    expect(await statusOf(h, id)).toBe('pending');
  });

  it('a reused link: 409 "already confirmed", one enrollment, nothing re-sent', async () => {
    const h = await harness();
    const { path, id } = await signUp(h);
    expect((await press(h, path)).status).toBe(200);
    const again = await press(h, path);
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('Already confirmed');
    expect(await h.store.enrollments.listForSubscriber(id)).toHaveLength(1);
    await h.worker.runOnce();
    expect((await h.emails()).length).toBe(2); // the confirmation and lesson 1, once
  });

  it('a link for an address since unsubscribed, or erased, cannot bring it back', async () => {
    const h = await harness();
    const a = await signUp(h, 'a@example.com');
    const b = await signUp(h, 'b@example.com');
    await h.store.subscribers.unsubscribe(a.id, h.now);
    await h.store.subscribers.forget('b@example.com', h.now);
    for (const ra of [await h.app.request(a.path), await press(h, a.path)]) {
      expect(ra.status).toBe(410);
      expect(await ra.text()).toContain('no longer subscribed');
    }
    expect(await statusOf(h, a.id)).toBe('unsubscribed');
    expect((await h.app.request(b.path)).status).toBe(410);
    expect((await press(h, b.path)).status).toBe(410);
    expect(await h.store.subscribers.findByEmail('b@example.com')).toBeNull();
  });

  it('asking for fresh links over and over sends one email per cooldown', async () => {
    const h = await harness();
    const { path } = await signUp(h);
    h.advance(8 * 24 * 60);
    for (let i = 0; i < 4; i++) expect((await h.app.request(path, formPost({}))).status).toBe(200);
    await h.worker.runOnce();
    expect(await h.emails()).toHaveLength(2);
  });
});
