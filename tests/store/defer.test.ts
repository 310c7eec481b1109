import { expect, it } from 'vitest';
import type { Store } from '../../src/store/index.ts';
import { forEachDatabase } from '../support/databases.ts';

/**
 * `defer` puts rows of a fresh batch back in the queue at their own due times (the worker's
 * send-window hold), without lease or key, and only rows the caller's lease holds.
 */
const t0 = new Date('2026-03-02T15:00:00Z');
const later = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
const claimAt = (store: Store, now: Date, owner = 'w', leaseMs = 24 * 60 * 60_000) => store.deliveries.claim({ owner, limit: 10, leaseMs, now });

async function queue(store: Store, n: number): Promise<void> {
  const rows = Array.from({ length: n }, (_, i) => ({ email: `r${i}@example.com`, firstName: null, timezone: 'UTC', consentAt: t0, consentSource: 'test' }));
  const results = await store.subscribers.importBatch(rows, { now: t0, seriesId: 'coaching' });
  const ids = results.map((r) => (r.outcome === 'imported' ? r.id : ''));
  await store.deliveries.enqueue(
    ids.map((subscriberId) => ({ kind: 'lesson', subscriberId, seriesId: 'coaching', stepSlug: 'step-2', stepNumber: 2, dueAt: t0 })),
    t0,
  );
}

forEachDatabase((db) => {
  it('moves the held rows to their due times and frees them; the rest of the batch stays leased', async () => {
    const { store } = await db.fresh();
    await queue(store, 3);
    const batch = (await claimAt(store, t0))!;
    expect(batch.fresh).toBe(true);
    const [a, b, c] = batch.deliveries;
    const lease = { owner: 'w', batchKey: batch.batchKey };
    // Another worker's lease, or another batch's key, moves nothing.
    expect(await store.deliveries.defer([{ id: a!.id, dueAt: later(60) }], { owner: 'other', batchKey: batch.batchKey })).toBe(0);
    expect(await store.deliveries.defer([{ id: a!.id, dueAt: later(60) }], { owner: 'w', batchKey: 'another-key' })).toBe(0);
    expect(
      await store.deliveries.defer(
        [
          { id: a!.id, dueAt: later(60) },
          { id: b!.id, dueAt: later(120) },
        ],
        lease,
      ),
    ).toBe(2);

    const held = await store.deliveries.getById(a!.id);
    expect(held).toMatchObject({ status: 'queued', dueAt: later(60), leaseOwner: null, leaseUntil: null, batchKey: null, attempts: 0 });
    expect((await store.deliveries.getById(b!.id))?.dueAt).toEqual(later(120));
    expect(await store.deliveries.getById(c!.id)).toMatchObject({ status: 'sending', leaseOwner: 'w', batchKey: batch.batchKey });
    // Not due before their new time; then claimed afresh, each at its own time, under a new key.
    expect(await claimAt(store, later(59))).toBeNull();
    const first = (await claimAt(store, later(60)))!;
    expect(first.deliveries.map((d) => d.id)).toEqual([a!.id]);
    expect(first.fresh).toBe(true);
    expect(first.batchKey).not.toBe(batch.batchKey);
    expect((await claimAt(store, later(120)))!.deliveries.map((d) => d.id)).toEqual([b!.id]);
  });

  it('a batch that may have reached the provider is not fresh: retried or reclaimed', async () => {
    const { store } = await db.fresh();
    await queue(store, 2);
    const batch = (await claimAt(store, t0))!;
    await store.deliveries.recordOutcomes(batch.deliveries.map((d) => ({ id: d.id, status: 'retry', reason: 'Resend 500', retryAt: later(5) })));
    const retried = (await claimAt(store, later(5), 'w', 60_000))!;
    expect(retried.batchKey).toBe(batch.batchKey);
    expect(retried.fresh).toBe(false);
    // Its lease runs out (the worker died): another worker reclaims it, still not fresh.
    const reclaimed = (await claimAt(store, later(7), 'w2'))!;
    expect(reclaimed.reclaimed).toBe(true);
    expect(reclaimed.fresh).toBe(false);
  });
});
