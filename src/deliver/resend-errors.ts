import type { ErrorResponse } from 'resend';

/**
 * What to do with an error Resend returned:
 * - `stop`: the whole run cannot succeed now (quota spent, key refused);
 * - `retry`: the same request may pass later (rate limit, key in flight, 5xx, network);
 * - `fail`: this batch as sent will never pass (validation, other 4xx).
 * Both the rate limit and the daily quota answer 429, so the error name decides, not the status.
 */
export type ErrorAction = 'stop' | 'retry' | 'fail';

const STOP = new Set(['daily_quota_exceeded', 'monthly_quota_exceeded', 'missing_api_key', 'invalid_api_key', 'restricted_api_key']);
const RETRY = new Set(['rate_limit_exceeded', 'concurrent_idempotent_requests']);

export function actionFor(error: ErrorResponse): ErrorAction {
  if (STOP.has(error.name) || error.statusCode === 401) return 'stop';
  if (RETRY.has(error.name)) return 'retry';
  // The SDK reports a failed fetch (refused, reset, timed out) as statusCode null.
  const status = error.statusCode;
  if (status === null || status === 429 || status >= 500) return 'retry';
  return 'fail';
}

export function describe(error: ErrorResponse): string {
  return `Resend ${error.statusCode ?? 'network error'} ${error.name}: ${error.message}`;
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
 * `ratelimit-remaining: 0` with `ratelimit-reset`. The SDK hands response headers back
 * with lower-cased names on both success and error, so no custom fetch is needed.
 */
export function holdOffMs(headers: Record<string, string> | null, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const retryAfter = delayMs(headers['retry-after'], now);
  if (retryAfter !== undefined) return retryAfter;
  if (headers['ratelimit-remaining']?.trim() === '0') return delayMs(headers['ratelimit-reset'], now);
  return undefined;
}
