import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storedDraftSource } from '../../src/broadcast/index.ts';
import { loadConfig, type Config } from '../../src/config/index.ts';
import { csrfToken, sha256 } from '../../src/server/admin/secrets.ts';
import { startHttpServer, type RunningServer } from '../../src/server/http.ts';
import { openServeApp } from '../../src/server/serve-app.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { tempProject } from '../support/project.ts';

/**
 * What a coach types into the console's broadcast editor (or a forged post sends it) can
 * neither run script in an inbox or in the console, hide the footer, nor add a header:
 * the same sanitizer, parser and guard as a broadcast file stand between it and a send.
 */
const COACH = 'coach@example.com';
const SECRET = randomBytes(32).toString('hex');
const SESSION = randomBytes(32).toString('base64url');
const CSRF = csrfToken(SECRET, SESSION);

let root: string;
let config: Config;
let store: Store;
let server: RunningServer;
let close: () => Promise<void>;

const HOSTILE_BODY = [
  'Hello {{firstName}},',
  '',
  '<script>alert("inbox")</script>',
  '<style>.footer, table:last-child { display: none !important }</style>',
  '<div style="display:none;font-size:0">HIDDEN-MARK</div>',
  '<img src="https://example.org/x.png" onerror="alert(1)"> <a href="javascript:alert(2)">click</a>',
  '<iframe src="https://evil.example"></iframe><form action="https://evil.example"><input name="pw"></form>',
  '',
  '</textarea><script>alert("console")</script>',
].join('\n');

const fields = (over: Record<string, string> = {}) => ({
  slug: 'hostile',
  subject: 'A note for {{firstName}}',
  preheader: 'Nothing to do.',
  series: '',
  sendAt: '',
  ctaText: '',
  ctaHref: '',
  body: HOSTILE_BODY,
  ...over,
});

