import { expect, it } from 'vitest';
import type { Store } from '../../src/store/index.ts';
import { forEachDatabase } from '../support/databases.ts';

const t0 = new Date('2026-03-02T15:00:00Z');
const later = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

/** One active subscriber with lesson 1 sent (provider id `prov-1`) and lesson 2 queued. */
async function sentOne(store: Store) {
  const r = await store.subscribers.createPending({ email: 'reader@example.com', firstName: null, timezone: null, consentSource: 'test', now: t0 });
  if (r.outcome !== 'created') throw new Error(r.outcome);
  const id = r.subscriber.id;
  await store.subscribers.activate(id, { now: t0, seriesId: 'coaching' });
  await store.deliveries.enqueue([{ kind: 'lesson', subscriberId: id, seriesId: 'coaching', stepSlug: 'one', stepNumber: 1, dueAt: t0 }], t0);
  const batch = await store.deliveries.claim({ owner: 'w', limit: 1, leaseMs: 60_000, now: t0 });
  await store.deliveries.recordOutcomes([{ id: batch!.deliveries[0]!.id, status: 'sent', providerId: 'prov-1', at: t0 }]);
  await store.deliveries.enqueue([{ kind: 'lesson', subscriberId: id, seriesId: 'coaching', stepSlug: 'two', stepNumber: 2, dueAt: later(10) }], t0);
  return { id, deliveryId: batch!.deliveries[0]!.id };
}

forEachDatabase((db) => {
  it('an event is applied once: a replayed event id changes nothing', async () => {
    const { store } = await db.fresh();
    const { deliveryId } = await sentOne(store);
    const event = { eventId: 'evt_1', type: 'email.delivered', providerId: 'prov-1', at: later(1), effect: 'delivered' as const };
    expect(await store.deliveries.applyProviderEvent(event)).toMatchObject({ outcome: 'applied', deliveryId });
    expect(await store.deliveries.applyProviderEvent({ ...event, at: later(5) })).toEqual({ outcome: 'duplicate' });
    expect(await store.deliveries.getById(deliveryId)).toMatchObject({ deliveredAt: later(1), providerEvent: 'email.delivered' });
    expect((await store.deliveries.counts(later(5))).lessons.find((c) => c.stepSlug === 'one')?.delivered).toBe(1);
  });

  it('a permanent bounce suppresses the address and cancels what was queued, in the same transaction', async () => {
    const { store } = await db.fresh();
    const { id, deliveryId } = await sentOne(store);
    const r = await store.deliveries.applyProviderEvent({ eventId: 'evt_b', type: 'email.bounced', providerId: 'prov-1', at: later(2), effect: 'bounce' });
    expect(r).toEqual({ outcome: 'applied', deliveryId, subscriberId: id });
    expect((await store.subscribers.getById(id))?.status).toBe('bounced');
    expect(await store.suppressions.isSuppressed('reader@example.com')).toBe(true);
    const held = await store.subscribers.dataHeld(id);
    expect(held?.deliveries.map((d) => [d.stepSlug, d.status, d.bouncedAt])).toEqual([
      ['one', 'sent', later(2)],
      ['two', 'cancelled', null],
    ]);
    expect(await store.deliveries.claim({ owner: 'w', limit: 10, leaseMs: 60_000, now: later(20) })).toBeNull();
  });

  it('a complaint marks the subscriber complained; a failure marks the delivery failed', async () => {
    const { store } = await db.fresh();
    const { id, deliveryId } = await sentOne(store);
    await store.deliveries.applyProviderEvent({
      eventId: 'e1',
      type: 'email.failed',
      providerId: 'prov-1',
      at: later(1),
      effect: 'failed',
      reason: 'rejected',
    });
    expect(await store.deliveries.getById(deliveryId)).toMatchObject({ status: 'failed', error: 'rejected' });
    await store.deliveries.applyProviderEvent({ eventId: 'e2', type: 'email.complained', providerId: 'prov-1', at: later(2), effect: 'complaint' });
    expect((await store.subscribers.getById(id))?.status).toBe('complained');
    expect((await store.suppressions.list()).map((s) => s.reason)).toEqual(['complained']);
  });

  it('events for unknown messages are accepted and recorded, nothing else changes', async () => {
    const { store } = await db.fresh();
    await sentOne(store);
    expect(await store.deliveries.applyProviderEvent({ eventId: 'e9', type: 'email.bounced', providerId: 'nope', at: t0, effect: 'bounce' })).toEqual({
      outcome: 'unknown',
    });
    expect(await store.deliveries.applyProviderEvent({ eventId: 'e9', type: 'email.bounced', providerId: 'nope', at: t0, effect: 'bounce' })).toEqual({
      outcome: 'duplicate',
    });
    expect(await store.suppressions.list()).toEqual([]);
    expect(await store.webhookEvents.recordOnce('e10', 'email.sent', t0)).toBe(true);
    expect(await store.webhookEvents.recordOnce('e10', 'email.sent', t0)).toBe(false);
  });
});
