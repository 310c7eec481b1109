import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { broadcastMessages, cancelBroadcast, loadBroadcast, progressOf, releaseScheduledBroadcasts, startSend } from '../../src/broadcast/index.ts';
import { loadProject } from '../../src/build/index.ts';
import { buildCatalog, Worker } from '../../src/send/index.ts';
import type { CoursemailError } from '../../src/shared/index.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { startFakeResend, type FakeResend } from '../support/fake-resend.ts';
import { tempProject } from '../support/project.ts';
import { resendTo, SECRET, writeBroadcast } from './support.ts';

const t0 = new Date('2026-05-04T14:00:00Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
let server: FakeResend | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function subscribe(store: Store, emails: string[], now: Date) {
  await store.subscribers.importBatch(
    emails.map((email) => ({ email, firstName: null, timezone: null, consentAt: now, consentSource: 'test' })),
    { now },
  );
}

/** The worker as `coursemail worker` runs it: every kind, the course catalog, scheduled broadcasts released each pass. */
async function setup() {
  const root = tempProject();
  const store = await openStore({ sqlitePath: join(root, 'data/coursemail.sqlite') });
  const project = await loadProject(root);
  server = await startFakeResend({ requestsPerSecond: null });
  let now = t0;
  const worker = new Worker({
    store,
    transport: resendTo(server),
    catalog: await buildCatalog(project),
    config: project.config,
    secret: SECRET,
    owner: 'daemon',
    clock: () => now,
    broadcasts: broadcastMessages(store).lookup,
    beforePass: (when) => releaseScheduledBroadcasts(store, when),
  });
  return { root, store, project, worker, server, setNow: (d: Date) => (now = d) };
}

describe('scheduled broadcasts and cancel', () => {
  it('a future sendAt is sent only when the clock passes it, to the subscribers of that moment', { timeout: 60_000 }, async () => {
    const { root, store, project, worker, server, setNow } = await setup();
    await subscribe(store, ['a@example.com', 'b@example.com'], t0);
    writeBroadcast(root, 'talk', { sendAt: at(120).toISOString() });
    const started = await startSend({ project, store }, await loadBroadcast(project, 'talk'), { now: t0 });
    expect(started).toMatchObject({ outcome: 'scheduled', broadcast: { status: 'scheduled', sendAt: at(120), total: null } });
    // Sending the same file again before it is due changes nothing.
    expect(await startSend({ project, store }, await loadBroadcast(project, 'talk'), { now: at(10) })).toMatchObject({
      outcome: 'scheduled',
      broadcast: { id: started.broadcast.id },
    });

    await subscribe(store, ['joined-before-it-went@example.com'], at(60));
    for (const m of [0, 60, 119]) {
      setNow(at(m));
      await worker.runOnce();
    }
    expect(server.received).toHaveLength(0);
    expect((await store.deliveries.counts(at(119))).broadcasts).toEqual([]);

    setNow(at(121));
    await worker.runOnce();
    expect(server.received.map((r) => [r.email!.to].flat()[0]).sort()).toEqual(['a@example.com', 'b@example.com', 'joined-before-it-went@example.com']);
    const b = (await store.broadcasts.getById(started.broadcast.id))!;
    expect(b).toMatchObject({ status: 'sent', total: 3, startedAt: at(121) });
    // Released once: later passes add nothing.
    setNow(at(200));
    await worker.runOnce();
    expect(server.received).toHaveLength(3);
  });

  it('cancel before it is due sends nothing; cancel mid-send stops what has not gone', { timeout: 60_000 }, async () => {
    const { root, store, project, worker, server, setNow } = await setup();
    await subscribe(
      store,
      Array.from({ length: 250 }, (_, i) => `r${i}@example.com`),
      t0,
    );

    writeBroadcast(root, 'later', { sendAt: at(30).toISOString() });
    await startSend({ project, store }, await loadBroadcast(project, 'later'), { now: t0 });
    expect(await cancelBroadcast(store, 'later', at(5))).toMatchObject({ cancelled: 0, broadcast: { status: 'cancelled' } });
    setNow(at(31));
    await worker.runOnce();
    expect(server.received).toHaveLength(0);
    const again = (await startSend({ project, store }, await loadBroadcast(project, 'later'), { now: at(32) }).catch((e: unknown) => e)) as CoursemailError;
    expect(again.code).toBe('broadcast.cancelled');
    expect(again.message).toContain('--force-new');

    writeBroadcast(root, 'now');
    const started = await startSend({ project, store }, await loadBroadcast(project, 'now'), { now: at(40) });
    if (started.outcome !== 'sending') throw new Error(started.outcome);
    expect(started.total).toBe(250);
    // One batch goes out; then the author cancels.
    const transport = resendTo(server);
    const first: Worker = new Worker({
      store,
      transport,
      catalog: await buildCatalog(project),
      config: project.config,
      secret: SECRET,
      owner: 'sender',
      clock: () => at(40),
      broadcasts: broadcastMessages(store).lookup,
      kinds: ['broadcast'],
      batchSize: 100,
      onBatch: () => first.stop(),
    });
    await first.runOnce();
    expect(server.received).toHaveLength(100);
    const cancelled = await cancelBroadcast(store, 'now', at(41));
    expect(cancelled.cancelled).toBe(150);
    setNow(at(42));
    await worker.runOnce();
    expect(server.received).toHaveLength(100);
    const p = await progressOf(store, (await store.broadcasts.getById(started.broadcast.id))!, at(42));
    expect(p).toMatchObject({ total: 250, sent: 100, cancelled: 150, queued: 0, sending: 0, broadcast: { status: 'cancelled' } });
    await expect(cancelBroadcast(store, 'now', at(43))).rejects.toThrow('already cancelled');
    await transport.close();
  });
});
