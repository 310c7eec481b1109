import { expect, it } from 'vitest';
import type { Store } from '../../src/store/index.ts';
import { forEachDatabase } from '../support/databases.ts';

/**
 * A batch handed back with `retry` (the provider kept failing, maybe after accepting an
 * attempt whose answer was lost) keeps its key and comes back whole, never mixed with fresh
 * rows under a new key: only the same key and payload let the provider deduplicate.
 */
const t0 = new Date('2026-03-02T15:00:00Z');
const later = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

async function queue(store: Store, n: number, prefix: string, dueAt: Date): Promise<void> {
  const rows = Array.from({ length: n }, (_, i) => ({
    email: `${prefix}${i}@example.com`,
    firstName: null,
    timezone: 'UTC',
    consentAt: t0,
    consentSource: 'test',
  }));
  const results = await store.subscribers.importBatch(rows, { now: t0, seriesId: 'coaching' });
  const ids = results.map((r) => (r.outcome === 'imported' ? r.id : ''));
  await store.deliveries.enqueue(
    ids.map((subscriberId) => ({ kind: 'lesson', subscriberId, seriesId: 'coaching', stepSlug: 'step-1', stepNumber: 1, dueAt })),
    t0,
  );
}

forEachDatabase((db) => {
  it('a retried batch is claimed whole under its old key, before and apart from fresh rows', async () => {
    const { store } = await db.fresh();
    await queue(store, 3, 'first', t0);
    const first = await store.deliveries.claim({ owner: 'w', limit: 3, leaseMs: 60_000, now: t0 });
    expect(first?.deliveries).toHaveLength(3);
    await store.deliveries.recordOutcomes(first!.deliveries.map((d) => ({ id: d.id, status: 'retry', reason: 'Resend 500', retryAt: later(10) })));
    // Fresh rows, due before the retry: they go out under a new key, without the retried rows.
    await queue(store, 4, 'fresh', later(5));
    const fresh = await store.deliveries.claim({ owner: 'w', limit: 10, leaseMs: 60_000, now: later(10) });
    expect(fresh?.batchKey).not.toBe(first!.batchKey);
    expect(fresh?.deliveries.map((d) => d.toEmail).sort()).toEqual(['fresh0@example.com', 'fresh1@example.com', 'fresh2@example.com', 'fresh3@example.com']);
    const again = await store.deliveries.claim({ owner: 'w', limit: 10, leaseMs: 60_000, now: later(10) });
    expect(again?.batchKey).toBe(first!.batchKey);
    expect(again?.deliveries.map((d) => d.id)).toEqual(first!.deliveries.map((d) => d.id));
    expect(await store.deliveries.claim({ owner: 'w', limit: 10, leaseMs: 60_000, now: later(10) })).toBeNull();
  });
});
