import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.ts';
import { createConsoleApp, SESSION_IDLE_MS, SIGN_IN_LIMITS, SIGN_IN_TTL_MS } from '../../src/server/admin/index.ts';
import { startHttpServer, type RunningServer } from '../../src/server/http.ts';
import { createPreviewApp, PreviewBuilder } from '../../src/server/preview/index.ts';
import { openServeApp } from '../../src/server/serve-app.ts';
import type { Store } from '../../src/store/index.ts';
import { COACH, signInPath, startConsole, type RunningConsole } from '../support/console.ts';

let c: RunningConsole;
let root: string;
let store: Store;
let server: RunningServer;
let secret: string;
let now = Date.now();
const clock = () => new Date(now);

/** Each test its own client address (trust-proxy), so the per-client limit of one does not reach another. */
let clients = 0;
const logged: string[] = [];
const client = () => `203.0.113.${++clients}`;

const cookiesOf = (r: Response) => Object.fromEntries(r.headers.getSetCookie().map((c) => c.split(';')[0]!.split('=') as [string, string]));
const jar = (cookies: Record<string, string>) =>
  Object.entries(cookies)
    .map(([k, v]) => `${k}=${v}`)
    .join('; ');

const outbox = async () => (await c.mails()).map((m) => ({ file: m.file, to: [m.to].flat()[0]?.text ?? '', text: m.text ?? '' }));
/** Links asked for and never used still land in the outbox: wait for them, so no later test takes one for its own. */
const landed = async (count: number, since: Set<string>) => c.newSignInMails(since, count);
const files = async () => new Set((await c.signInMails()).map((m) => m.file));

function post(
  path: string,
  opts: { cookies?: Record<string, string>; body?: Record<string, string>; origin?: string | null; ip: string; headers?: Record<string, string> },
) {
  const headers: Record<string, string> = { 'X-Forwarded-For': opts.ip, 'Content-Type': 'application/x-www-form-urlencoded', ...opts.headers };
  if (opts.origin !== null) headers.Origin = opts.origin ?? server.url;
  if (opts.cookies) headers.Cookie = jar(opts.cookies);
  return fetch(server.url + path, { method: 'POST', headers, body: new URLSearchParams(opts.body ?? {}), redirect: 'manual' });
}
const get = (path: string, cookies?: Record<string, string>, accept = 'text/html') =>
  fetch(server.url + path, { headers: { Accept: accept, ...(cookies ? { Cookie: jar(cookies) } : {}) }, redirect: 'manual' });

/** Asks for a link as one browser; resolves with that browser's cookies and the link's path. */
async function requestLink(ip: string): Promise<{ browser: Record<string, string>; path: string }> {
  const seen = await files();
  const r = await post('/admin/sign-in', { body: { email: COACH }, ip });
  expect(r.status).toBe(200);
  const browser = cookiesOf(r);
  const [mail] = await c.newSignInMails(seen, 1, () => logged.join('\n'));
  return { browser, path: signInPath(mail!.text) };
}

async function signIn(ip = client()): Promise<Record<string, string>> {
  const { browser, path } = await requestLink(ip);
  const r = await post(path, { cookies: browser, ip });
  expect([r.status, r.status === 303 ? '' : await r.text()]).toEqual([303, '']);
  const session = cookiesOf(r).coursemail_admin;
  expect(session).toBeTruthy();
  return { coursemail_admin: session! };
}
const csrfOf = async (session: Record<string, string>) => /console_csrf=([A-Za-z0-9_-]+)/.exec(await (await get('/admin/audit', session)).text())![1]!;

beforeAll(async () => {
  // Reached by name over https, as behind Caddy: links in mail point there.
  c = await startConsole({
    config: (cfg) => void (cfg.publicUrl = 'https://coach.example.com'),
    serve: { clock, trustProxy: true, log: (l) => logged.push(l), console: { watch: false, limits: { perAddress: { burst: 100, perHour: 100 } } } },
  });
  ({ root, store, server, secret } = c);
});

afterAll(async () => {
  await c?.close();
});

