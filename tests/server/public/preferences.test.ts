import { describe, expect, it } from 'vitest';
import { exportSubscribers } from '../../../src/subscribers/index.ts';
import { activeSubscriber, formPost, harness, LESSON_1, SERIES, token, type Harness } from './support.ts';

async function setup() {
  const h = await harness();
  const id = await activeSubscriber(h);
  return { h, id, path: `/p/${token('preferences', id)}` };
}

const post = (h: Harness, path: string, fields: Record<string, string>, headers: Record<string, string> = {}) => h.app.request(path, formPost(fields, headers));

describe('preferences /p/:token', () => {
  it('shows everything held — the same as export — and a JSON download of it', async () => {
    const { h, path } = await setup();
    const page = await (await h.app.request(path)).text();
    for (const text of [
      'ana@example.com',
      'value="Ana"',
      'value="America/Chicago"',
      'Physician coaching is not therapy',
      'Pause',
      'Delete my data',
      'call or text',
    ]) {
      expect(page).toContain(text);
    }
    const r = await h.app.request(`${path}/data.json`);
    expect(r.headers.get('content-disposition')).toContain('attachment');
    let expected = '';
    for await (const chunk of exportSubscribers(h.store, { email: 'ana@example.com', format: 'json' })) expected += chunk;
    expect(await r.text()).toBe(expected);
  });

  it('names each message as the reader knows it (lesson number and subject, not a file name), at times in the reader’s zone', async () => {
    const { h, path } = await setup();
    // 01:30 UTC on 2 December is 7:30 PM on the 1st in Chicago; lesson 1 goes at once.
    expect(await h.worker.runOnce()).toMatchObject({ sent: 1 });
    const page = await (await h.app.request(path)).text();
    const lesson1 = `lesson 1 of 5, “${LESSON_1}”`;
    expect(page).toContain(`running; the last was ${lesson1}, on Tue, Dec 1, 2026, 7:30 PM`);
    expect(page).toContain(`<li>Lesson 1 of 5, “${LESSON_1}”: sent Tue, Dec 1, 2026, 7:30 PM</li>`);
    expect(page).not.toContain('what-coaching-is');
    expect(page).not.toContain('UTC');
  });

  it('changes first name and time zone (303 back to the page), refuses an unknown zone without changing anything', async () => {
    const { h, id, path } = await setup();
    const r = await post(h, path, { action: 'save', first_name: 'Anna\r\nBcc: Zed', timezone: 'europe/paris' });
    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe(`${path}?done=saved`);
    expect(await h.store.subscribers.getById(id)).toMatchObject({ firstName: 'Anna Bcc: Zed', timezone: 'Europe/Paris' });
    expect(await (await h.app.request(`${path}?done=saved`)).text()).toContain('role="status">Saved.');
    const bad = await post(h, path, { action: 'save', first_name: 'Zed', timezone: 'Nowhere/Land' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('&quot;Nowhere/Land&quot; is not a time zone we know. Pick one from the list');
    // A friendly name is answered with the closest zones; picked from the list, it is taken.
    const near = await post(h, path, { action: 'save', first_name: 'Zed', timezone: 'Central Time' });
    expect(near.status).toBe(400);
    expect(await near.text()).toContain('Did you mean Central Time — Chicago (America/Chicago)');
    expect((await post(h, path, { action: 'save', timezone: 'Central Time — Chicago' })).status).toBe(303);
    expect((await h.store.subscribers.getById(id))?.timezone).toBe('America/Chicago');
    expect((await post(h, path, { action: 'save', timezone: 'Europe/Paris' })).status).toBe(303);
    expect(await h.store.subscribers.getById(id)).toMatchObject({ firstName: 'Anna Bcc: Zed', timezone: 'Europe/Paris' });
  });

  it('refuses a name holding a web address, with the reason, and keeps the old one', async () => {
    const { h, id, path } = await setup();
    const r = await post(h, path, { action: 'save', first_name: 'Claim at evil.example/refund', timezone: 'Europe/Paris' });
    expect(r.status).toBe(400);
    expect(await r.text()).toContain('First name: a first name cannot contain a web address.');
    expect(await h.store.subscribers.getById(id)).toMatchObject({ firstName: 'Ana' });
  });

  it('pauses and resumes the course; refuses a series they are not in', async () => {
    const { h, id, path } = await setup();
    expect((await post(h, path, { action: 'pause', series: SERIES })).status).toBe(303);
    expect((await h.store.enrollments.get(id, SERIES))!.pausedAt).toEqual(h.now);
    expect(await (await h.app.request(path)).text()).toContain('Resume');
    h.advance(120);
    expect((await post(h, path, { action: 'resume', series: SERIES })).status).toBe(303);
    expect(await h.store.enrollments.get(id, SERIES)).toMatchObject({ pausedAt: null, pausedMinutes: 120 });
    expect(h.kicks).toBe(1);
    expect((await post(h, path, { action: 'pause', series: 'other' })).status).toBe(400);
  });

  it('JSON works too: only the fields sent change', async () => {
    const { h, id, path } = await setup();
    const r = await h.app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'save', first_name: 'Ann' }),
    });
    expect(await r.json()).toEqual({ ok: true, done: 'saved' });
    expect(await h.store.subscribers.getById(id)).toMatchObject({ firstName: 'Ann', timezone: 'America/Chicago' });
  });

  it('unsubscribes from the page', async () => {
    const { h, id, path } = await setup();
    expect((await post(h, path, { action: 'unsubscribe' })).status).toBe(303);
    expect((await h.store.subscribers.getById(id))!.status).toBe('unsubscribed');
  });

  it('forget needs the box ticked; then the data is gone, the address suppressed, the link answers 410', async () => {
    const { h, id, path } = await setup();
    const unticked = await post(h, path, { action: 'forget' });
    expect(unticked.status).toBe(400);
    expect(await h.store.subscribers.getById(id)).not.toBeNull();
    const r = await post(h, path, { action: 'forget', confirm: 'yes' });
    expect(r.status).toBe(200);
    expect(await r.text()).toContain('Everything we held about you is deleted');
    expect(await h.store.subscribers.getById(id)).toBeNull();
    expect(await h.store.suppressions.isSuppressed('ana@example.com')).toBe(true);
    expect((await h.app.request(path)).status).toBe(410);
    // And signing up again is answered as always, but stores nothing.
    expect((await h.app.request(`/subscribe/${SERIES}`, formPost({ email: 'ana@example.com' }))).status).toBe(200);
    expect(await h.store.subscribers.findByEmail('ana@example.com')).toBeNull();
  });

  it('a post from another site is refused (403) and changes nothing; a bad token is a 400', async () => {
    const { h, id, path } = await setup();
    expect((await post(h, path, { action: 'unsubscribe' }, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await post(h, path, { action: 'forget', confirm: 'yes' }, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await h.store.subscribers.getById(id))!.status).toBe('active');
    expect((await h.app.request(`/p/${token('unsubscribe', id)}`)).status).toBe(400);
    expect((await post(h, `/p/${token('unsubscribe', id)}`, { action: 'unsubscribe' })).status).toBe(400);
    expect((await h.store.subscribers.getById(id))!.status).toBe('active');
  });
});
