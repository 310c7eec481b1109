/**
 * A permanent bounce arriving while the worker is busy sending the very messages that are
 * due for that reader, in the same second. Whatever the worker had already claimed before
 * the webhook committed may still go (it is in flight); nothing else may, ever.
 */
import { expect, it } from 'vitest';
import { loadProject } from '../../src/build/index.ts';
import { createResendTransport } from '../../src/deliver/index.ts';
import { buildCatalog, enqueueDue, Worker, type Catalog } from '../../src/send/index.ts';
import type { Store } from '../../src/store/index.ts';
import { forEachDatabase } from '../support/databases.ts';
import { startFakeResend, type FakeResend } from '../support/fake-resend.ts';
import { tempProject } from '../support/project.ts';
import { permanentBounce, resendEvent } from '../support/svix.ts';
import { startWebhooks } from './setup.ts';

const SERIES = 'physician-coaching';
const NOW = new Date('2026-12-02T01:30:00Z'); // 19:30 in Chicago: inside the send window
const TARGET = 'bounces@example.com';
const OTHERS = 40;

let project: Awaited<ReturnType<typeof loadProject>> | undefined;
let catalog: Catalog | undefined;
async function compiled() {
  project ??= await loadProject(tempProject());
  catalog ??= await buildCatalog(project, [SERIES]);
  return { project, catalog };
}

async function addReader(store: Store, email: string) {
  const r = await store.subscribers.createPending({ email, firstName: 'Sam', timezone: 'America/Chicago', consentSource: 'test', now: NOW });
  if (r.outcome !== 'created') throw new Error(r.outcome);
  await store.subscribers.activate(r.subscriber.id, { now: NOW, seriesId: SERIES });
  return r.subscriber.id;
}

const recipient = (e: FakeResend['received'][number]) => [e.email?.to].flat()[0];

async function until(check: () => Promise<boolean> | boolean, what: string, ms = 20_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

forEachDatabase((db) => {
  it('after the bounce webhook’s 200, no lesson or broadcast due in the same second reaches the reader', async () => {
    const { project, catalog } = await compiled();
    const { store } = await db.fresh();
    // Slow enough that the worker is mid-run when the webhook lands.
    const resend = await startFakeResend({ requestsPerSecond: null, faults: { delayMs: 40 } });
    const hooks = await startWebhooks(store);
    const course = catalog.courses.get(SERIES)!;
    const options = {
      store,
      transport: createResendTransport({ apiKey: 're_test', baseUrl: resend.url, requestsPerSecond: null }),
      catalog,
      config: project.config,
      secret: 's'.repeat(40),
      owner: 'race-worker',
      clock: () => NOW,
      broadcasts: async () => catalog.lesson(SERIES, course.steps[0]!.slug),
      batchSize: 5,
    };
    const worker = new Worker(options);
    try {
      // The reader's first lesson went out through the provider: that is the email that bounces.
      const target = await addReader(store, TARGET);
      await worker.runOnce();
      const first = (await store.subscribers.dataHeld(target))!.deliveries[0]!;
      expect(first).toMatchObject({ status: 'sent', stepNumber: 1 });
      const sentBefore = resend.received.length;

      // Now a crowd whose first lesson is due, then the reader's lesson 2 and a broadcast to
      // everyone, all due this very second.
      for (let i = 0; i < OTHERS; i++) await addReader(store, `reader${i}@example.com`);
      await enqueueDue(store, catalog, NOW);
      const step2 = course.steps[1]!;
      await store.deliveries.enqueue(
        [{ kind: 'lesson', subscriberId: target, seriesId: SERIES, stepSlug: step2.slug, stepNumber: step2.step, dueAt: NOW }],
        NOW,
      );
      const b = await store.broadcasts.create({ slug: 'news', contentHash: 'h', subject: 'News', now: NOW });
      await store.broadcasts.snapshotRecipients(b.id, { seriesId: null }, NOW);

      const running = worker.run(5, (ms) => new Promise((r) => setTimeout(r, ms)));
      await until(() => resend.received.length > sentBefore, 'the worker to start sending');
      const res = await hooks.post(resendEvent('email.bounced', first.providerId!, permanentBounce, TARGET));
      expect(res.status).toBe(200);
      const atResponse = (await store.subscribers.dataHeld(target))!.deliveries;
      // Claimed before the webhook committed: these may still be on their way.
      const inFlight = atResponse.filter((d) => d.id !== first.id && (d.status === 'sending' || d.status === 'sent')).length;

      const pending = async () => {
        const c = await store.deliveries.counts(NOW);
        return [...c.lessons, ...c.broadcasts].reduce((n, x) => n + x.due + x.sending, 0);
      };
      await until(async () => (await pending()) === 0, 'the queue to drain');
      worker.stop();
      await running;

      const toTarget = resend.received.slice(sentBefore).filter((e) => recipient(e) === TARGET).length;
      expect(toTarget).toBe(inFlight);
      const after = (await store.subscribers.dataHeld(target))!;
      expect(after.subscriber.status).toBe('bounced');
      const rest = after.deliveries.filter((d) => d.id !== first.id);
      expect(rest).toHaveLength(2);
      // The race really happened: what had not been claimed was cancelled, not sent.
      expect(rest.filter((d) => d.status === 'cancelled').length).toBe(2 - inFlight);
      expect(inFlight).toBeLessThan(2);
      // …while the worker kept sending to everyone else.
      const others = resend.received.slice(sentBefore).filter((e) => recipient(e) !== TARGET).length;
      expect(others).toBe(OTHERS * 2);
      // And a later pass, a day on, sends the reader nothing either.
      const later = new Worker({ ...options, clock: () => new Date(NOW.getTime() + 3 * 86_400_000), owner: 'later' });
      await later.runOnce();
      expect(resend.received.filter((e) => recipient(e) === TARGET).length).toBe(1 + inFlight);
    } finally {
      worker.stop();
      await hooks.close();
      await resend.close();
    }
  });
});
