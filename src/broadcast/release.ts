import type { Broadcast, Store } from '../store/index.ts';

/**
 * Scheduled broadcasts whose `sendAt` has passed get their recipient snapshot now. Safe from every worker on every pass:
 * a snapshot happens once and rows are unique per (broadcast, subscriber). Its own module so the worker does not load the renderers.
 */
export async function releaseScheduledBroadcasts(store: Pick<Store, 'broadcasts'>, now: Date): Promise<Broadcast[]> {
  const due = (await store.broadcasts.list()).filter((b) => b.status === 'scheduled' && b.sendAt !== null && b.sendAt <= now);
  const released: Broadcast[] = [];
  for (const b of due) {
    await store.broadcasts.snapshotRecipients(b.id, { seriesId: b.seriesId }, now);
    const after = await store.broadcasts.getById(b.id);
    if (after) released.push(after);
  }
  return released;
}
