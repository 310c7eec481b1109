import { expect, it } from 'vitest';
import { forEachDatabase } from '../support/databases.ts';

/** A sending loop records its batch and takes the next in one step, until the queue is empty. */
const t0 = new Date('2026-03-02T15:00:00Z');

forEachDatabase((db) => {
  it('records a batch and claims the next in one step; the queue drains in order', async () => {
    const { store } = await db.fresh();
    const imported = await store.subscribers.importBatch(
      Array.from({ length: 5 }, (_, i) => ({ email: `r${i}@example.com`, firstName: null, timezone: 'UTC', consentAt: t0, consentSource: 'test' })),
      { now: t0, seriesId: 'coaching' },
    );
    const ids = imported.map((r) => (r.outcome === 'imported' ? r.id : ''));
    await store.deliveries.enqueue(
      ids.map((subscriberId) => ({ kind: 'lesson', subscriberId, seriesId: 'coaching', stepSlug: 'one', stepNumber: 1, dueAt: t0 })),
      t0,
    );
    const next = { owner: 'w', limit: 2, leaseMs: 60_000, now: t0 };

    let batch = await store.deliveries.claim(next);
    const seen: string[][] = [];
    while (batch) {
      seen.push(batch.deliveries.map((d) => d.id));
      const sent = batch.deliveries.map((d) => ({ id: d.id, status: 'sent' as const, providerId: `p-${d.id}`, at: t0 }));
      batch = await store.deliveries.recordAndClaim(sent, { owner: 'w', batchKey: batch.batchKey }, next);
      // What was just recorded is sent; what was just claimed is leased to this loop.
      for (const s of sent) expect((await store.deliveries.getById(s.id))?.status).toBe('sent');
      for (const d of batch?.deliveries ?? []) expect(await store.deliveries.getById(d.id)).toMatchObject({ status: 'sending', leaseOwner: 'w' });
    }
    expect(seen.map((b) => b.length)).toEqual([2, 2, 1]);
    expect(new Set(seen.flat()).size).toBe(5);
    const counts = await store.deliveries.counts(t0);
    expect(counts.lessons[0]).toMatchObject({ sent: 5, queued: 0, sending: 0 });
  });
});
