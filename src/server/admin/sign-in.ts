import type { Context, Hono } from 'hono';
import type { Config } from '../../config/index.ts';
import type { OutgoingMessage, Transport } from '../../send/transport.ts';
import type { Store } from '../../store/index.ts';
import { html } from '../html.ts';
import { readFields } from '../public/body.ts';
import { clientKey, RateLimiter } from '../public/rate-limit.ts';
import { BROWSER_COOKIE, dropCookie, putCookie, readCookie, SESSION_COOKIE } from './cookies.ts';
import { sameOrigin } from './guard.ts';
import { adminPage } from './layout.ts';
import { randomId, sameSecret, sha256 } from './secrets.ts';

export const SIGN_IN_TTL_MS = 15 * 60_000;
/**
 * A link is 256 random bits, kept only as a hash with its expiry and use: the store is the
 * authority (single use), so a signature would add nothing, and the subscriber-link tokens
 * sign subscriber ids.
 */
const LINK_ID = /^[A-Za-z0-9_-]{43}$/;
const BODY_LIMIT = 4 * 1024;
export const SIGN_IN_LIMITS = { perClient: { burst: 10, perHour: 20 }, perAddress: { burst: 3, perHour: 6 } };

export interface SignInDeps {
  store: Store;
  config: Pick<Config, 'admins' | 'publicUrl' | 'sender'>;
  secret: string;
  clock: () => Date;
  /** Made for one sign-in message, closed after it. */
  transport: () => Transport;
  trustProxy?: boolean;
  /** Sign-in requests allowed at once and per hour (tests raise them). */
  limits?: Partial<typeof SIGN_IN_LIMITS>;
  /** Failures to send a link are logged, never shown (the answer must not differ). */
  log?: (line: string) => void;
}

const isAdmin = (admins: readonly string[] | undefined, email: string) => (admins ?? []).some((a) => sameSecret(a.toLowerCase(), email));

/**
 * Passwordless sign-in: an address posts → if it is listed in `admins`, a single-use link
 * (15 minutes, bound to this browser's nonce cookie) is emailed. Every address gets the
 * same answer, and the mail goes out after it, so neither the page nor its timing tells.
 */
