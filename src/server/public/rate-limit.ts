import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import type { Context } from 'hono';

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * A token bucket per client, in memory: `burst` requests at once, then `refillPerHour`.
 * The map is bounded; when full, the least recently used bucket goes (it has most likely
 * refilled anyway), so a flood of addresses cannot grow it without end.
 */
export class RateLimiter {
  readonly #buckets = new Map<string, Bucket>();
  readonly #perMs: number;

  constructor(
    private readonly burst: number,
    refillPerHour: number,
    private readonly maxKeys = 10_000,
  ) {
    this.#perMs = refillPerHour / 3_600_000;
  }

  /** Takes one token; when none is left, says how long until one is. */
  take(key: string, now: number): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const b = this.#buckets.get(key);
    const tokens = b ? Math.min(this.burst, b.tokens + Math.max(0, now - b.at) * this.#perMs) : this.burst;
    this.#buckets.delete(key);
    if (tokens < 1) {
      this.#buckets.set(key, { tokens, at: now });
      return { ok: false, retryAfterSeconds: this.#perMs > 0 ? Math.ceil((1 - tokens) / this.#perMs / 1000) : 3600 };
    }
    this.#buckets.set(key, { tokens: tokens - 1, at: now });
    if (this.#buckets.size > this.maxKeys) this.#buckets.delete(this.#buckets.keys().next().value!);
    return { ok: true };
  }
}

/**
 * The key a client is limited by: its address, or for IPv6 its /64 (one household or
 * host gets a whole /64, so per-address limits would not limit anything).
 */
export function clientKey(c: Context, trustProxy: boolean): string {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  let address = incoming?.socket?.remoteAddress ?? '';
  if (trustProxy) {
    const hop = c.req.header('x-forwarded-for')?.split(',').pop()?.trim();
    if (hop && isIP(hop)) address = hop;
  }
  address = address.replace(/^::ffff:(?=\d+\.)/i, '').replace(/%.*$/, '');
  if (isIP(address) === 6) return prefix64(address);
  return address || 'unknown';
}

function prefix64(address: string): string {
  const [head = '', tail] = address.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
