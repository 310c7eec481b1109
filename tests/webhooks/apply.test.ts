import { afterEach, expect, it } from 'vitest';
import { forEachDatabase } from '../support/databases.ts';
import { permanentBounce, resendEvent, transientBounce } from '../support/svix.ts';
import { later, seedReader, startWebhooks, stateOf } from './setup.ts';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

forEachDatabase((db) => {
  async function setup() {
    const { store } = await db.fresh();
    const reader = await seedReader(store);
    const hooks = await startWebhooks(store);
    close = hooks.close;
    return { store, hooks, ...reader };
  }

  it('a signed email.delivered marks the delivery delivered, once', async () => {
    const { store, hooks, first } = await setup();
    const body = resendEvent('email.delivered', 'prov-1');
    const res = await hooks.post(body, { id: 'msg_delivered' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, outcome: 'applied' });
    expect(await store.deliveries.getById(first)).toMatchObject({ deliveredAt: later(5), providerEvent: 'email.delivered', status: 'sent' });
  });

  it('a permanent bounce marks the reader bounced, suppresses the address and cancels the queued lesson', async () => {
    const { store, hooks, id } = await setup();
    const res = await hooks.post(resendEvent('email.bounced', 'prov-1', permanentBounce));
    expect(await res.json()).toEqual({ ok: true, outcome: 'applied' });
    const state = await stateOf(store, id);
    expect(state.status).toBe('bounced');
    expect(await store.suppressions.isSuppressed('reader@example.com')).toBe(true);
    expect(state.deliveries).toMatchObject([
      { slug: 'one', status: 'sent', bouncedAt: later(5) },
      { slug: 'two', status: 'cancelled' },
    ]);
    expect(await store.deliveries.claim({ owner: 'w', limit: 10, leaseMs: 60_000, now: later(120) })).toBeNull();
  });

  it('a transient bounce suppresses nothing: the reader stays active and the next lesson stays queued', async () => {
    const { store, hooks, id } = await setup();
    const res = await hooks.post(resendEvent('email.bounced', 'prov-1', transientBounce));
    expect(res.status).toBe(200);
    const state = await stateOf(store, id);
    expect(state.status).toBe('active');
    expect(state.suppressions).toEqual([]);
    expect(state.deliveries).toMatchObject([
      { slug: 'one', status: 'sent', bouncedAt: null, event: 'email.bounced' },
      { slug: 'two', status: 'queued' },
    ]);
  });

  it('a complaint marks the reader complained and suppresses the address', async () => {
    const { store, hooks, id } = await setup();
    await hooks.post(resendEvent('email.complained', 'prov-1'));
    const state = await stateOf(store, id);
    expect(state.status).toBe('complained');
    expect(state.suppressions.map((s) => s.reason)).toEqual(['complained']);
    expect(state.deliveries).toMatchObject([{ complainedAt: later(5) }, { status: 'cancelled' }]);
  });

  it('email.suppressed (Resend would not send) suppresses like a hard bounce', async () => {
    const { store, hooks, id } = await setup();
    await hooks.post(resendEvent('email.suppressed', 'prov-1', { suppressed: { message: 'on the suppression list', type: 'OnAccountSuppressionList' } }));
    expect((await stateOf(store, id)).status).toBe('bounced');
    expect(await store.suppressions.isSuppressed('reader@example.com')).toBe(true);
  });

  it('email.failed marks the delivery failed with the provider’s reason; delayed and sent change no status', async () => {
    const { store, hooks, first, id } = await setup();
    await hooks.post(resendEvent('email.sent', 'prov-1'));
    expect(await store.deliveries.getById(first)).toMatchObject({ status: 'sent', providerEvent: 'email.sent' });
    await hooks.post(resendEvent('email.delivery_delayed', 'prov-1'));
    expect(await store.deliveries.getById(first)).toMatchObject({ status: 'sent', providerEvent: 'email.delivery_delayed' });
    await hooks.post(resendEvent('email.failed', 'prov-1', { failed: { reason: 'reached_daily_quota' } }));
    expect(await store.deliveries.getById(first)).toMatchObject({ status: 'failed', error: 'reached_daily_quota' });
    expect((await stateOf(store, id)).status).toBe('active');
  });

  it('an event for an unknown email id is accepted (200), logged, and changes nothing', async () => {
    const { store, hooks, id } = await setup();
    const before = await stateOf(store, id);
    const res = await hooks.post(resendEvent('email.bounced', 'not-ours', permanentBounce), { id: 'msg_unknown' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, outcome: 'unknown' });
    expect(await stateOf(store, id)).toEqual(before);
    expect(hooks.logs).toContainEqual(expect.objectContaining({ level: 'info', eventId: 'msg_unknown', emailId: 'not-ours' }));
  });

  it('a replayed event id is applied once, even when the replay carries another event', async () => {
    const { store, hooks, id, first } = await setup();
    expect(await (await hooks.post(resendEvent('email.delivered', 'prov-1'), { id: 'msg_same' })).json()).toMatchObject({ outcome: 'applied' });
    hooks.setNow(later(30));
    const again = await hooks.post(resendEvent('email.bounced', 'prov-1', permanentBounce), { id: 'msg_same' });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ ok: true, outcome: 'duplicate' });
    expect(await store.deliveries.getById(first)).toMatchObject({ deliveredAt: later(5), bouncedAt: null });
    expect((await stateOf(store, id)).status).toBe('active');
  });

  it('opens and clicks are not tracked: accepted, not recorded, nothing changes', async () => {
    const { store, hooks, id } = await setup();
    const before = await stateOf(store, id);
    const res = await hooks.post(resendEvent('email.opened', 'prov-1'), { id: 'msg_open' });
    expect(await res.json()).toEqual({ ok: true, outcome: 'ignored' });
    expect(await stateOf(store, id)).toEqual(before);
    // Not even the event id was kept.
    expect(await store.webhookEvents.recordOnce('msg_open', 'probe', later(9))).toBe(true);
  });
});
