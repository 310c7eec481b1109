import type { Executor } from './rows.ts';

/** A confirmation row just queued: its series becomes what the sign-up asked for. */
export interface QueuedConfirmation {
  id: number;
  subscriber_id: number | null;
  series_id: string | null;
  created_at: number;
}

/**
 * Records each sign-up's intent beside the confirmation that carries it: the series its
 * button enrolls in, and the row the cooldown looks at. The latest confirmation wins.
 */
export async function recordIntents(trx: Executor, queued: readonly QueuedConfirmation[]): Promise<void> {
  const latest = new Map<number, QueuedConfirmation>();
  for (const q of queued) if (q.subscriber_id !== null && q.series_id !== null) latest.set(q.subscriber_id, q);
  if (latest.size === 0) return;
  await trx
    .insertInto('signup_intents')
    .values(
      [...latest.values()].map((q) => ({ subscriber_id: q.subscriber_id!, series_id: q.series_id!, requested_at: q.created_at, confirm_delivery_id: q.id })),
    )
    .onConflict((oc) =>
      oc.column('subscriber_id').doUpdateSet((eb) => ({
        series_id: eb.ref('excluded.series_id'),
        requested_at: eb.ref('excluded.requested_at'),
        confirm_delivery_id: eb.ref('excluded.confirm_delivery_id'),
      })),
    )
    .execute();
}

/** Whether the sign-up's last confirmation was queued or sent after `since` (not cancelled, not failed). */
export async function confirmedRecently(trx: Executor, subscriberId: number, since: number): Promise<boolean> {
  const recent = await trx
    .selectFrom('signup_intents as i')
    .innerJoin('deliveries as d', 'd.id', 'i.confirm_delivery_id')
    .select('d.id')
    .where('i.subscriber_id', '=', subscriberId)
    .where('d.status', 'not in', ['cancelled', 'failed'])
    .where('d.created_at', '>', since)
    .executeTakeFirst();
  return recent !== undefined;
}
