import { expect, it } from 'vitest';
import { forEachDatabase } from '../support/databases.ts';

const t0 = new Date('2026-03-02T15:00:00Z');
const later = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

forEachDatabase((db) => {
  it('lists active enrollments of active subscribers with what was sent and what is pending', async () => {
    const { store } = await db.fresh();
    const ids: string[] = [];
    for (const [i, status] of (['active', 'active', 'unsubscribed', 'pending', 'active'] as const).entries()) {
      const r = await store.subscribers.createPending({
        email: `e${i}@example.com`,
        firstName: `F${i}`,
        timezone: 'Europe/Berlin',
        consentSource: 't',
        now: t0,
      });
      if (r.outcome !== 'created') throw new Error(r.outcome);
      ids.push(r.subscriber.id);
      if (status !== 'pending') await store.subscribers.activate(r.subscriber.id, { now: t0, seriesId: 'coaching' });
      if (status === 'unsubscribed') await store.subscribers.unsubscribe(r.subscriber.id, t0);
    }
    await store.enrollments.enroll(ids[0]!, 'other', t0);
    // Active but suppressed by hand: not listed, or each pass would queue a lesson that claim cancels.
    await store.suppressions.add('e4@example.com', 'manual', t0);
    await store.enrollments.enroll(ids[4]!, 'other', t0);
    const done = (await store.enrollments.listForSubscribers([ids[4]!])).find((e) => e.seriesId === 'coaching')!;
    expect(await store.enrollments.complete([done.id])).toBe(1);
    await store.deliveries.enqueue(
      [
        { kind: 'lesson', subscriberId: ids[0]!, seriesId: 'coaching', stepSlug: 'one', dueAt: t0 },
        { kind: 'lesson', subscriberId: ids[1]!, seriesId: 'coaching', stepSlug: 'one', dueAt: t0 },
      ],
      t0,
    );
    const batch = await store.deliveries.claim({ owner: 'w', limit: 1, leaseMs: 60_000, now: t0 });
    await store.deliveries.recordOutcomes([{ id: batch!.deliveries[0]!.id, status: 'sent', providerId: 'p', at: later(1) }]);
    await store.deliveries.enqueue([{ kind: 'lesson', subscriberId: ids[0]!, seriesId: 'coaching', stepSlug: 'two', dueAt: later(60) }], t0);

    const coaching = await store.enrollments.listActiveEnrollments({ seriesId: 'coaching', limit: 10 });
    expect(coaching.map((e) => [e.subscriberId, e.timezone, e.lastStepSlug, e.sentSlugs, e.pendingSlugs])).toEqual([
      [ids[0], 'Europe/Berlin', 'one', ['one'], ['two']],
      [ids[1], 'Europe/Berlin', null, [], ['one']],
    ]);
    const all = await store.enrollments.listActiveEnrollments({ limit: 2 });
    const rest = await store.enrollments.listActiveEnrollments({ limit: 2, after: all[1]!.id });
    expect([...all, ...rest].map((e) => [e.subscriberId, e.seriesId])).toEqual([
      [ids[0], 'coaching'],
      [ids[1], 'coaching'],
      [ids[0], 'other'],
    ]);
    const counts = await store.enrollments.countByStep();
    expect(counts).toContainEqual({ seriesId: 'coaching', lastStepSlug: null, subscriberStatus: 'unsubscribed', enrollmentStatus: 'active', count: 1 });
    expect(counts).toContainEqual({ seriesId: 'coaching', lastStepSlug: 'one', subscriberStatus: 'active', enrollmentStatus: 'active', count: 1 });
    // A page of subscribers' enrollments at once (`subscribers list`), whatever their state.
    const page = await store.enrollments.listForSubscribers([ids[0]!, ids[3]!, ids[4]!, 'not-an-id']);
    expect(page.map((e) => [e.subscriberId === ids[0] ? 'e0' : 'e4', e.seriesId, e.status, e.lastStepSlug])).toEqual([
      ['e0', 'coaching', 'active', 'one'],
      ['e4', 'coaching', 'completed', null],
      ['e0', 'other', 'active', null],
      ['e4', 'other', 'active', null],
    ]);
    expect(await store.enrollments.listForSubscribers([])).toEqual([]);
  });

  it('pause holds the clock and cancels the queued lesson; resume adds the minutes held; enroll is idempotent', async () => {
    const { store } = await db.fresh();
    const r = await store.subscribers.createPending({ email: 'p@example.com', firstName: null, timezone: null, consentSource: 't', now: t0 });
    if (r.outcome !== 'created') throw new Error(r.outcome);
    const id = r.subscriber.id;
    await store.subscribers.activate(id, { now: t0, seriesId: 'coaching' });
    expect((await store.enrollments.enroll(id, 'coaching', later(5))).created).toBe(false);
    await store.deliveries.enqueue([{ kind: 'lesson', subscriberId: id, seriesId: 'coaching', stepSlug: 'one', dueAt: later(10) }], t0);
    expect(await store.enrollments.pause(id, 'coaching', later(10))).toMatchObject({ pausedAt: later(10) });
    expect(await store.enrollments.pause(id, 'coaching', later(20))).toMatchObject({ pausedAt: later(10) });
    expect((await store.subscribers.dataHeld(id))?.deliveries.map((d) => d.status)).toEqual(['cancelled']);
    expect(await store.enrollments.resume(id, 'coaching', later(10 + 3 * 60))).toMatchObject({ pausedAt: null, pausedMinutes: 180 });
    await store.enrollments.pause(id, 'coaching', later(300));
    expect(await store.enrollments.resume(id, 'coaching', later(330))).toMatchObject({ pausedMinutes: 210 });
    expect(await store.enrollments.resume(id, 'coaching', later(400))).toMatchObject({ pausedMinutes: 210 });
    expect(await store.enrollments.pause(id, 'missing', t0)).toBeNull();
  });
});