export function signInRoutes(app: Hono, deps: SignInDeps): void {
  // Per client: a handful of tries, then a few an hour. Per address: stops mail-bombing a coach.
  const limits = { ...SIGN_IN_LIMITS, ...deps.limits };
  const perClient = new RateLimiter(limits.perClient.burst, limits.perClient.perHour);
  const perAddress = new RateLimiter(limits.perAddress.burst, limits.perAddress.perHour);
  const page = (c: Context, title: string, body: ReturnType<typeof html>, status: 200 | 400 | 403 | 413 | 415 | 429 = 200) =>
    c.html(adminPage(title, body), status);
  const refused = (c: Context) => page(c, 'Refused', html`<h1>Refused</h1><p>This form can only be sent from its own page.</p>`, 403);

  app.get('/admin/sign-in', (c) =>
    page(
      c,
      'Sign in',
      html`<h1>Sign in</h1><form class="card" method="post" action="/admin/sign-in"><label>Your address <input type="email" name="email" required autocomplete="email"></label> <button type="submit">Email me a sign-in link</button></form><p class="muted">The link works once, for 15 minutes, in this browser only.</p>`,
    ),
  );

  app.post('/admin/sign-in', async (c) => {
    if (!sameOrigin(c, deps.config.publicUrl)) return refused(c);
    const now = deps.clock();
    const slow = () => page(c, 'Too many requests', html`<h1>Too many requests</h1><p>Please wait a few minutes and try again.</p>`, 429);
    if (!perClient.take(clientKey(c, deps.trustProxy ?? false), now.getTime()).ok) return slow();
    const body = await readFields(c, BODY_LIMIT);
    if (!body.ok) return page(c, 'Bad request', html`<h1>Bad request</h1><p>${body.message}</p>`, body.status);
    const email = (body.fields.email ?? '').trim().toLowerCase();
    if (!email || email.length > 320) return page(c, 'Sign in', html`<h1>Sign in</h1><p>Enter your address. <a href="/admin/sign-in">Back</a></p>`, 400);
    if (!perAddress.take(sha256(email), now.getTime()).ok) return slow();
    const browser = randomId();
    putCookie(c, BROWSER_COOKIE, browser, SIGN_IN_TTL_MS / 1000);
    if (isAdmin(deps.config.admins, email)) void sendLink(deps, email, browser, now);
    return page(
      c,
      'Check your inbox',
      html`<h1>Check your inbox</h1><p>If ${email} may sign in here, a link is on its way. It works once, for 15 minutes, in this browser only.</p>`,
    );
  });

  // RFC 8058's one-click POST for the sign-in mail: links are only ever sent when asked for.
  app.post('/admin/sign-in/unsubscribe', (c) =>
    c.text('Sign-in links are sent only when someone asks for one on the sign-in page; there is no list to leave.'),
  );

  // A mail scanner that follows the link sees this page and nothing happens: only the POST signs in.
  app.get('/admin/sign-in/:token', (c) =>
    page(
      c,
      'Sign in',
      html`<h1>Sign in</h1><form method="post" action="/admin/sign-in/${c.req.param('token')}"><button type="submit" data-testid="sign-in">Sign in to the console</button></form>`,
    ),
  );

  app.post('/admin/sign-in/:token', async (c) => {
    if (!sameOrigin(c, deps.config.publicUrl)) return refused(c);
    const now = deps.clock();
    const bad = (why: string) => page(c, 'Sign-in refused', html`<h1>Sign-in refused</h1><p>${why} <a href="/admin/sign-in">Ask for a new link</a>.</p>`, 403);
    const token = c.req.param('token');
    if (!LINK_ID.test(token)) return bad('This link is not valid.');
    const idHash = sha256(token);
    const pending = await deps.store.admin.pendingSignIn(idHash, now);
    if (!pending) return bad('This link has been used already, or has expired.');
    // Bound to the browser that asked: a link forwarded or read from a mailbox elsewhere is useless.
    if (!sameSecret(sha256(readCookie(c, BROWSER_COOKIE) ?? ''), pending.browserHash)) return bad('Open the link in the browser you asked for it from.');
    const used = await deps.store.admin.useSignIn(idHash, now);
    if (!used) return bad('This link has been used already, or has expired.');
    const session = randomId();
    await deps.store.admin.addSession(sha256(session), used.email, now);
    await deps.store.admin.audit({ actor: used.email, action: 'sign-in', detail: `from ${clientKey(c, deps.trustProxy ?? false)}` }, now);
    dropCookie(c, BROWSER_COOKIE);
    putCookie(c, SESSION_COOKIE, session);
    return c.redirect('/admin/', 303);
  });
}

async function sendLink(deps: SignInDeps, email: string, browser: string, now: Date): Promise<void> {
  const linkId = randomId();
  const expiresAt = new Date(now.getTime() + SIGN_IN_TTL_MS);
  const base = deps.config.publicUrl.replace(/\/+$/, '');
  const url = `${base}/admin/sign-in/${linkId}`;
  let transport: Transport | undefined;
  try {
    await deps.store.admin.addSignIn({ idHash: sha256(linkId), email, browserHash: sha256(browser), expiresAt }, now);
    transport = deps.transport();
    const text = `Sign in to the coursemail console:\n\n${url}\n\nThe link works once, for 15 minutes, in the browser you asked from. If you did not ask, ignore this message.\n`;
    const id = `admin-sign-in-${sha256(linkId).slice(0, 16)}`;
    const message: OutgoingMessage = {
      id,
      publicId: id,
      from: deps.config.sender,
      to: email,
      subject: 'Your coursemail sign-in link',
      text,
      html: html`<p>Sign in to the coursemail console:</p><p><a href="${url}">${url}</a></p><p>The link works once, for 15 minutes, in the browser you asked from. If you did not ask, ignore this message.</p>`
        .value,
      // Every transport requires one-click unsubscribe headers; here it has nothing to stop.
      headers: { 'List-Unsubscribe': `<${base}/admin/sign-in/unsubscribe>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
      tags: { kind: 'admin-sign-in' },
      date: now,
    };
    const [outcome] = await transport.sendBatch([message], message.id);
    if (outcome?.status !== 'sent')
      deps.log?.(`console: the sign-in link to ${email} was not sent: ${outcome && 'reason' in outcome ? outcome.reason : 'no outcome'}`);
  } catch (err) {
    deps.log?.(`console: the sign-in link to ${email} was not sent: ${(err as Error).message}`);
  } finally {
    await transport?.close();
  }
}
