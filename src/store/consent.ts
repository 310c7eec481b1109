import type { Executor } from './rows.ts';
import type { ConsentEvent, ConsentEventName } from './types.ts';

/** Appends one entry to a subscriber's consent log, inside the caller's transaction. */
export async function logConsent(
  trx: Executor,
  subscriberId: number,
  event: ConsentEventName,
  at: number,
  detail: Record<string, string | number | null | undefined>,
): Promise<void> {
  const kept = Object.fromEntries(Object.entries(detail).filter(([, v]) => v !== null && v !== undefined));
  await trx
    .insertInto('consent_log')
    .values({ subscriber_id: subscriberId, event, at, detail: JSON.stringify(kept) })
    .execute();
}

/** The logs of many subscribers, each oldest first. */
export async function consentOf(db: Executor, ids: number[]): Promise<Map<number, ConsentEvent[]>> {
  const out = new Map<number, ConsentEvent[]>();
  if (ids.length === 0) return out;
  const rows = await db.selectFrom('consent_log').selectAll().where('subscriber_id', 'in', ids).orderBy('subscriber_id').orderBy('id').execute();
  for (const r of rows) {
    let list = out.get(r.subscriber_id);
    if (!list) out.set(r.subscriber_id, (list = []));
    list.push({ at: new Date(Number(r.at)), event: r.event, detail: JSON.parse(r.detail) as ConsentEvent['detail'] });
  }
  return out;
}
