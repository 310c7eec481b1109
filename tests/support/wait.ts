/**
 * Polls `check` until it returns a value other than undefined, and returns it; throws with
 * `state()` in the message at the deadline. The deadline is a safety net, not an assertion
 * about speed.
 */
export async function until<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 15_000,
  state?: () => string | Promise<string>,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${state ? `: ${await state()}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** `until` for a yes/no check. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs: number,
  state?: () => string | Promise<string>,
  everyMs = 50,
): Promise<void> {
  await until(what, async () => ((await check()) ? true : undefined), timeoutMs, state, everyMs);
}
