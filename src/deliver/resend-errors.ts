/**
 * An error answer as the transport reads it: `status` is the HTTP status (null when no
 * answer came: refused, reset, timed out); `name` is Resend's error name when the body is
 * Resend's `{ name, message }`, absent for a proxy's page, problem+json or an empty body.
 */
export interface ResendError {
  status: number | null;
  name?: string;
  message: string;
}

/**
 * What to do with a Resend error: `stop` the run (quota spent, 401/403), `retry` later (429, 5xx, no answer), or `fail` the batch (400/422, other 4xx).
 * Both the rate limit and the daily quota answer 429, so there the error name decides.
 */
export type ErrorAction = 'stop' | 'retry' | 'fail';

const QUOTA = new Set(['daily_quota_exceeded', 'monthly_quota_exceeded']);
const KEY = new Set(['missing_api_key', 'invalid_api_key', 'restricted_api_key']);

export function actionFor(error: ResendError): ErrorAction {
  const { status, name = '' } = error;
  if (QUOTA.has(name) || KEY.has(name) || status === 401 || status === 403) return 'stop';
  if (status === null || status === 408 || status === 429 || status >= 500 || name === 'concurrent_idempotent_requests') return 'retry';
  return 'fail';
}

/** One line naming the status, Resend's error name when there is one, and what it said. */
export function describe(error: ResendError): string {
  if (error.status === null) return `Resend (no usable answer): ${error.message}`;
  return `Resend ${error.status}${error.name ? ` ${error.name}` : ''}: ${error.message}`;
}

/** The line a stop error prints: what failed and what to do, nothing else. */
export function stopLine(error: ResendError): string {
  const said = describe(error);
  if (KEY.has(error.name ?? '') || error.status === 401) return `Resend refused the API key (${error.status}): check RESEND_API_KEY. ${said}`;
  if (QUOTA.has(error.name ?? '')) return `Resend says the sending quota is spent: wait for it to reset or raise it at resend.com. ${said}`;
  return `Resend refused the request (${error.status}): check the API key's permissions and that the sender's domain is verified at resend.com. ${said}`;
}

const QUOTE_CHARS = 160;

/** A non-Resend body, briefly: tags and runs of white space gone, cut to a line. */
function quote(text: string): string {
  const plain = text
    .replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (!plain) return '(empty body)';
  return plain.length > QUOTE_CHARS ? `“${plain.slice(0, QUOTE_CHARS - 1)}…”` : `“${plain}”`;
}

const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

/**
 * Reads an error answer by its HTTP status. Resend's own body gives the name and message;
 * anything else (`{"message": …}` from a proxy, problem+json, an HTML page, nothing) gives a
 * brief quote, and the status alone decides what happens.
 */
export function readError(status: number, body: string): ResendError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { status, message: quote(body) };
  }
  const o = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  const name = text(o.name);
  const message = text(o.message);
  if (name && message) return { status, name, message };
  const said = message ?? text(o.detail) ?? text(o.title) ?? text(o.error);
  return { status, message: said ? quote(said) : quote(body) };
}

/** Seconds (possibly fractional) or an HTTP date, as `retry-after` allows; undefined if absent or unreadable. */
function delayMs(value: string | undefined, now: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * How long the server asked everyone to hold off, from `retry-after`, or from
 * `ratelimit-remaining: 0` with `ratelimit-reset` (header names lower-cased).
 */
export function holdOffMs(headers: Record<string, string> | null, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const retryAfter = delayMs(headers['retry-after'], now);
  if (retryAfter !== undefined) return retryAfter;
  if (headers['ratelimit-remaining']?.trim() === '0') return delayMs(headers['ratelimit-reset'], now);
  return undefined;
}
