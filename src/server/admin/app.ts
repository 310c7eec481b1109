import { Hono, type Context } from 'hono';
import { readCappedBytes, TOO_LARGE } from '../read-body.ts';
import { auditRoutes } from './audit-page.ts';
import { IMPORT_BODY_LIMIT, IMPORT_PATH, importRoutes } from './import-page.ts';
import { broadcastDraftRoutes } from './broadcast-routes.ts';
import { readerRoutes } from './readers-page.ts';
import { dropCookie, readCookie, SESSION_COOKIE } from './cookies.ts';
import type { Admin, ConsoleDeps, ConsoleEnv } from './deps.ts';
import { isStateChanging, sameOrigin } from './guard.ts';
import { signOutForms } from './layout.ts';
import { forward } from './mount.ts';
import { csrfToken, sameSecret, sha256 } from './secrets.ts';
import { signInRoutes } from './sign-in.ts';

export const SESSION_IDLE_MS = 12 * 3600_000;
const BODY_LIMIT = 256 * 1024;

/** The preview's actions that change something, and what the audit log calls them. */
const AUDITED: [RegExp, string][] = [
  [/^\/admin\/broadcasts\/([^/]+)\/send$/, 'broadcast.send'],
  [/^\/admin\/broadcasts\/([^/]+)\/cancel$/, 'broadcast.cancel'],
  [/^\/admin\/broadcasts\/([^/]+)\/test$/, 'broadcast.test'],
];

/**
 * The coach's console: sign-in, then the preview's pages and actions under /admin, plus
 * the audit log. Every route but sign-in needs a session; every state-changing request
 * is checked for origin, session and CSRF token before its body is read.
 */
export function createConsoleApp(deps: ConsoleDeps): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();
  app.use(async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
    c.header('X-Frame-Options', 'SAMEORIGIN');
    if (!c.res.headers.has('Referrer-Policy')) c.header('Referrer-Policy', 'same-origin');
  });
  signInRoutes(app as unknown as Hono, deps);

  app.use('/admin/*', gate(deps));
  app.use('/admin', gate(deps));

  // This browser's session, or every session of this admin.
  const signOut = (everywhere: boolean) => async (c: Context<ConsoleEnv>) => {
    const admin = c.get('admin');
    const n = everywhere ? await deps.store.admin.endSessionsOf(admin.email) : await deps.store.admin.endSession(admin.sessionHash);
    const detail = everywhere ? `everywhere (${n} session${n === 1 ? '' : 's'})` : 'this session';
    await deps.store.admin.audit({ actor: admin.email, action: 'sign-out', detail }, deps.clock());
    dropCookie(c, SESSION_COOKIE);
    return c.redirect('/admin/sign-in', 303);
  };
  app.post('/admin/sign-out', signOut(false));
  app.post('/admin/sign-out/everywhere', signOut(true));
  auditRoutes(app, deps);
  readerRoutes(app, deps);
  importRoutes(app, deps);
  broadcastDraftRoutes(app, deps);

  app.all('/admin/*', (c) => toPreview(c, deps));
  app.all('/admin', (c) => toPreview(c, deps));
  return app;
}

function gate(deps: ConsoleDeps) {
  return async (c: Context<ConsoleEnv>, next: () => Promise<void>) => {
    const now = deps.clock();
    const changing = isStateChanging(c.req.method);
    // Origin first: a cross-site request is refused before its cookie is even looked at.
    if (changing && !sameOrigin(c, deps.config.publicUrl)) return c.text('Refused: this action must come from a console page (same origin).', 403);
    const cookie = readCookie(c, SESSION_COOKIE);
    const email = cookie ? await deps.store.admin.touchSession(sha256(cookie), now, SESSION_IDLE_MS) : undefined;
    if (!cookie || !email) {
      if (cookie) dropCookie(c, SESSION_COOKIE);
      return !changing && (c.req.header('accept') ?? '').includes('text/html')
        ? c.redirect('/admin/sign-in', 303)
        : c.text('Sign in first: /admin/sign-in', 401);
    }
    const admin: Admin = { email, sessionHash: sha256(cookie), csrf: csrfToken(deps.secret, cookie) };
    c.set('admin', admin);
    if (changing) {
      const given = c.req.query('console_csrf') ?? c.req.header('x-csrf-token') ?? '';
      if (!sameSecret(given, admin.csrf)) return c.text('Refused: the form does not carry this session’s token. Reload the page and try again.', 403);
      const limit = c.req.path === IMPORT_PATH ? IMPORT_BODY_LIMIT : BODY_LIMIT;
      const body = await readCappedBytes(c, limit);
      if (body === TOO_LARGE) return c.text(`The request body is over ${limit / 1024} KB.`, 413);
      c.set('body', body);
    }
    await next();
  };
}

async function toPreview(c: Context<ConsoleEnv>, deps: ConsoleDeps): Promise<Response> {
  const admin = c.get('admin');
  const path = new URL(c.req.url).pathname;
  // The inner app checks origin again against its own URL: give it the one the browser named.
  const origin = isStateChanging(c.req.method) && c.req.header('origin')?.startsWith('http') ? c.req.header('origin')! : new URL(c.req.url).origin;
  const nav = `<a href="/admin/drafts">Drafts</a><a href="/admin/readers">Readers</a><a href="/admin/audit">Audit log</a>${signOutForms(admin).value}`;
  const res = await forward(deps.preview, c.req.raw, origin, c.get('body'), admin.csrf, nav, c.env);
  const audited = isStateChanging(c.req.method) ? AUDITED.find(([re]) => re.test(path)) : undefined;
  if (audited) {
    const name = decodeURIComponent(audited[0].exec(path)![1]!);
    await deps.store.admin.audit(
      { actor: admin.email, action: audited[1], detail: `${name}: ${res.headers.get('location')?.includes('notice=') ? 'answered' : `HTTP ${res.status}`}` },
      deps.clock(),
    );
  }
  return res;
}
