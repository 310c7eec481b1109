import { expect, it } from 'vitest';
import type { Store } from '../../src/store/index.ts';
import { forEachDatabase } from '../support/databases.ts';

const t0 = new Date('2026-03-02T15:00:00Z');
const later = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

async function pending(store: Store, email: string) {
  const r = await store.subscribers.createPending({ email, firstName: 'Ann', timezone: 'America/Chicago', consentSource: 'form:coaching', now: t0 });
  if (r.outcome === 'suppressed') throw new Error('unexpectedly suppressed');
  return r.subscriber;
}

forEachDatabase((db) => {
  it('a double sign-up leaves one pending subscriber with one nonce, whatever the case of the address', async () => {
    const { store } = await db.fresh();
    const first = await store.subscribers.createPending({ email: 'Ann@example.com', firstName: 'Ann', timezone: null, consentSource: 'form', now: t0 });
    const second = await store.subscribers.createPending({
      email: 'ann@example.com',
      firstName: 'Mallory',
      timezone: null,
      consentSource: 'form',
      now: later(1),
    });
    expect(first.outcome).toBe('created');
    expect(second.outcome).toBe('pending');
    if (first.outcome !== 'created' || second.outcome !== 'pending') return;
    expect(second.subscriber.id).toBe(first.subscriber.id);
    expect(second.subscriber.confirmNonce).toBe(first.subscriber.confirmNonce);
    expect(second.subscriber.firstName).toBe('Ann');
    expect(second.subscriber.email).toBe('Ann@example.com');
    expect((await store.subscribers.countByStatus()).pending).toBe(1);
  });

  it('concurrent sign-ups of one address make one subscriber', async () => {
    const { store, options } = await db.fresh();
    const other = await db.open(options);
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        (i % 2 ? other : store).subscribers.createPending({ email: 'race@example.com', firstName: null, timezone: null, consentSource: 'form', now: t0 }),
      ),
    );
    expect(results.filter((r) => r.outcome === 'created')).toHaveLength(1);
    expect(results.filter((r) => r.outcome === 'pending')).toHaveLength(5);
    expect((await store.subscribers.countByStatus()).pending).toBe(1);
  });

  it('activation checks and consumes the nonce, sets consent time and enrolls, in one step', async () => {
    const { store } = await db.fresh();
    const s = await pending(store, 'bo@example.com');
    expect((await store.subscribers.activate(s.id, { now: later(5), seriesId: 'coaching', nonce: 'forged' })).outcome).toBe('used');
    const ok = await store.subscribers.activate(s.id, { now: later(5), seriesId: 'coaching', nonce: s.confirmNonce! });
    expect(ok.outcome).toBe('activated');
    if (ok.outcome !== 'activated') return;
    expect(ok.subscriber.status).toBe('active');
    expect(ok.subscriber.consentAt).toEqual(later(5));
    expect(ok.subscriber.confirmNonce).toBeNull();
    expect(ok.enrollment).toMatchObject({ seriesId: 'coaching', status: 'active', startedAt: later(5), lastStepSlug: null });
    // The same link again: used, and nothing changes.
    const again = await store.subscribers.activate(s.id, { now: later(9), seriesId: 'coaching', nonce: s.confirmNonce! });
    expect(again.outcome).toBe('used');
    expect((await store.enrollments.listForSubscriber(s.id)).map((e) => e.startedAt)).toEqual([later(5)]);
    expect((await store.subscribers.activate('999999', { now: t0 })).outcome).toBe('not-found');
    expect((await store.subscribers.activate('not-an-id', { now: t0 })).outcome).toBe('not-found');
  });

  it('a fresh confirmation renews the nonce (the old link is used up) and queues one email, in one go, once per quiet period', async () => {
    const { store } = await db.fresh();
    const s = await pending(store, 'cy@example.com');
    const ask = (at: Date, quietSince: Date) => store.subscribers.requestConfirmation(s.id, { seriesId: 'coaching', now: at, renewNonce: true, quietSince });
    expect(await ask(later(1), t0)).toBe(true);
    expect(await ask(later(2), t0)).toBe(false);
    const renewed = (await store.subscribers.getById(s.id))!.confirmNonce;
    expect(renewed).toBeTruthy();
    expect(renewed).not.toBe(s.confirmNonce);
    expect((await store.subscribers.dataHeld(s.id))!.deliveries.map((d) => [d.kind, d.status])).toEqual([['confirm', 'queued']]);
    expect((await store.subscribers.activate(s.id, { now: later(2), nonce: s.confirmNonce! })).outcome).toBe('used');
    expect((await store.subscribers.activate(s.id, { now: later(2), nonce: renewed! })).outcome).toBe('activated');
    expect(await ask(later(3), later(3))).toBe(false);
  });

  it('unsubscribe cancels every queued delivery with the status change, and is idempotent', async () => {
    const { store } = await db.fresh();
    const s = await pending(store, 'di@example.com');
    await store.subscribers.activate(s.id, { now: t0, seriesId: 'coaching' });
    const other = await pending(store, 'ed@example.com');
    await store.subscribers.activate(other.id, { now: t0, seriesId: 'coaching' });
    const b = await store.broadcasts.create({ slug: 'talk', contentHash: 'h', subject: 'A talk', now: t0 });
    await store.deliveries.enqueue(
      [
        { kind: 'lesson', subscriberId: s.id, seriesId: 'coaching', stepSlug: 'one', stepNumber: 1, dueAt: t0 },
        { kind: 'lesson', subscriberId: s.id, seriesId: 'coaching', stepSlug: 'two', stepNumber: 2, dueAt: later(60 * 24) },
        { kind: 'broadcast', subscriberId: s.id, broadcastId: b.id, dueAt: t0 },
        { kind: 'lesson', subscriberId: other.id, seriesId: 'coaching', stepSlug: 'one', stepNumber: 1, dueAt: t0 },
      ],
      t0,
    );
    expect(await store.subscribers.unsubscribe(s.id, later(1))).toEqual({ changed: true, cancelled: 3 });
    const held = await store.subscribers.dataHeld(s.id);
    expect(held?.subscriber.status).toBe('unsubscribed');
    expect(held?.deliveries.map((d) => d.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(await store.subscribers.unsubscribe(s.id, later(2))).toEqual({ changed: false, cancelled: 0 });
    // Nothing of theirs can be claimed; the other subscriber's lesson still goes.
    const batch = await store.deliveries.claim({ owner: 'w', limit: 10, leaseMs: 60_000, now: later(60 * 48) });
    expect(batch?.deliveries.map((d) => d.toEmail)).toEqual(['ed@example.com']);
    expect(await store.subscribers.unsubscribe('424242', t0)).toBeNull();
  });

  it('an unsubscribe racing a second worker: once it returns, no claim hands out their mail', async () => {
    const { store, options } = await db.fresh();
    const worker = await db.open(options);
    const s = await pending(store, 'fay@example.com');
    await store.subscribers.activate(s.id, { now: t0, seriesId: 'coaching' });
    const b = await store.broadcasts.create({ slug: 'news', contentHash: 'h', subject: 'News', now: t0 });
    await store.deliveries.enqueue(
      [
        { kind: 'broadcast', subscriberId: s.id, broadcastId: b.id, dueAt: later(1) },
        ...Array.from({ length: 30 }, (_, i) => ({ kind: 'lesson' as const, subscriberId: s.id, seriesId: `series-${i}`, stepSlug: 'one', dueAt: later(1) })),
      ],
      t0,
    );
    for (let i = 0; i < 30; i++) await store.enrollments.enroll(s.id, `series-${i}`, t0);
    const claimedBefore: string[] = [];
    const racing = (async () => {
      for (let i = 0; i < 10; i++) {
        const batch = await worker.deliveries.claim({ owner: 'w2', limit: 2, leaseMs: 3_600_000, now: later(2) });
        claimedBefore.push(...(batch?.deliveries.map((d) => d.id) ?? []));
      }
    })();
    const result = await store.subscribers.unsubscribe(s.id, later(2));
    await racing;
    expect(result?.changed).toBe(true);
    const after = await worker.deliveries.claim({ owner: 'w3', limit: 100, leaseMs: 60_000, now: later(3) });
    expect(after).toBeNull();
    const held = await store.subscribers.dataHeld(s.id);
    // Every row is either cancelled by the unsubscribe or was claimed before it committed.
    expect(held!.deliveries.filter((d) => d.status === 'queued')).toEqual([]);
    expect(
      held!.deliveries
        .filter((d) => d.status === 'sending')
        .map((d) => d.id)
        .sort(),
    ).toEqual([...claimedBefore].sort());
  });

  it('bounce and complaint mark the subscriber, add the suppression hash and cancel queued mail', async () => {
    const { store } = await db.fresh();
    const s = await pending(store, 'Gus@example.com');
    await store.subscribers.activate(s.id, { now: t0, seriesId: 'coaching' });
    await store.deliveries.enqueue([{ kind: 'lesson', subscriberId: s.id, seriesId: 'coaching', stepSlug: 'one', dueAt: t0 }], t0);
    expect(await store.subscribers.markBounced(s.id, later(1))).toEqual({ changed: true, cancelled: 1 });
    expect(await store.suppressions.isSuppressed('gus@example.com')).toBe(true);
    expect((await store.subscribers.getById(s.id))?.status).toBe('bounced');
    expect(await store.subscribers.markComplained(s.id, later(2))).toEqual({ changed: true, cancelled: 0 });
    // A complaint is not downgraded by a later bounce.
    expect(await store.subscribers.markBounced(s.id, later(3))).toEqual({ changed: false, cancelled: 0 });
    expect((await store.subscribers.getById(s.id))?.status).toBe('complained');
    const list = await store.suppressions.list();
    expect(list).toHaveLength(1);
    expect(list[0]!.emailHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(list).toLowerCase()).not.toContain('gus');
    // Sign-up and confirmation are refused while suppressed.
    expect(
      (await store.subscribers.createPending({ email: 'gus@example.com', firstName: null, timezone: null, consentSource: 'form', now: later(4) })).outcome,
    ).toBe('suppressed');
    expect((await store.subscribers.activate(s.id, { now: later(4) })).outcome).toBe('refused');
  });

  it('an unsubscribed reader who signs up again stays unsubscribed, with a fresh nonce waiting beside the row', async () => {
    const { store } = await db.fresh();
    const s = await pending(store, 'hal@example.com');
    await store.subscribers.activate(s.id, { now: t0 });
    await store.subscribers.unsubscribe(s.id, later(1));
    const again = await store.subscribers.createPending({
      email: 'hal@example.com',
      firstName: 'Hal',
      timezone: 'Europe/Paris',
      consentSource: 'form',
      now: later(2),
    });
    expect(again.outcome).toBe('reopened');
    if (again.outcome !== 'reopened') return;
    expect(again.subscriber).toMatchObject({ id: s.id, status: 'unsubscribed', consentAt: t0 });
    expect(again.subscriber.confirmNonce).not.toBe(s.confirmNonce);
    expect((await store.subscribers.getById(s.id))!.confirmNonce).toBe(again.subscriber.confirmNonce);
    // A repeat while the first is waiting keeps it (the link already mailed still works).
    const repeat = await store.subscribers.createPending({ email: 'hal@example.com', firstName: 'Mal', timezone: null, consentSource: 'form', now: later(3) });
    expect(repeat.outcome === 'reopened' && repeat.subscriber.confirmNonce).toBe(again.subscriber.confirmNonce);
    expect((await store.subscribers.activate(s.id, { now: later(4), nonce: again.subscriber.confirmNonce! })).outcome).toBe('activated');
    expect(await store.subscribers.getById(s.id)).toMatchObject({ status: 'active', firstName: 'Hal', timezone: 'Europe/Paris' });
  });

  it('update changes only the given fields; list pages by id and filters by status', async () => {
    const { store } = await db.fresh();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await pending(store, `p${i}@example.com`)).id);
    await store.subscribers.activate(ids[1]!, { now: t0 });
    await store.subscribers.activate(ids[3]!, { now: t0 });
    const updated = await store.subscribers.update(ids[1]!, { timezone: 'Asia/Tokyo' }, later(1));
    expect(updated).toMatchObject({ firstName: 'Ann', timezone: 'Asia/Tokyo', updatedAt: later(1) });
    const page1 = await store.subscribers.list({ limit: 2 });
    const page2 = await store.subscribers.list({ limit: 2, after: page1[1]!.id });
    expect([...page1, ...page2].map((s) => s.id)).toEqual(ids.slice(0, 4));
    expect((await store.subscribers.list({ limit: 10, status: 'active' })).map((s) => s.id)).toEqual([ids[1], ids[3]]);
  });

  it('refuses to store an address that was not normalized, so nothing is stored half-valid', async () => {
    const { store } = await db.fresh();
    const raw = (email: string) => store.subscribers.createPending({ email, firstName: null, timezone: null, consentSource: 'form', now: t0 });
    await expect(raw(' a@example.com')).rejects.toThrow(/normalizeEmail/);
    await expect(raw('a@Example.com')).rejects.toThrow(/normalizeEmail/);
    await expect(raw('a@bücher.example')).rejects.toThrow(/normalizeEmail/);
    await expect(
      store.subscribers.importBatch([{ email: 'B@EXAMPLE.COM', firstName: null, timezone: null, consentAt: null, consentSource: 'x' }], { now: t0 }),
    ).rejects.toThrow(/normalizeEmail/);
    expect(await store.subscribers.list({ limit: 10 })).toEqual([]);
  });
});
