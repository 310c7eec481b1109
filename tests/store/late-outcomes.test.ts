import { expect, it } from 'vitest';
import type { Store } from '../../src/store/index.ts';
import { forEachDatabase } from '../support/databases.ts';

/**
 * A worker whose lease expired may still be holding its provider's answer when another
 * worker has reclaimed the batch. Its late `retry`/`failed` must not touch rows it no longer
 * holds; its late `sent` is what the provider accepted under the batch key, and is recorded
 * whoever holds the rows now (a resend under that key is answered from the provider's
 * record, so recording it never stands for a second message).
 */
const t0 = new Date('2026-03-02T15:00:00Z');
const later = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
const LEASE = 5 * 60_000;

async function due(store: Store, n: number, prefix = 'r'): Promise<void> {
  const rows = Array.from({ length: n }, (_, i) => ({
    email: `${prefix}${i}@example.com`,
    firstName: null,
    timezone: 'UTC',
    consentAt: t0,
    consentSource: 'test',
  }));
  const results = await store.subscribers.importBatch(rows, { now: t0, seriesId: 'coaching' });
  await store.deliveries.enqueue(
    results.map((r) => ({
      kind: 'lesson' as const,
      subscriberId: r.outcome === 'imported' ? r.id : '',
      seriesId: 'coaching',
      stepSlug: 'step-1',
      stepNumber: 1,
      dueAt: t0,
    })),
    t0,
  );
}

/** `a` claims 3 rows, its lease runs out, `b` reclaims them under the same key. */
async function reclaimed(store: Store) {
  await due(store, 3);
  const first = await store.deliveries.claim({ owner: 'a', limit: 10, leaseMs: LEASE, now: t0 });
  const again = await store.deliveries.claim({ owner: 'b', limit: 10, leaseMs: LEASE, now: later(6) });
  expect(again?.reclaimed).toBe(true);
  expect(again?.batchKey).toBe(first!.batchKey);
  return { ids: first!.deliveries.map((d) => d.id), batchKey: first!.batchKey };
}

forEachDatabase((db) => {
  it('a late retry or failed from the expired lease owner leaves the rows to the worker that reclaimed them', async () => {
    const { store } = await db.fresh();
    const { ids, batchKey } = await reclaimed(store);
    const [x, y, z] = ids;
    const late = await store.deliveries.recordOutcomes(
      [
        { id: x!, status: 'retry', reason: 'Resend 500', retryAt: later(60) },
        { id: y!, status: 'failed', reason: 'Resend 422', at: later(7) },
      ],
      { owner: 'a', batchKey },
    );
    expect(late).toBe(0);
    for (const id of [x, y]) expect(await store.deliveries.getById(id!)).toMatchObject({ status: 'sending', leaseOwner: 'b', attempts: 0, error: null });
    // The holder's own outcomes apply.
    const own = await store.deliveries.recordOutcomes(
      [
        { id: x!, status: 'sent', providerId: 'px', at: later(7) },
        { id: y!, status: 'failed', reason: 'Resend 422', at: later(7) },
        { id: z!, status: 'retry', reason: 'Resend 500', retryAt: later(60) },
      ],
      { owner: 'b', batchKey },
    );
    expect(own).toBe(3);
    expect(await store.deliveries.getById(y!)).toMatchObject({ status: 'failed', error: 'Resend 422' });
    expect(await store.deliveries.getById(z!)).toMatchObject({ status: 'queued', attempts: 1, batchKey, dueAt: later(60) });
  });

  it('a late sent is recorded over the reclaiming worker’s lease, and that worker’s own outcomes then change nothing', async () => {
    const { store } = await db.fresh();
    const { ids, batchKey } = await reclaimed(store);
    const sent = ids.map((id, i) => ({ id, status: 'sent' as const, providerId: `p${i}`, at: later(7) }));
    expect(await store.deliveries.recordOutcomes(sent, { owner: 'a', batchKey })).toBe(3);
    for (const [i, id] of ids.entries()) expect(await store.deliveries.getById(id)).toMatchObject({ status: 'sent', providerId: `p${i}`, leaseOwner: null });
    // The enrollment clock moved with the late record.
    const subscriber = (await store.deliveries.getById(ids[0]!))!.subscriberId!;
    expect(await store.enrollments.get(subscriber, 'coaching')).toMatchObject({ lastStepSlug: 'step-1', lastSentAt: later(7) });
    // b's resend under the same key was answered from the provider's record: nothing to change.
    expect(
      await store.deliveries.recordOutcomes(
        sent.map((o) => ({ ...o, at: later(8) })),
        { owner: 'b', batchKey },
      ),
    ).toBe(0);
    expect(await store.deliveries.recordOutcomes([{ id: ids[0]!, status: 'failed', reason: 'late', at: later(8) }], { owner: 'b', batchKey })).toBe(0);
    expect(await store.deliveries.getById(ids[0]!)).toMatchObject({ status: 'sent', sentAt: later(7) });
  });

  it('a late sent after the reclaiming worker handed the batch back for retry stops it going out again', async () => {
    const { store } = await db.fresh();
    const { ids, batchKey } = await reclaimed(store);
    expect(
      await store.deliveries.recordOutcomes(
        ids.map((id) => ({ id, status: 'retry' as const, reason: 'Resend 500', retryAt: later(30) })),
        { owner: 'b', batchKey },
      ),
    ).toBe(3);
    expect(
      await store.deliveries.recordOutcomes(
        ids.map((id, i) => ({ id, status: 'sent' as const, providerId: `p${i}`, at: later(9) })),
        { owner: 'a', batchKey },
      ),
    ).toBe(3);
    expect(await store.deliveries.claim({ owner: 'c', limit: 10, leaseMs: LEASE, now: later(31) })).toBeNull();
    // Under another key it would be a different batch: a sent under this key never reaches it.
    await due(store, 1, 'other');
    const other = await store.deliveries.claim({ owner: 'c', limit: 10, leaseMs: LEASE, now: later(31) });
    expect(
      await store.deliveries.recordOutcomes([{ id: other!.deliveries[0]!.id, status: 'sent', providerId: 'px', at: later(32) }], { owner: 'a', batchKey }),
    ).toBe(0);
    expect(await store.deliveries.getById(other!.deliveries[0]!.id)).toMatchObject({ status: 'sending', leaseOwner: 'c' });
  });
});
