import type { Context } from 'hono';
import { readCappedBytes, TOO_LARGE } from '../read-body.ts';

export { TOO_LARGE };

/**
 * The raw body as text, or `TOO_LARGE` past `maxBytes`. The signature covers the exact
 * bytes, so nothing is parsed or re-encoded here.
 */
export async function readCappedBody(c: Context, maxBytes: number): Promise<string | typeof TOO_LARGE> {
  const bytes = await readCappedBytes(c, maxBytes);
  return bytes === TOO_LARGE ? TOO_LARGE : bytes.toString('utf8');
}