function post(path: string, body: Record<string, string>, opts: { csrf?: string; origin?: string } = {}) {
  return fetch(`${server.url}${path}?console_csrf=${opts.csrf ?? CSRF}`, {
    method: 'POST',
    headers: { Origin: opts.origin ?? server.url, Cookie: `coursemail_admin=${SESSION}`, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(body),
    redirect: 'manual',
  });
}
const get = (path: string) => fetch(server.url + path, { headers: { Cookie: `coursemail_admin=${SESSION}`, Accept: 'text/html' }, redirect: 'manual' });

async function outbox(): Promise<ParsedMail[]> {
  const dir = join(root, 'outbox');
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.eml')) : [];
  return Promise.all(files.map((f) => simpleParser(readFileSync(join(dir, f)))));
}

beforeAll(async () => {
  root = tempProject({ config: (c) => void (c.admins = [COACH]) });
  config = loadConfig(root);
  store = await openStore({ sqlitePath: join(root, 'data', 'coursemail.sqlite') });
  // A signed-in session, as the sign-in flow leaves it (its own tests are in console.test.ts).
  await store.admin.addSession(sha256(SESSION), COACH, new Date());
  const now = new Date();
  await store.subscribers.importBatch([{ email: 'reader@example.com', firstName: 'Ann', timezone: null, consentAt: now, consentSource: 'test' }], {
    now,
    seriesId: null,
  });
  const app = await openServeApp({ root, store, config, secret: SECRET, series: new Map(), console: { watch: false } });
  close = app.close;
  server = await startHttpServer(app, { port: 0 });
});

afterAll(async () => {
  await server?.close();
  await close?.();
  await store?.close();
});

describe('the console’s broadcast editor against hostile input', () => {
  it('a subject carrying a header line is a problem: the preview says so, and neither a test nor a send goes out', async () => {
    const injected = fields({ slug: 'injected', subject: 'Hello\r\nBcc: everyone@example.com' });
    const preview = await (await post('/admin/drafts/preview', injected)).text();
    expect(preview).toContain('subject: subject must be one line');
    const made = await post('/admin/drafts/new', injected);
    expect(made.status).toBe(303);
    const path = made.headers.get('location')!.split('?')[0]!;
    const d = (await store.broadcastDrafts.getBySlug('injected'))!;
    expect(d.subject).toBe('Hello\r\nBcc: everyone@example.com');

    const test = await get(`${path}/test`);
    expect(test.status).toBe(409);
    expect(await test.text()).toContain('subject must be one line');
    const send = await get(`${path}/send`);
    expect(send.status).toBe(409);
    // Posted anyway (a forged form with the hash of what is stored): refused, nothing recorded.
    const hash = storedDraftSource(d).hash;
    expect(decodeURIComponent((await post(`${path}/test`, { confirm: 'yes', hash })).headers.get('location') ?? '')).toMatch(
      /\?failed=Test not sent: draft “injected” does not pass the checks/,
    );
    expect((await post(`${path}/send`, { confirm: 'yes', hash })).status).toBe(409);
    expect(await outbox()).toEqual([]);
    expect(await store.broadcasts.list()).toEqual([]);
  });

  it('script, style tricks, frames and forms in the body are removed; the footer stays and the guard passes; the console escapes what it echoes', async () => {
    const made = await post('/admin/drafts/new', fields());
    expect(made.status).toBe(303);
    const path = made.headers.get('location')!.split('?')[0]!;

    const page = await get(path);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'unsafe-inline'");
    const markup = await page.text();
    // The body comes back inside the text box as text: it cannot close the box and run.
    expect(markup).toContain('&lt;/textarea&gt;&lt;script&gt;alert(&quot;console&quot;)&lt;/script&gt;');
    expect(markup).not.toContain('<script>alert(');
    // The email is shown in a frame that may not run script at all.
    expect(markup).toMatch(/<iframe id="email-frame"[^>]* sandbox="allow-same-origin allow-popups allow-popups-to-escape-sandbox" srcdoc="/);
    expect(markup).toContain('data-testid="checklist" data-all-ok="true"');

    const hash = /name="hash" value="([0-9a-f]+)"/.exec(await (await get(`${path}/test`)).text())![1]!;
    const sent = await post(`${path}/test`, { confirm: 'yes', hash });
    expect(decodeURIComponent(sent.headers.get('location') ?? '')).toMatch(/\?done=Sent “\[TEST\] A note for Maya” to coach@example.com/);
    const [mail] = await outbox();
    const body = String(mail!.html);
    for (const gone of ['<script', 'alert(', 'onerror', 'javascript:', '<iframe', '<form', '<input', 'display: none !important', 'display:none;font-size:0'])
      expect(body, gone).not.toContain(gone);
    // The author's text is still there, visible, and the footer follows it, in both parts.
    expect(body).toContain('HIDDEN-MARK');
    expect(body.indexOf(config.postalAddress)).toBeGreaterThan(body.indexOf('HIDDEN-MARK'));
    expect(mail!.text).toContain(config.postalAddress);
    expect(mail!.text).toMatch(/988/);
    expect(mail!.headers.get('bcc')).toBeUndefined();
  });

  it('a name that is not a plain file name is refused, and nothing is written outside broadcasts/', async () => {
    for (const slug of ['../escape', 'a/b', '..', 'UPPER', 'x'.repeat(65)]) {
      const r = await post('/admin/drafts/new', fields({ slug }));
      expect(r.status, slug).toBe(400);
      expect(await r.text(), slug).toContain('is not a usable name');
    }
    expect((await store.broadcastDrafts.list()).map((d) => d.slug).sort()).toEqual(['hostile', 'injected']);
    const id = (await store.broadcastDrafts.getBySlug('hostile'))!.id;
    const renamed = await post(`/admin/drafts/${id}`, { ...fields({ slug: '../../escape' }), revision: '1' });
    expect(renamed.status).toBe(400);
    expect(existsSync(join(root, 'escape.md'))).toBe(false);
    expect(existsSync(join(root, '..', 'escape.md'))).toBe(false);
  });

  it('two saves from the same revision: the second is refused, naming who saved, and overwrites nothing', async () => {
    const made = await post('/admin/drafts/new', fields({ slug: 'shared', body: 'First.' }));
    const path = made.headers.get('location')!.split('?')[0]!;
    expect((await post(path, { ...fields({ slug: 'shared', body: 'From the first tab.' }), revision: '1' })).status).toBe(303);
    const late = await post(path, { ...fields({ slug: 'shared', body: 'From the second tab.' }), revision: '1' });
    expect(late.status).toBe(400);
    expect(await late.text()).toContain('Not saved: someone saved this draft after you opened it (coach@example.com, ');
    expect((await store.broadcastDrafts.getBySlug('shared'))?.body).toBe('From the first tab.');
  });

  it('the editor’s posts need the session’s token and this origin, like every console form', async () => {
    expect((await post('/admin/drafts/new', fields({ slug: 'forged' }), { csrf: 'x'.repeat(43) })).status).toBe(403);
    expect((await post('/admin/drafts/new', fields({ slug: 'forged' }), { origin: 'https://evil.example' })).status).toBe(403);
    expect((await post('/admin/drafts/preview', fields(), { origin: 'https://evil.example' })).status).toBe(403);
    expect(await store.broadcastDrafts.getBySlug('forged')).toBeNull();
  });
});