describe('the console refuses what it must', () => {
  it('every /admin route answers 401 or a redirect to sign-in without a session, and with a forged one', async () => {
    // Every route the preview has (the console serves them all), and the console's own.
    const preview = createPreviewApp({
      builder: new PreviewBuilder(root),
      transport: () => {
        throw new Error('unused');
      },
    });
    const own = createConsoleApp({
      store,
      config: loadConfig(root),
      secret,
      clock,
      transport: () => {
        throw new Error('unused');
      },
      preview,
    });
    // Sign-in is the one part open to all, by design (its own tests are below).
    const ownRoutes = own.routes.filter((r) => !r.path.startsWith('/admin/sign-in'));
    expect(ownRoutes.map((r) => r.path)).toEqual(
      expect.arrayContaining([
        '/admin/audit',
        '/admin/audit.csv',
        '/admin/readers',
        '/admin/readers.csv',
        '/admin/readers/:id/forget',
        '/admin/sign-out/everywhere',
      ]),
    );
    const routes = [...preview.routes.map((r) => ({ method: r.method, path: `/admin${r.path}` })), ...ownRoutes, { method: 'GET', path: '/admin' }];
    const concrete = [
      ...new Set(
        routes
          .filter((r) => r.method !== 'ALL' && !r.path.endsWith('*'))
          .map((r) => `${r.method} ${r.path.replace(/:[a-z]+/g, 'news').replace(/\/$/, '') || '/admin'}`),
      ),
    ];
    expect(concrete.length).toBeGreaterThan(25);
    for (const forged of [undefined, { coursemail_admin: randomBytes(32).toString('base64url') }]) {
      for (const route of concrete) {
        const [method, path] = route.split(' ') as [string, string];
        const r = method === 'GET' ? await get(path, forged) : await post(path, { cookies: forged, ip: client() });
        if (method === 'GET') {
          expect([r.status, r.headers.get('location')], route).toEqual([303, '/admin/sign-in']);
          expect((await get(path, forged, 'application/json')).status, route).toBe(401);
        } else expect(r.status, route).toBe(401);
      }
    }
  });

  it('a sign-in request for any other address gets the same answer and sends nothing', async () => {
    const seen = new Set((await outbox()).map((m) => m.file));
    const other = await post('/admin/sign-in', { body: { email: 'mallory@example.com' }, ip: client() });
    const otherText = (await other.text()).replace('mallory@example.com', 'ADDRESS');
    const { path } = await requestLink(client());
    const mails = (await outbox()).filter((m) => !seen.has(m.file));
    expect(mails.map((m) => m.to)).toEqual([COACH]);
    expect(path).toMatch(/^\/admin\/sign-in\/[^/]+$/);
    const before = await files();
    const mine = await post('/admin/sign-in', { body: { email: COACH }, ip: client() });
    await landed(1, before);
    expect(other.status).toBe(mine.status);
    expect(otherText).toBe((await mine.text()).replace(COACH, 'ADDRESS'));
    expect(Object.keys(cookiesOf(other))).toEqual(Object.keys(cookiesOf(mine)));
  });

  it('opening the link signs in nobody; only its POST does, once, from the browser that asked', async () => {
    const ip = client();
    const { browser, path } = await requestLink(ip);
    // A mail scanner's GET: a page with a button, no cookie, and the link still good afterwards.
    const opened = await get(path);
    expect(opened.status).toBe(200);
    expect(await opened.text()).toContain(`action="${path}"`);
    expect(cookiesOf(opened).coursemail_admin).toBeUndefined();
    // Another browser (no nonce, or its own): refused, and no session.
    for (const other of [undefined, { coursemail_admin_browser: randomBytes(32).toString('base64url') }]) {
      const r = await post(path, { cookies: other, ip });
      expect(r.status).toBe(403);
      expect(await r.text()).toContain('browser you asked for it from');
      expect(cookiesOf(r).coursemail_admin).toBeUndefined();
    }
    const first = await post(path, { cookies: browser, ip });
    expect(first.status).toBe(303);
    expect(first.headers.getSetCookie().find((c) => c.startsWith('coursemail_admin='))).toMatch(/HttpOnly/i);
    expect(first.headers.getSetCookie().find((c) => c.startsWith('coursemail_admin='))).toMatch(/SameSite=Strict/i);
    const again = await post(path, { cookies: browser, ip });
    expect(again.status).toBe(403);
    expect(cookiesOf(again).coursemail_admin).toBeUndefined();
    // A forged link (signature changed) is refused too.
    const forged = await post(`${path.slice(0, -2)}AA`, { cookies: browser, ip });
    expect(forged.status).toBe(403);
  });

  it('a link past its 15 minutes is refused', async () => {
    const ip = client();
    const { browser, path } = await requestLink(ip);
    now += SIGN_IN_TTL_MS + 60_000;
    const r = await post(path, { cookies: browser, ip });
    expect(r.status).toBe(403);
    expect(cookiesOf(r).coursemail_admin).toBeUndefined();
  });

  it('a session idle for 12 hours, or signed out (here or everywhere), is refused', async () => {
    const idle = await signIn();
    const kept = await signIn();
    expect((await get('/admin/status', kept)).status).toBe(200);
    now += SESSION_IDLE_MS - 60_000;
    expect((await get('/admin/broadcasts', kept)).status).toBe(200);
    now += 2 * 60_000;
    expect((await get('/admin/broadcasts', idle)).status).toBe(303);
    expect((await get('/admin/broadcasts', kept)).status).toBe(200);

    // Stolen, then signed out by its owner: the copy is worthless.
    const csrf = await csrfOf(kept);
    expect((await post(`/admin/sign-out?console_csrf=${csrf}`, { cookies: kept, ip: client() })).status).toBe(303);
    expect((await get('/admin/broadcasts', kept)).status).toBe(303);

    const a = await signIn();
    const b = await signIn();
    expect((await post(`/admin/sign-out/everywhere?console_csrf=${await csrfOf(a)}`, { cookies: a, ip: client() })).status).toBe(303);
    expect((await get('/admin/broadcasts', b)).status).toBe(303);
    expect((await get('/admin/broadcasts', a)).status).toBe(303);
  });

  it('a cross-site POST, or one without the session’s CSRF token, is refused before its body is read', async () => {
    const session = await signIn();
    const csrf = await csrfOf(session);
    const other = await signIn();
    const otherCsrf = await csrfOf(other);
    const host = new URL(server.url);
    /** Declares a megabyte of body and sends 10 bytes: an answer can only come before the body is read. */
    const halfSent = (path: string, headers: Record<string, string>) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(Number(host.port), host.hostname);
        let got = '';
        socket.on('data', (d) => {
          got += d.toString();
          if (got.includes('\r\n\r\n')) {
            socket.destroy();
            resolve(got.split('\r\n')[0]!);
          }
        });
        socket.on('error', reject);
        const lines = [
          `POST ${path} HTTP/1.1`,
          `Host: ${host.host}`,
          'Content-Type: application/x-www-form-urlencoded',
          'Content-Length: 1000000',
          `Cookie: coursemail_admin=${session.coursemail_admin}`,
          'X-Forwarded-For: 198.51.100.7',
          ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
        ];
        socket.write(`${lines.join('\r\n')}\r\n\r\nconfirm=ye`);
      });
    expect(await halfSent(`/admin/broadcasts/news/send?console_csrf=${csrf}`, { Origin: 'https://evil.example' })).toMatch(/ 403 /);
    expect(await halfSent(`/admin/broadcasts/news/send?console_csrf=${csrf}`, { 'Sec-Fetch-Site': 'cross-site', Origin: server.url })).toMatch(/ 403 /);
    expect(await halfSent(`/admin/broadcasts/news/send?console_csrf=${csrf}`, {})).toMatch(/ 403 /);
    expect(await halfSent('/admin/broadcasts/news/send', { Origin: server.url })).toMatch(/ 403 /);
    expect(await halfSent(`/admin/broadcasts/news/send?console_csrf=${otherCsrf}`, { Origin: server.url })).toMatch(/ 403 /);
    expect(await halfSent(`/admin/send-test?console_csrf=${csrf}x`, { Origin: server.url })).toMatch(/ 403 /);
    // The control: the same request, complete and carrying the token, is let through (and signs out).
    expect((await post(`/admin/sign-out?console_csrf=${csrf}`, { cookies: session, ip: client() })).status).toBe(303);
    // A cross-site sign-in request is refused as well (login CSRF), and sends nothing.
    expect((await post('/admin/sign-in', { body: { email: COACH }, ip: client(), origin: 'https://evil.example' })).status).toBe(403);
  });

  it('sign-in requests are limited per client and per address, with the same answer for any address', async () => {
    // The limits as shipped (the server above raises the per-address one: its tests sign in often).
    const app = await openServeApp({ root, store, config: loadConfig(root), secret, series: new Map(), clock, trustProxy: true, console: { watch: false } });
    const limited = await startHttpServer(app, { port: 0 });
    const ask = (email: string, ip: string) =>
      fetch(`${limited.url}/admin/sign-in`, {
        method: 'POST',
        headers: { Origin: limited.url, 'X-Forwarded-For': ip, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ email }),
      });
    try {
      const ip = client();
      const statuses: number[] = [];
      for (let i = 0; i < SIGN_IN_LIMITS.perClient.burst + 2; i++) statuses.push((await ask(`someone${i}@example.com`, ip)).status);
      expect(statuses).toEqual([...Array<number>(SIGN_IN_LIMITS.perClient.burst).fill(200), 429, 429]);
      const byAddress = async (email: string) => {
        const out: number[] = [];
        for (let i = 0; i <= SIGN_IN_LIMITS.perAddress.burst; i++) out.push((await ask(email, client())).status);
        return out;
      };
      const expected = [...Array<number>(SIGN_IN_LIMITS.perAddress.burst).fill(200), 429];
      expect(await byAddress('nobody@example.com')).toEqual(expected);
      const before = await files();
      expect(await byAddress(COACH)).toEqual(expected);
      await landed(SIGN_IN_LIMITS.perAddress.burst, before);
    } finally {
      await limited.close();
      await app.close();
    }
  });

  it('the audit log records sign-ins and sign-outs, viewable and as CSV', async () => {
    const session = await signIn();
    const page = await (await get('/admin/audit', session)).text();
    expect(page).toContain(`<td class="addr">${COACH}</td><td>sign-in</td>`);
    expect(page).toContain('<td>sign-out</td><td class="addr">this session</td>');
    expect(page).toMatch(/<td>sign-out<\/td><td class="addr">everywhere \([2-9]\d* sessions\)<\/td>/);
    const csv = await get('/admin/audit.csv', session);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = (await csv.text()).trim().split('\n');
    expect(lines[0]).toBe('at,actor,action,detail');
    expect(lines.filter((l) => l.includes(`,${COACH},sign-in,`)).length).toBeGreaterThanOrEqual(5);
  });

  it('behind the TLS proxy (Host and Origin name publicUrl) pages open and forms post, with Secure cookies', async () => {
    const session = await signIn();
    const csrf = await csrfOf(session);
    const publicUrl = new URL(loadConfig(root).publicUrl);
    const host = new URL(server.url);
    const raw = (lines: string[]) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(Number(host.port), host.hostname);
        let got = '';
        socket.on('data', (d) => (got += d.toString()));
        socket.on('end', () => resolve(got));
        socket.on('error', reject);
        socket.write(
          `${[...lines, `Host: ${publicUrl.host}`, `Cookie: coursemail_admin=${session.coursemail_admin}`, 'X-Forwarded-For: 198.51.100.9', 'Connection: close'].join('\r\n')}\r\n\r\n`,
        );
      });
    expect((await raw(['GET /admin/broadcasts HTTP/1.1', 'Accept: text/html'])).split('\r\n')[0]).toMatch(/ 200 /);
    const out = await raw([
      `POST /admin/sign-out?console_csrf=${csrf} HTTP/1.1`,
      `Origin: ${publicUrl.origin}`,
      'Sec-Fetch-Site: same-origin',
      'Content-Length: 0',
    ]);
    expect(out.split('\r\n')[0]).toMatch(/ 303 /);
    // The cookie it clears is Secure there: by name, the console is only ever reached over https.
    expect(out).toMatch(/Set-Cookie: coursemail_admin=;[^\r]*Secure/i);
  });

  it('the preview’s pages are served under /admin with their links and forms kept there', async () => {
    const session = await signIn();
    const page = await (await get('/admin/broadcasts/news', session)).text();
    expect(page).not.toMatch(/\s(?:href|src|action)="\/(?!admin\/|\/)/);
    expect(page).toMatch(/action="\/admin\/send-test\?console_csrf=[A-Za-z0-9_-]+"/);
    expect(page).toContain("new EventSource('/admin/events')");
    expect(page).toContain('data-testid="sign-out"');
  });
});

