/** What `readCappedBody` returns when the body is larger than allowed. */
export const TOO_LARGE = Symbol('too large');

/**
 * The raw body as text, or `TOO_LARGE` as soon as it passes `maxBytes`: a declared
 * Content-Length is refused before reading, a chunked body is read only up to the cap.
 * The signature covers the exact bytes, so nothing is parsed or re-encoded here.
 *
 * The stream is left unread rather than cancelled past the cap: cancelling destroys the
 * socket before the 413 can be written; @hono/node-server drains what is left afterwards.
 */
export async function readCappedBody(req: Request, maxBytes: number): Promise<string | typeof TOO_LARGE> {
  const declared = req.headers.get('content-length');
  if (declared !== null && Number(declared) > maxBytes) return TOO_LARGE;
  if (!req.body) return '';
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
  return Buffer.concat(chunks).toString('utf8');
}
