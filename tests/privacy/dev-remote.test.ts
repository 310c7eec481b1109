import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDev, type RunningDev } from '../../src/server/dev/index.ts';
import { writeBroadcast } from '../broadcast/support.ts';
import { tempProject } from '../support/project.ts';

interface Raw {
  method?: string;
  host?: string;
  headers?: Record<string, string>;
  /** Sent chunk by chunk; how many were never consumed is reported back. */
  chunks?: Buffer[];
  localAddress?: string;
}

/** A request with any Host header and source address (fetch allows neither). */
function raw(url: string, o: Raw = {}): Promise<{ status: number; text: string; unsent: number }> {
  const chunks = [...(o.chunks ?? [])];
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: o.method ?? 'GET', headers: { ...(o.host ? { host: o.host } : {}), ...o.headers }, localAddress: o.localAddress },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text, unsent: chunks.length }));
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'EPIPE' || err.code === 'ECONNRESET' ? undefined : reject(err)));
    // Writes the next chunk only once the server has taken the last: a server that never
    // reads leaves most of the body unsent.
    const pump = () => {
      const next = chunks.shift();
      if (!next) return req.end();
      if (req.write(next)) setImmediate(pump);
      else req.once('drain', pump);
    };
    if (o.chunks) pump();
    else req.end();
  });
}

let root: string;
let dev: RunningDev;
let port: string;

beforeAll(async () => {
  root = tempProject({ config: (c) => (c.allowedHosts = ['coach-laptop.lan']) });
  writeBroadcast(root, 'news');
  dev = await startDev({
    root,
    port: 0,
    host: '127.0.0.1',
    allowRemote: true,
    allowedHosts: ['preview.example.org'],
    env: {},
    watch: false,
    log: () => undefined,
  });
  port = new URL(dev.url).port;
  const now = new Date();
  await dev.store.subscribers.importBatch([{ email: 'reader@example.com', firstName: null, timezone: null, consentAt: now, consentSource: 'test' }], {
    now,
    seriesId: null,
  });
});

afterAll(() => dev?.close());

const tokenIn = (page: string) => /action="\/broadcasts\/news\/send\?csrf=([\w-]+)"/.exec(page)?.[1];

describe('coursemail dev --allow-remote', () => {
  it('replays the DNS-rebinding attack: a page on evil.example can neither read the token nor start the broadcast', async () => {
    const evil = `evil.example:${port}`;
    // The attacker's page, its name now resolving to this machine, reads the confirmation page…
    const read = await raw(`${dev.url}/broadcasts/news/send`, { host: evil });
    expect(read.status).toBe(403);
    expect(tokenIn(read.text)).toBeUndefined();
    // …and posts with a token it got some other way, from its own origin.
    const token = tokenIn((await raw(`${dev.url}/broadcasts/news/send`)).text);
    expect(token).toMatch(/^[\w-]{32}$/);
    const page = (await raw(`${dev.url}/broadcasts/news/send`)).text;
    const hash = /name="hash" value="([^"]*)"/.exec(page)?.[1] ?? '';
    const body = Buffer.from(new URLSearchParams({ hash, confirm: 'yes' }).toString());
    const send = await raw(`${dev.url}/broadcasts/news/send?csrf=${token}`, {
      method: 'POST',
      host: evil,
      headers: { origin: `http://${evil}`, 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
      chunks: [body],
    });
    expect(send.status).toBe(403);
    expect(await dev.store.broadcasts.list()).toEqual([]);
    // The names it is meant to be reached by still work: publicUrl's, allowedHosts, --allowed-host.
    for (const host of [`localhost:${port}`, 'coach-laptop.lan', `preview.example.org:${port}`])
      expect((await raw(`${dev.url}/`, { host })).status, host).toBe(200);
    for (const host of ['evil.example', '192.168.1.20', `coach-laptop.lan.evil.example:${port}`])
      expect((await raw(`${dev.url}/`, { host })).status, host).toBe(403);
  });

  it('refuses a foreign or tokenless POST from its headers, before reading the body; a same-origin one is capped', async () => {
    const big = () => Array.from({ length: 400 }, () => Buffer.alloc(64 * 1024, 120));
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const foreign = await raw(`${dev.url}/broadcasts/news/send`, {
      method: 'POST',
      headers: { ...form, origin: 'http://evil.example', 'transfer-encoding': 'chunked' },
      chunks: big(),
    });
    expect(foreign.status).toBe(403);
    expect(foreign.unsent).toBeGreaterThan(300);
    const tokenless = await raw(`${dev.url}/broadcasts/news/send`, {
      method: 'POST',
      headers: { ...form, origin: dev.url, 'transfer-encoding': 'chunked' },
      chunks: big(),
    });
    expect(tokenless.status).toBe(403);
    expect(tokenless.unsent).toBeGreaterThan(300);
    const token = tokenIn((await raw(`${dev.url}/broadcasts/news/send`)).text);
    const capped = await raw(`${dev.url}/broadcasts/news/send?csrf=${token}`, {
      method: 'POST',
      headers: { ...form, origin: dev.url, 'transfer-encoding': 'chunked' },
      chunks: big(),
    });
    expect(capped.status).toBe(413);
    expect(capped.unsent).toBeGreaterThan(300);
    const testSend = await raw(`${dev.url}/send-test`, {
      method: 'POST',
      headers: { ...form, origin: dev.url, 'transfer-encoding': 'chunked' },
      chunks: big(),
    });
    expect(testSend.status).toBe(413);
    expect(await dev.store.broadcasts.list()).toEqual([]);
  });

  it('the sign-up form limits each client by its own address', async () => {
    const signUp = (i: number, localAddress: string) =>
      raw(`${dev.url}/subscribe/physician-coaching`, {
        method: 'POST',
        localAddress,
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: dev.url },
        chunks: [Buffer.from(`email=rate${i}%40example.com`)],
      });
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await signUp(i, '127.0.0.1')).status);
    expect(statuses.slice(0, 10).every((s) => s === 200)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    expect((await signUp(99, '127.0.0.2')).status).toBe(200);
  });
});