describe('without admins', () => {
  it('serve has no console: every /admin path is the public 404', async () => {
    const plain = await startConsole({ admins: [] });
    const srv = plain.server;
    try {
      expect(plain.app.console).toBe(false);
      for (const path of ['/admin', '/admin/', '/admin/sign-in', '/admin/status', '/admin/audit']) expect((await fetch(srv.url + path)).status, path).toBe(404);
      const r = await fetch(`${srv.url}/admin/sign-in`, {
        method: 'POST',
        headers: { Origin: srv.url, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: `email=${COACH}`,
      });
      expect(r.status).toBe(404);
      expect(existsSync(join(plain.root, 'outbox'))).toBe(false);
    } finally {
      await plain.close();
    }
  });
});

describe('readers in the console', () => {
  it('search matches % and _ literally; pause and resume a course; forget only with the typed address; export one', async () => {
    const t = clock();
    await store.subscribers.importBatch(
      ['a_b@example.com', 'axb@example.com', 'pct%x@example.com'].map((email) => ({
        email,
        firstName: null,
        timezone: null,
        consentAt: t,
        consentSource: 'test',
      })),
      { now: t, seriesId: null },
    );
    const session = await signIn();
    const csrf = await csrfOf(session);
    const listed = async (q: string) =>
      [...(await (await get(`/admin/readers?q=${encodeURIComponent(q)}`, session)).text()).matchAll(/data-reader="([^"]+)"/g)].map((m) => m[1]);
    expect(await listed('a_b')).toEqual(['a_b@example.com']);
    expect(await listed('%')).toEqual(['pct%x@example.com']);
    expect((await listed('AXB')).length).toBe(1);
    // The course filter is offered per step of each course, and applied.
    const readersPage = await (await get('/admin/readers', session)).text();
    expect(readersPage).toContain('<option value="physician-coaching:">');
    expect(readersPage).toMatch(/<option value="physician-coaching:[a-z0-9-]+">[^<]*last sent 1\. /);

    const axb = (await store.subscribers.findByEmail('axb@example.com'))!;
    await store.enrollments.enroll(axb.id, 'physician-coaching', t);
    const act = (verb: string, body: Record<string, string>) =>
      post(`/admin/readers/${axb.id}/${verb}?console_csrf=${csrf}`, { cookies: session, body, ip: client() });
    expect([...(await (await get('/admin/readers?course=physician-coaching%3A', session)).text()).matchAll(/data-reader="([^"]+)"/g)].map((m) => m[1])).toEqual(
      ['axb@example.com'],
    );
    expect((await act('pause', { series: 'physician-coaching' })).status).toBe(303);
    expect((await store.enrollments.get(axb.id, 'physician-coaching'))?.pausedAt).not.toBeNull();
    expect((await act('resume', { series: 'physician-coaching' })).status).toBe(303);
    expect((await store.enrollments.get(axb.id, 'physician-coaching'))?.pausedAt).toBeNull();

    const all = await get('/admin/readers.csv', session);
    expect(all.headers.get('content-type')).toMatch(/text\/csv/);
    const allText = await all.text();
    for (const email of ['a_b@example.com', 'axb@example.com', 'pct%x@example.com']) expect(allText).toContain(email);
    const exported = await get(`/admin/readers/${axb.id}/export`, session);
    expect(exported.headers.get('content-type')).toMatch(/text\/csv/);
    expect(await exported.text()).toContain('axb@example.com');

    // A wrong or missing confirmation erases nothing; the typed address does.
    for (const confirm of ['', 'a_b@example.com', 'axb@example']) {
      const r = await act('forget', { confirm });
      expect(decodeURIComponent(r.headers.get('location') ?? '')).toContain('Not forgotten');
    }
    expect(await store.subscribers.getById(axb.id)).not.toBeNull();
    expect((await act('forget', { confirm: 'AXB@example.com' })).headers.get('location')).toMatch(/^\/admin\/readers\?/);
    expect(await store.subscribers.getById(axb.id)).toBeNull();
    expect(await store.suppressions.isSuppressed('axb@example.com')).toBe(true);

    const audit = await (await get('/admin/audit', session)).text();
    for (const action of ['reader.pause', 'reader.resume', 'reader.export', 'readers.export', 'reader.forget']) expect(audit).toContain(`<td>${action}</td>`);
    // The forget entry does not repeat the address it erased.
    expect(audit).toMatch(new RegExp(`<td>reader\\.forget</td><td class="addr">reader ${axb.id}</td>`));
  });
});
