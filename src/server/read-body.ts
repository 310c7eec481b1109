/** What `readCappedBytes` returns when the body is larger than allowed. */
export const TOO_LARGE = Symbol('too large');

/**
 * The raw body, or `TOO_LARGE` as soon as it passes `maxBytes`: a declared Content-Length
 * is refused before reading, a chunked body is read only up to the cap. Every route that
 * takes a body (sign-up, preferences, webhooks) reads through here, so none can be made to
 * buffer more than its cap.
 *
 * The stream is left unread rather than cancelled past the cap: cancelling destroys the
 * socket before the 413 can be written; @hono/node-server drains what is left afterwards.
 */
export async function readCappedBytes(req: Request, maxBytes: number): Promise<Buffer | typeof TOO_LARGE> {
  const declared = req.headers.get('content-length');
  if (declared !== null && Number(declared) > maxBytes) return TOO_LARGE;
  if (!req.body) return Buffer.alloc(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      reader.releaseLock();
      return TOO_LARGE;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
