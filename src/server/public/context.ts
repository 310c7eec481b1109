import { createHmac } from 'node:crypto';
import type { Context } from 'hono';
import { readFields, type BodyResult } from './body.ts';
import { DEFAULT_LIMITS, type PublicDeps, type PublicLimits } from './deps.ts';
import { notice, type PageStatus } from './layout.ts';
import { checkOrigin, type OriginVerdict } from './origin.ts';
import { clientKey, RateLimiter } from './rate-limit.ts';

/** The deps plus what one app instance keeps: its limits and its rate limiter. */
export interface PublicContext extends PublicDeps {
  limits: PublicLimits;
  limiter: RateLimiter;
}

export function publicContext(deps: PublicDeps): PublicContext {
  const limits = { ...DEFAULT_LIMITS, ...deps.limits };
  return { ...deps, limits, limiter: new RateLimiter(limits.burst, limits.refillPerHour) };
}

/** A JSON client gets JSON back; a browser gets a page. */
const wantsJson = (c: Context) =>
  (c.req.header('content-type') ?? '').toLowerCase().startsWith('application/json') ||
  ((c.req.header('accept') ?? '').includes('application/json') && !(c.req.header('accept') ?? '').includes('text/html'));

export function refusal(c: Context, ctx: PublicContext, status: PageStatus, title: string, message: string, headers: Record<string, string> = {}) {
  for (const [k, v] of Object.entries(headers)) c.header(k, v);
  if (wantsJson(c)) return c.json({ ok: false, error: message }, status);
  return notice(c, ctx, status, title, message);
}

const applied = new WeakSet<Request>();

/**
 * Marks the request's change as committed. Each change behind a link is one transaction,
 * so an error page can say truly whether it took effect: after this call it did.
 */
export function markApplied(c: Context): void {
  applied.add(c.req.raw);
}

export const wasApplied = (c: Context): boolean => applied.has(c.req.raw);

export type Gate<T> = { ok: true; value: T } | { ok: false; response: Response };

export function gateOrigin(c: Context, ctx: PublicContext, allowCross: boolean): Gate<OriginVerdict & { ok: true }> {
  const verdict = checkOrigin(c, ctx.config);
  if (verdict.ok && (allowCross || verdict.crossOrigin === null)) return { ok: true, value: verdict };
  return {
    ok: false,
    response: refusal(c, ctx, 403, 'Sent from another site', 'This form can only be sent from its own page. Open the page and send it from there.') as Response,
  };
}

/**
 * What the consent log keeps of where a sign-up came from: a keyed hash of the client's
 * address (the rate limiter's key), never the address. The same client hashes the same,
 * under this server's secret; nobody without it can test guesses.
 */
export function clientHash(c: Context, ctx: PublicContext): string {
  return createHmac('sha256', ctx.secret)
    .update(`client:${clientKey(c, ctx.trustProxy ?? false)}`)
    .digest('base64url')
    .slice(0, 22);
}

/** One token from the client's bucket; a 429 with Retry-After when the bucket is empty. */
export function gateRate(c: Context, ctx: PublicContext): Gate<null> {
  const taken = ctx.limiter.take(clientKey(c, ctx.trustProxy ?? false), ctx.clock().getTime());
  if (taken.ok) return { ok: true, value: null };
  const minutes = Math.max(1, Math.ceil(taken.retryAfterSeconds / 60));
  return {
    ok: false,
    response: refusal(
      c,
      ctx,
      429,
      'Too many requests',
      `Too many requests from your network. Please try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
      {
        'Retry-After': String(taken.retryAfterSeconds),
      },
    ) as Response,
  };
}

export async function gateBody(c: Context, ctx: PublicContext): Promise<Gate<BodyResult & { ok: true }>> {
  const body = await readFields(c, ctx.limits.bodyBytes);
  if (body.ok) return { ok: true, value: body };
  const title = body.status === 413 ? 'Too much data' : body.status === 415 ? 'Unsupported format' : 'Bad request';
  return { ok: false, response: refusal(c, ctx, body.status, title, body.message) as Response };
}
