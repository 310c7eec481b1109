/**
 * Requests an attacker (or a broken proxy) could send to the public webhook endpoint. Each
 * must get the right status and leave the database as it was: no subscriber change, no
 * suppression, no delivery change, and no event id recorded.
 */
import { once } from 'node:events';
import { request } from 'node:http';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/index.ts';
import { freshDatabase } from '../support/databases.ts';
import { newWebhookSecret, permanentBounce, resendEvent, svixHeaders } from '../support/svix.ts';
import { seedReader, startWebhooks, stateOf } from '../webhooks/setup.ts';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function setup() {
  const options = await freshDatabase('sqlite');
  const store = await openStore(options);
  cleanup.push(() => store.close());
  const { id } = await seedReader(store);
  const hooks = await startWebhooks(store);
  cleanup.push(hooks.close);
  const events = () => {
    const raw = new Database(options.sqlitePath!, { readonly: true });
    try {
      return raw.prepare('select id from webhook_events order by id').pluck().all();
    } finally {
      raw.close();
    }
  };
  const before = await stateOf(store, id);
  /** Nothing changed since setup, and no event id was stored. */
  const unchanged = async () => {
    expect(await stateOf(store, id)).toEqual(before);
    expect(events()).toEqual([]);
  };
  return { store: store as Store, hooks, id, events, unchanged };
}

const bounce = () => resendEvent('email.bounced', 'prov-1', permanentBounce);

const delay = (ms: number) => new Promise<undefined>((r) => setTimeout(() => r(undefined), ms));

/**
 * Posts `size` bytes, chunked or with a Content-Length. It sends 1 MB (four times the cap),
 * then waits for an answer before sending the rest: `written` says how much the server had
 * been sent when it answered, so a server that reads the whole body first is caught.
 */
async function postBig(url: string, headers: Record<string, string>, size: number, chunked: boolean) {
  let written = 0;
  let settle!: (r: { status: number; written: number }) => void;
  const answered = new Promise<{ status: number; written: number }>((r) => (settle = r));
  const req = request(url, { method: 'POST', headers: chunked ? headers : { ...headers, 'content-length': String(size) } }, (res) => {
    res.resume();
    settle({ status: res.statusCode ?? 0, written });
  });
  const failed = new Promise<never>((_, reject) => req.on('error', reject));
  const chunk = Buffer.alloc(64 * 1024, 'a');
  const send = async (upTo: number) => {
    while (written < upTo) {
      written += chunk.length;
      if (!req.write(chunk) && (await Promise.race([once(req, 'drain'), answered.then(() => 'answered')])) === 'answered') return;
    }
  };
  await send(1024 * 1024);
  if (!(await Promise.race([answered, delay(3000)]))) {
    await send(size);
    req.end();
  }
  const result = await Promise.race([answered, failed]);
  req.destroy();
  return result;
}

