import { afterEach, expect, it } from 'vitest';
import { broadcastMessages, loadBroadcast, planSend, runBroadcast, startSend } from '../../src/broadcast/index.ts';
import { loadProject } from '../../src/build/index.ts';
import type { Store } from '../../src/store/index.ts';
import { forEachDatabase } from '../support/databases.ts';
import { startFakeResend, type FakeResend } from '../support/fake-resend.ts';
import { tempProject } from '../support/project.ts';
import { duplicates, populate, recipientsOf, resendTo, SECRET, SERIES, writeBroadcast } from './support.ts';

const t0 = new Date('2026-05-04T14:00:00Z');
let server: FakeResend | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function send(store: Store, root: string, slug: string, between?: () => Promise<void>) {
  const project = await loadProject(root);
  const draft = await loadBroadcast(project, slug);
  const plan = await planSend({ project, store }, draft, { now: t0 });
  const started = await startSend({ project, store }, draft, { now: t0 });
  if (started.outcome !== 'sending') throw new Error(started.outcome);
  await between?.();
  const messages = broadcastMessages(store);
  const transport = resendTo(server!);
  const last = await runBroadcast({
    store,
    transport,
    config: project.config,
    secret: SECRET,
    owner: 'test',
    clock: () => t0,
    messages,
    broadcastId: started.broadcast.id,
  });
  await transport.close();
  return { plan, started, last, broadcast: await store.broadcasts.getById(started.broadcast.id) };
}

forEachDatabase((db) => {
  it('1,000 subscribers: a broadcast reaches exactly the active ones once each, joiners and leavers during the send left out', {
    timeout: 120_000,
  }, async () => {
    const { store } = await db.fresh();
    const pop = await populate(store, t0);
    expect(pop.all.size).toBeGreaterThan(700);
    expect(pop.all.size).toBeLessThan(900);
    const root = tempProject();
    writeBroadcast(root, 'news');
    server = await startFakeResend({ requestsPerSecond: null });

    const leaver = [...pop.all].at(-1)!;
    const joiner = 'joined-late@example.com';
    const { plan, started, last, broadcast } = await send(store, root, 'news', async () => {
      // After the snapshot, before the copies go: one joins, one leaves.
      const j = await store.subscribers.createPending({ email: joiner, firstName: null, timezone: null, consentSource: 'test', now: t0 });
      if (j.outcome !== 'created') throw new Error(j.outcome);
      await store.subscribers.activate(j.subscriber.id, { now: t0 });
      await store.subscribers.unsubscribe((await store.subscribers.findByEmail(leaver))!.id, t0);
    });

    expect(plan.recipients).toBe(pop.all.size);
    expect(plan.sample).toHaveLength(5);
    expect(plan.sample.every((e) => pop.all.has(e))).toBe(true);
    expect(started).toMatchObject({ total: pop.all.size, resumed: false });

    const got = recipientsOf(server);
    const expected = new Set([...pop.all].filter((e) => e !== leaver));
    expect(got).toHaveLength(expected.size);
    expect(new Set(got)).toEqual(expected);
    expect(got).not.toContain(joiner);
    expect(duplicates(server)).toBe(0);
    expect(last).toMatchObject({ total: pop.all.size, sent: expected.size, failed: 0, cancelled: 1, queued: 0, sending: 0 });
    expect(broadcast?.status).toBe('sent');

    // Each copy is filled for its reader and carries the footer and one-click unsubscribe.
    const named = server.received.find((r) => pop.named.has([r.email!.to].flat()[0] as string))!.email!;
    const name = pop.named.get([named.to].flat()[0] as string)!;
    expect(named.subject).toBe(`News for ${name}: news`);
    expect(named.text).toContain(`Hi ${name},`);
    expect(named.text).toContain('call or text 988');
    expect(named.headers?.['List-Unsubscribe']).toMatch(/^<http:\/\/localhost:3000\/u\/[\w-]+\.[\w-]+>$/);
    expect(named.headers?.['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    expect(named.tags).toContainEqual({ name: 'broadcast', value: started.broadcast.id });
  });

  it('with `series` set, only that course’s active subscribers are reached', { timeout: 120_000 }, async () => {
    const { store } = await db.fresh();
    const pop = await populate(store, t0);
    const root = tempProject();
    writeBroadcast(root, 'course-news', { series: SERIES });
    server = await startFakeResend({ requestsPerSecond: null });
    const { plan, last } = await send(store, root, 'course-news');
    const expected = pop.bySeries.get(SERIES)!;
    expect(expected.size).toBeLessThan(pop.all.size);
    expect(plan.recipients).toBe(expected.size);
    const got = recipientsOf(server);
    expect(got).toHaveLength(expected.size);
    expect(new Set(got)).toEqual(expected);
    expect(duplicates(server)).toBe(0);
    expect(last.sent).toBe(expected.size);
  });
});
