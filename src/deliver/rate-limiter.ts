export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A 1% margin between requests: arrival order on the server jitters by a millisecond or
 * two, and a window that counts N requests per exact second would refuse the one that
 * landed early. Costs 1% of the ceiling; saves a 429 and its retry-after.
 */
const MARGIN = 1.01;

/**
 * The token bucket every request of one transport passes through. Capacity one: a server counting a sliding one-second window refuses a burst.
 * When the server closes it (`retry-after`, `ratelimit-reset`) every caller is held back, not only the one told.
 * Time advances by what `sleep` was asked for, so an injected sleep that returns early (tests) still sees its waits.
 */
export class RateLimiter {
  readonly #interval: number;
  readonly #sleep: Sleep;
  #next = 0;
  #closedUntil = 0;
  #queue: Promise<void> = Promise.resolve();

  /** `requestsPerSecond: null` paces nothing; server instructions are still obeyed. */
  constructor(requestsPerSecond: number | null, sleep: Sleep = realSleep) {
    if (requestsPerSecond !== null && !(requestsPerSecond > 0)) throw new RangeError('requestsPerSecond must be positive or null');
    this.#interval = requestsPerSecond === null ? 0 : (1000 / requestsPerSecond) * MARGIN;
    this.#sleep = sleep;
  }

  /** Resolves when the caller may send one request. Callers are served in arrival order. */
  take(): Promise<void> {
    const turn = this.#queue.then(() => this.#wait());
    // One caller's failed wait must not close the bucket for everyone after it.
    this.#queue = turn.catch(() => undefined);
    return turn;
  }

  /** The server asked for a pause: nobody sends before `ms` from now. */
  closeFor(ms: number): void {
    if (ms > 0) this.#closedUntil = Math.max(this.#closedUntil, performance.now() + ms);
  }

  async #wait(): Promise<void> {
    let at = performance.now();
    for (;;) {
      const target = Math.max(this.#next, this.#closedUntil);
      if (target <= at) break;
      await this.#sleep(target - at);
      at = Math.max(performance.now(), target);
    }
    this.#next = at + this.#interval;
  }
}
