import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { isLoopbackHost } from '../http.ts';

export const SESSION_COOKIE = 'coursemail_admin';
/** Set by the sign-in request: the emailed link signs in only the browser holding it. */
export const BROWSER_COOKIE = 'coursemail_admin_browser';

/**
 * Secure whenever the console is reached by name (behind the TLS proxy); a plain-http
 * loopback request (a test, an SSH tunnel) would never get a Secure cookie back.
 */
function secure(c: Context): boolean {
  const url = new URL(c.req.url);
  return url.protocol === 'https:' || !isLoopbackHost(url.hostname);
}

export function putCookie(c: Context, name: string, value: string, maxAgeSeconds?: number): void {
  setCookie(c, name, value, { path: '/admin', httpOnly: true, sameSite: 'Strict', secure: secure(c), ...(maxAgeSeconds ? { maxAge: maxAgeSeconds } : {}) });
}

export const readCookie = (c: Context, name: string): string | undefined => getCookie(c, name);

export function dropCookie(c: Context, name: string): void {
  deleteCookie(c, name, { path: '/admin', secure: secure(c) });
}
