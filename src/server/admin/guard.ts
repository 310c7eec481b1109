import type { Context } from 'hono';

const originOf = (url: string) => {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
};

/**
 * Whether a state-changing request comes from a page of this console. Stricter than the public form: a request naming no origin is refused too,
 * since only a browser posts here. Behind the TLS proxy the request's origin is http://… while the browser's is `publicUrl`'s, so either counts.
 */
export function sameOrigin(c: Context, publicUrl: string): boolean {
  const origin = c.req.header('origin');
  const site = c.req.header('sec-fetch-site');
  if (origin && origin !== 'null') return [originOf(c.req.url), originOf(publicUrl)].includes(origin) && (site === undefined || site === 'same-origin');
  return site === 'same-origin';
}

export const isStateChanging = (method: string) => !['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase());