describe('hostile webhook requests', () => {
  it('the baseline: a correctly signed permanent bounce is applied', async () => {
    const { store, hooks, events } = await setup();
    const res = await hooks.post(bounce(), { id: 'msg_good' });
    expect(res.status).toBe(200);
    expect(await store.suppressions.isSuppressed('reader@example.com')).toBe(true);
    expect(events()).toEqual(['msg_good']);
  });

  it('a wrong signature → 401, nothing stored', async () => {
    const { hooks, unchanged } = await setup();
    expect((await hooks.post(bounce(), { secret: newWebhookSecret() })).status).toBe(401);
    await unchanged();
  });

  it('a body changed after signing → 401, nothing stored', async () => {
    const { hooks, unchanged } = await setup();
    const signed = svixHeaders(hooks.secret, resendEvent('email.delivered', 'prov-1'));
    const res = await fetch(hooks.url, { method: 'POST', body: bounce(), headers: signed });
    expect(res.status).toBe(401);
    await unchanged();
  });

  it('a valid signature with the id swapped (replaying a signature under a new id) → 401', async () => {
    const { hooks, unchanged } = await setup();
    const body = bounce();
    const signed = svixHeaders(hooks.secret, body, { id: 'msg_a' });
    const res = await fetch(hooks.url, { method: 'POST', body, headers: { ...signed, 'svix-id': 'msg_b' } });
    expect(res.status).toBe(401);
    await unchanged();
  });

  it('during a secret rotation (two signatures, one from the old secret) the matching one is enough', async () => {
    const { hooks, events } = await setup();
    const body = bounce();
    const signed = svixHeaders(hooks.secret, body, { id: 'msg_rotated' });
    const old = svixHeaders(newWebhookSecret(), body, { id: 'msg_rotated' });
    const res = await fetch(hooks.url, {
      method: 'POST',
      body,
      headers: { ...signed, 'svix-signature': `${old['svix-signature']} ${signed['svix-signature']}` },
    });
    expect(res.status).toBe(200);
    expect(events()).toEqual(['msg_rotated']);
  });

  it('a timestamp older than 5 minutes → 401, nothing stored (and one too far ahead)', async () => {
    const { hooks, unchanged } = await setup();
    expect((await hooks.post(bounce(), { at: new Date(Date.now() - 6 * 60_000) })).status).toBe(401);
    expect((await hooks.post(bounce(), { at: new Date(Date.now() + 6 * 60_000) })).status).toBe(401);
    await unchanged();
    // Within the tolerance it is accepted: the check is the window, not exact time.
    expect((await hooks.post(bounce(), { at: new Date(Date.now() - 4 * 60_000) })).status).toBe(200);
  });

  it('missing signature headers → 401, nothing stored', async () => {
    const { hooks, unchanged } = await setup();
    const res = await fetch(hooks.url, { method: 'POST', body: bounce(), headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(401);
    await unchanged();
  });

  it('a replayed event id → 200 both times, applied once', async () => {
    const { store, hooks, id, events } = await setup();
    const body = resendEvent('email.complained', 'prov-1');
    const headers = svixHeaders(hooks.secret, body, { id: 'msg_twice' });
    const first = await fetch(hooks.url, { method: 'POST', body, headers });
    const afterFirst = await stateOf(store, id);
    const second = await fetch(hooks.url, { method: 'POST', body, headers });
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(await second.json()).toEqual({ ok: true, outcome: 'duplicate' });
    expect(await stateOf(store, id)).toEqual(afterFirst);
    expect(afterFirst.status).toBe('complained');
    expect(events()).toEqual(['msg_twice']);
  });

  it('malformed JSON, correctly signed → 400, nothing stored', async () => {
    const { hooks, unchanged } = await setup();
    expect((await hooks.post('{"type": "email.bounced", "data": {')).status).toBe(400);
    expect((await hooks.post('')).status).toBe(400);
    expect((await hooks.post('["email.bounced"]')).status).toBe(400);
    await unchanged();
  });

  it('a 5 MB body → 413 whether it declares its length or streams in chunks; nothing stored; the server still answers', async () => {
    const { hooks, unchanged, events } = await setup();
    const headers = svixHeaders(hooks.secret, 'x');
    const big = 5 * 1024 * 1024;
    for (const chunked of [false, true]) {
      const { status, written } = await postBig(hooks.url, headers, big, chunked);
      expect(status).toBe(413);
      // Answered long before the body was all sent: it was never read into memory.
      expect(written).toBeLessThanOrEqual(1024 * 1024);
    }
    await unchanged();
    expect((await hooks.post(bounce(), { id: 'msg_after' })).status).toBe(200);
    expect(events()).toEqual(['msg_after']);
  });

  it('a body just under the cap is read (and refused only for its signature)', async () => {
    const { hooks, unchanged } = await setup();
    const body = JSON.stringify({ type: 'email.bounced', pad: 'a'.repeat(200 * 1024) });
    expect((await fetch(hooks.url, { method: 'POST', body, headers: { ...svixHeaders(newWebhookSecret(), body) } })).status).toBe(401);
    await unchanged();
  });

  it('refuses to start without a usable secret', async () => {
    const { createWebhookApp } = await import('../../src/server/webhooks/index.ts');
    const deps = {
      store: { deliveries: { applyProviderEvent: async () => ({ outcome: 'unknown' as const }) } },
      clock: () => new Date(),
      log: () => undefined,
    };
    expect(() => createWebhookApp({ ...deps, secret: undefined })).toThrow(/RESEND_WEBHOOK_SECRET is not set/);
    expect(() => createWebhookApp({ ...deps, secret: 'not a secret!' })).toThrow(/not a signing secret/);
  });
});
