/**
 * Polls `check` until it returns true; throws with `state()` in the message at the
 * deadline. The deadline is a safety net, not an assertion about speed.
 */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs: number, state?: () => string | Promise<string>, everyMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${state ? `: ${await state()}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
