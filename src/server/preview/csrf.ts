import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';

/**
 * Whether a POST comes from a page of this server. Browsers send Sec-Fetch-Site (which no
 * page can set); Origin may be "null" for form posts. A client that sends neither header
 * is refused: the preview's forms are only ever posted by a browser.
 */
export function sameOriginPost(c: Context): boolean {
  const origin = c.req.header('origin');
  const site = c.req.header('sec-fetch-site');
  const originOk = origin && origin !== 'null' ? origin === new URL(c.req.url).origin : undefined;
  return site === undefined ? originOk === true : site === 'same-origin' && originOk !== false;
}

/**
 * The CSRF defence of the preview's sending forms (localhost, no login): the same-origin check and a random per-process token in every form's action URL,
 * both checked from the headers before any body is read. Another site can neither read the token (no CORS) nor pass the origin check;
 * a form left open from an earlier run carries a stale token and is refused.
 */
export class FormGuard {
  private readonly token = randomBytes(24).toString('base64url');

  /** The form's action: `path` with this server's token. */
  action(path: string): string {
    return `${path}?csrf=${this.token}`;
  }

  /** Undefined when the POST may proceed; otherwise why it is refused. */
  refusal(c: Context): string | undefined {
    if (!sameOriginPost(c)) return 'Refused: this action must be sent from the preview page itself (same origin).';
    const given = Buffer.from(c.req.query('csrf') ?? '');
    const mine = Buffer.from(this.token);
    if (given.length !== mine.length || !timingSafeEqual(given, mine)) {
      return 'Refused: the form does not carry this server’s token (it is from another run of coursemail dev, or from elsewhere). Reload the page and try again.';
    }
    return undefined;
  }
}
