import type { SignUp, SignUpStore } from './port.ts';

/** Pending, or unsubscribed with a re-sign-up waiting for its button. */
export function awaitsConfirmation(s: SignUp): boolean {
  return s.status === 'pending' || (s.status === 'unsubscribed' && s.confirmNonce !== null);
}

/** The series the sign-up asked for, as stored with its latest confirmation. */
export async function requestedSeries(store: SignUpStore, subscriberId: string): Promise<string | null> {
  return (await store.signUpIntent(subscriberId))?.seriesId ?? null;
}

/** The series a fresh link would be for: none once the sign-up no longer waits for its button. */
export async function freshLinkSeries(store: SignUpStore, s: SignUp): Promise<string | null> {
  return awaitsConfirmation(s) ? requestedSeries(store, s.id) : null;
}

/**
 * Queues one confirmation email, unless one went (or is waiting) in the last few minutes:
 * a double submit, or someone submitting a stranger's address over and over, sends one.
 * A queued one is also kept single by the store's unique index. Returns whether it queued.
 */
export function queueConfirmation(
  store: SignUpStore,
  sign: { subscriberId: string; seriesId: string; now: Date; cooldownMinutes: number; renewNonce?: boolean },
): Promise<boolean> {
  const quietSince = new Date(sign.now.getTime() - sign.cooldownMinutes * 60_000);
  return store.requestConfirmation(sign.subscriberId, { seriesId: sign.seriesId, now: sign.now, renewNonce: sign.renewNonce, quietSince });
}
