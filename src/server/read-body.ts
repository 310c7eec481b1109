import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';

/** What `readCappedBytes` returns when the body is larger than allowed. */
export const TOO_LARGE = Symbol('too large');

/**
 * The raw body, or `TOO_LARGE` past `maxBytes` (hono's `bodyLimit`: a declared length is refused
 * unread, a stream is cut at the cap and left undrained, so the 413 can still be written).
 * Every route that takes a body reads through here, after its origin and CSRF checks.
 */
export async function readCappedBytes(c: Context, maxBytes: number): Promise<Buffer | typeof TOO_LARGE> {
  let body: Buffer | typeof TOO_LARGE = TOO_LARGE;
  const limit = bodyLimit({ maxSize: maxBytes, onError: () => new Response(null, { status: 413 }) });
  await limit(c, async () => {
    body = await c.req.arrayBuffer().then(Buffer.from, (error: unknown) => {
      if (error instanceof Error && error.name === 'BodyLimitError') return TOO_LARGE;
      throw error;
    });
  });
  return body;
}
