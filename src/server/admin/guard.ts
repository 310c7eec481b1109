import type { Context } from 'hono';

const originOf = (url: string) => {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
};

/**
 * Whether a state-changing request comes from a page of this console. Stricter than the
 * public form's check: a request naming no origin at all is refused too, since only a
 * browser ever posts here. Behind the TLS proxy the request's own origin is http://… while
 * the browser's is `publicUrl`'s, so either counts as ours.
 */
export function sameOrigin(c: Context, publicUrl: string): boolean {
  const origin = c.req.header('origin');
  const site = c.req.header('sec-fetch-site');
  if (origin && origin !== 'null') return [originOf(c.req.url), originOf(publicUrl)].includes(origin) && (site === undefined || site === 'same-origin');
  return site === 'same-origin';
}

export const isStateChanging = (method: string) => !['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase());
