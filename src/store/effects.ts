import { logConsent } from './consent.ts';
import type { Executor } from './rows.ts';

/**
 * State changes several operations share. Each runs inside the caller's transaction, so
 * "status changed" and "nothing more goes out" commit together or not at all.
 */

/** Cancels every queued delivery to the subscriber; returns how many. */
export async function cancelQueued(trx: Executor, subscriberId: number, reason: string): Promise<number> {
  const r = await trx
    .updateTable('deliveries')
    .set({ status: 'cancelled', error: reason })
    .where('subscriber_id', '=', subscriberId)
    .where('status', '=', 'queued')
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function isSuppressedHash(trx: Executor, hash: string): Promise<boolean> {
  const r = await trx.selectFrom('suppressions').select('email_hash').where('email_hash', '=', hash).executeTakeFirst();
  return r !== undefined;
}

export async function addSuppression(trx: Executor, hash: string, reason: string, now: number): Promise<boolean> {
  const r = await trx
    .insertInto('suppressions')
    .values({ email_hash: hash, reason, created_at: now })
    .onConflict((oc) => oc.column('email_hash').doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/**
 * A bounce or complaint: the subscriber's status, the suppression hash and the cancelled
 * queue in one go. A complaint outranks a bounce; neither is downgraded to the other.
 */
export async function suppressSubscriber(
  trx: Executor,
  subscriberId: number,
  status: 'bounced' | 'complained',
  now: number,
): Promise<{ changed: boolean; cancelled: number } | null> {
  const row = await trx.selectFrom('subscribers').select(['status', 'email_hash']).where('id', '=', subscriberId).executeTakeFirst();
  if (!row) return null;
  const keep = row.status === 'complained' || row.status === status;
  if (!keep) await trx.updateTable('subscribers').set({ status, updated_at: now }).where('id', '=', subscriberId).execute();
  if (!keep && row.status !== 'unsubscribed' && row.status !== 'bounced')
    await logConsent(trx, subscriberId, 'unsubscribed', now, { how: status === 'bounced' ? 'bounce' : 'complaint' });
  await addSuppression(trx, row.email_hash, status, now);
  const cancelled = await cancelQueued(trx, subscriberId, `subscriber ${status}`);
  await settleBroadcasts(trx, now);
  return { changed: !keep, cancelled };
}

/** A `sending` broadcast with nothing queued or in flight is finished. */
export async function settleBroadcasts(trx: Executor, now: number): Promise<void> {
  await trx
    .updateTable('broadcasts')
    .set({ status: 'sent', finished_at: now })
    .where('status', '=', 'sending')
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('deliveries')
            .select('deliveries.id')
            .whereRef('deliveries.broadcast_id', '=', 'broadcasts.id')
            .where('deliveries.status', 'in', ['queued', 'sending']),
        ),
      ),
    )
    .execute();
}
