import { expect, it } from 'vitest';
import type { Store } from '../../src/store/index.ts';
import { forEachDatabase } from '../support/databases.ts';

const t0 = new Date('2026-03-02T15:00:00Z');
const later = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

async function subscriber(store: Store, email: string, series: string | null, status: 'active' | 'pending' | 'unsubscribed' | 'bounced' = 'active') {
  const r = await store.subscribers.createPending({ email, firstName: null, timezone: null, consentSource: 'test', now: t0 });
  if (r.outcome !== 'created') throw new Error(r.outcome);
  const id = r.subscriber.id;
  if (status !== 'pending') await store.subscribers.activate(id, { now: t0, seriesId: series });
  if (status === 'unsubscribed') await store.subscribers.unsubscribe(id, t0);
  if (status === 'bounced') await store.subscribers.markBounced(id, t0);
  return id;
}

forEachDatabase((db) => {
  it('the snapshot takes exactly the active, non-suppressed subscribers (of the series when set), once', async () => {
    const { store } = await db.fresh();
    const a = await subscriber(store, 'a@example.com', 'coaching');
    const b = await subscriber(store, 'b@example.com', 'other');
    await subscriber(store, 'c@example.com', 'coaching', 'unsubscribed');
    await subscriber(store, 'd@example.com', 'coaching', 'bounced');
    await subscriber(store, 'e@example.com', 'coaching', 'pending');
    const f = await subscriber(store, 'f@example.com', 'coaching');
    await store.suppressions.add('F@example.com', 'manual', t0);
    const g = await subscriber(store, 'g@example.com', null);

    // A dry run counts and samples by the same rule the snapshot applies.
    expect(await store.broadcasts.countRecipients({})).toBe(3);
    expect(await store.broadcasts.countRecipients({ seriesId: 'coaching' })).toBe(1);
    expect(await store.broadcasts.sampleRecipients({}, 2)).toEqual(['a@example.com', 'b@example.com']);
    expect(await store.broadcasts.sampleRecipients({ seriesId: 'coaching' }, 5)).toEqual(['a@example.com']);

    const all = await store.broadcasts.create({ slug: 'talk', contentHash: 'h1', subject: 'A talk', now: t0 });
    expect(all.status).toBe('draft');
    expect(await store.broadcasts.snapshotRecipients(all.id, {}, later(1))).toEqual({ inserted: 3, total: 3 });
    const held = await Promise.all([a, b, g, f].map((id) => store.subscribers.dataHeld(id)));
    expect(held.map((h) => h!.deliveries.filter((d) => d.broadcastId === all.id).length)).toEqual([1, 1, 1, 0]);
    expect(await store.broadcasts.getById(all.id)).toMatchObject({ status: 'sending', total: 3, startedAt: later(1) });

    // Joining after the start does not add a copy; a second snapshot (a resumed send) adds nothing.
    await subscriber(store, 'h@example.com', 'coaching');
    expect(await store.broadcasts.snapshotRecipients(all.id, {}, later(2))).toEqual({ inserted: 0, total: 3 });

    const series = await store.broadcasts.create({ slug: 'talk-coaching', contentHash: 'h2', subject: 'For the course', seriesId: 'coaching', now: t0 });
    expect(await store.broadcasts.snapshotRecipients(series.id, { seriesId: 'coaching' }, later(3))).toEqual({ inserted: 2, total: 2 });
    const counts = await store.deliveries.counts(later(3));
    expect(counts.broadcasts.map((c) => [c.broadcastId, c.queued])).toEqual([
      [all.id, 3],
      [series.id, 2],
    ]);
  });

  it('a broadcast is sent when its last copy is recorded; cancel stops what has not gone', async () => {
    const { store } = await db.fresh();
    for (const e of ['a', 'b', 'c']) await subscriber(store, `${e}@example.com`, null);
    const one = await store.broadcasts.create({ slug: 'one', contentHash: 'h', subject: 'One', now: t0 });
    await store.broadcasts.snapshotRecipients(one.id, {}, t0);
    const batch = await store.deliveries.claim({ owner: 'w', limit: 10, leaseMs: 60_000, now: t0 });
    await store.deliveries.recordOutcomes(batch!.deliveries.map((d, i) => ({ id: d.id, status: 'sent' as const, providerId: `p${i}`, at: later(1) })));
    expect(await store.broadcasts.getBySlug('one')).toMatchObject({ status: 'sent', finishedAt: later(1) });

    const two = await store.broadcasts.create({ slug: 'two', contentHash: 'h', subject: 'Two', sendAt: later(60), now: t0 });
    expect(two.status).toBe('scheduled');
    await store.broadcasts.snapshotRecipients(two.id, {}, t0);
    const part = await store.deliveries.claim({ owner: 'crashes', limit: 1, leaseMs: 60 * 60_000, now: t0 });
    expect(part?.deliveries).toHaveLength(1);
    expect(await store.broadcasts.cancel(two.id, later(2))).toEqual({ cancelled: 2 });
    expect(await store.broadcasts.getById(two.id)).toMatchObject({ status: 'cancelled', finishedAt: later(2) });
    expect(await store.deliveries.claim({ owner: 'w', limit: 10, leaseMs: 60_000, now: later(3) })).toBeNull();
    // The copy in flight when it was cancelled is not picked up again after its worker died.
    expect(await store.deliveries.claim({ owner: 'w', limit: 10, leaseMs: 60_000, now: later(61) })).toBeNull();
    expect(await store.deliveries.getById(part!.deliveries[0]!.id)).toMatchObject({ status: 'cancelled', error: 'broadcast cancelled' });
  });

  it('getBySlug returns the newest broadcast of that slug; setStatus stamps start and finish', async () => {
    const { store } = await db.fresh();
    await store.broadcasts.create({ slug: 'news', contentHash: 'old', subject: 'S', now: t0 });
    const newer = await store.broadcasts.create({ slug: 'news', contentHash: 'new', subject: 'S', now: later(1) });
    expect((await store.broadcasts.getBySlug('news'))?.contentHash).toBe('new');
    expect(await store.broadcasts.getBySlug('missing')).toBeNull();
    expect(await store.broadcasts.setStatus(newer.id, 'sending', later(2))).toMatchObject({ status: 'sending', startedAt: later(2), finishedAt: null });
    expect(await store.broadcasts.setStatus(newer.id, 'sending', later(3))).toMatchObject({ startedAt: later(2) });
    expect(await store.broadcasts.setStatus(newer.id, 'sent', later(4))).toMatchObject({ status: 'sent', finishedAt: later(4) });
    expect((await store.broadcasts.list()).map((b) => b.contentHash)).toEqual(['old', 'new']);
  });

  it('a snapshot with no recipients finishes at once', async () => {
    const { store } = await db.fresh();
    const b = await store.broadcasts.create({ slug: 'empty', contentHash: 'h', subject: 'S', now: t0 });
    expect(await store.broadcasts.snapshotRecipients(b.id, {}, t0)).toEqual({ inserted: 0, total: 0 });
    expect((await store.broadcasts.getById(b.id))?.status).toBe('sent');
  });
});
