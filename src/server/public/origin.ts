import type { Context } from 'hono';

export type OriginVerdict = { ok: true; crossOrigin: string | null } | { ok: false };

const originOf = (url: string): string | null => {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
};

/**
 * CSRF defence without cookies or form tokens: a browser names the page a POST comes from (`Origin`, or `Sec-Fetch-Site`). Same-origin (the request's own
 * or `publicUrl`'s, which differ behind a proxy) always passes; another origin only when in `allowedOrigins`. A request naming no origin is not from a
 * browser page, so it cannot be a forged one; `Origin: null` (sandboxed frames, no-referrer pages) passes only as a same-origin post.
 */
export function checkOrigin(c: Context, opts: { publicUrl: string; allowedOrigins: readonly string[] }): OriginVerdict {
  const origin = c.req.header('origin');
  const site = c.req.header('sec-fetch-site');
  if (origin === undefined) return site === 'cross-site' || site === 'same-site' ? { ok: false } : { ok: true, crossOrigin: null };
  // A page under `Referrer-Policy: no-referrer` posts with `Origin: null`; the browser's
  // own Sec-Fetch-Site (which no page can set) still tells a same-origin post apart.
  if (origin === 'null') return site === 'same-origin' ? { ok: true, crossOrigin: null } : { ok: false };
  const own = [originOf(c.req.url), originOf(opts.publicUrl)];
  if (own.includes(origin)) return { ok: true, crossOrigin: null };
  if (opts.allowedOrigins.some((o) => originOf(o) === origin)) return { ok: true, crossOrigin: origin };
  return { ok: false };
}

/** For JSON posts from an allowed origin: a preflight answer, or the headers on the response. */
export function corsHeaders(origin: string, preflight: boolean): Record<string, string> {
  const headers: Record<string, string> = { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' };
  if (preflight) {
    headers['Access-Control-Allow-Methods'] = 'POST';
    headers['Access-Control-Allow-Headers'] = 'Content-Type';
    headers['Access-Control-Max-Age'] = '600';
  }
  return headers;
}
