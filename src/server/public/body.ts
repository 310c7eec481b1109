import type { Context } from 'hono';
import { readCappedBytes, TOO_LARGE } from '../read-body.ts';

/** Fields of a form or JSON body: strings only (anything else is dropped, never coerced). */
export type Fields = Record<string, string>;

export type BodyKind = 'form' | 'json';

export type BodyResult = { ok: true; kind: BodyKind; fields: Fields } | { ok: false; status: 400 | 413 | 415; message: string };

const TYPES: Record<string, BodyKind> = {
  'application/x-www-form-urlencoded': 'form',
  'application/json': 'json',
};

/** The media type alone, lower-cased (`text/plain; charset=utf-8` → `text/plain`). */
function mediaType(req: Request): string {
  return (req.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
}

/** At most `limit` bytes of body (see readCappedBytes), decoded as strict UTF-8. */
export async function readLimited(c: Context, limit: number): Promise<{ ok: true; text: string } | { ok: false; status: 400 | 413; message: string }> {
  const bytes = await readCappedBytes(c, limit);
  if (bytes === TOO_LARGE) return tooLarge(limit);
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return { ok: false, status: 400, message: 'The request body is not valid UTF-8 text.' };
  }
}

const tooLarge = (limit: number) => ({ ok: false as const, status: 413 as const, message: `The request body is over ${Math.round(limit / 1024)} KB.` });

/** A form post or a JSON object; any other content type is refused (415) before reading. */
export async function readFields(c: Context, limit: number): Promise<BodyResult> {
  const kind = TYPES[mediaType(c.req.raw)];
  if (!kind) return { ok: false, status: 415, message: 'Send the form as application/x-www-form-urlencoded or as application/json.' };
  const body = await readLimited(c, limit);
  if (!body.ok) return body;
  const fields: Fields = Object.create(null) as Fields;
  if (kind === 'form') {
    // The first value of a repeated field wins; later ones cannot override it.
    for (const [k, v] of new URLSearchParams(body.text)) if (!(k in fields)) fields[k] = v;
    return { ok: true, kind, fields };
  }
  let parsed: unknown;
  try {
    parsed = body.text.trim() === '' ? {} : JSON.parse(body.text);
  } catch {
    return { ok: false, status: 400, message: 'The body is not valid JSON.' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { ok: false, status: 400, message: 'The JSON body must be an object.' };
  for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string') fields[k] = v;
  return { ok: true, kind, fields };
}
