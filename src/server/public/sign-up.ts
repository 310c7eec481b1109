import type { Store } from '../../store/index.ts';
import type { PublicDeps, PublicLimits } from './deps.ts';

/** The series a pending subscriber asked for: the one their latest confirmation names. */
export async function requestedSeries(store: Store, subscriberId: string): Promise<string | null> {
  const held = await store.subscribers.dataHeld(subscriberId);
  const confirms = (held?.deliveries ?? []).filter((d) => d.kind === 'confirm' && d.seriesId !== null);
  confirms.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || Number(b.id) - Number(a.id));
  return confirms[0]?.seriesId ?? null;
}

/**
 * Queues one confirmation email, unless one went (or is waiting) in the last few minutes:
 * a double submit, or someone submitting a stranger's address over and over, sends one.
 * A queued one is also kept single by the store's unique index. Returns whether it queued.
 */
export async function queueConfirmation(
  deps: Pick<PublicDeps, 'store' | 'kick'> & { limits: PublicLimits },
  subscriberId: string,
  seriesId: string,
  now: Date,
  opts: { renewNonce?: boolean } = {},
): Promise<boolean> {
  const quietSince = new Date(now.getTime() - deps.limits.confirmCooldownMinutes * 60_000);
  const added = await deps.store.subscribers.requestConfirmation(subscriberId, { seriesId, now, renewNonce: opts.renewNonce, quietSince });
  if (added) deps.kick?.();
  return added;
}

/** Pending, or unsubscribed with a re-sign-up waiting for its button. */
export async function awaitsConfirmation(store: Store, subscriberId: string): Promise<boolean> {
  const s = await store.subscribers.getById(subscriberId);
  return s !== null && (s.status === 'pending' || (s.status === 'unsubscribed' && s.confirmNonce !== null));
}
