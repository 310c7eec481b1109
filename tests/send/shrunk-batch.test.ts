import { beforeAll, expect, it } from 'vitest';
import { loadProject, type Project } from '../../src/build/index.ts';
import { createResendTransport } from '../../src/deliver/index.ts';
import { buildCatalog, Worker, type Catalog } from '../../src/send/index.ts';
import type { Transport } from '../../src/send/transport.ts';
import type { Store } from '../../src/store/index.ts';
import { rowIdOf } from '../../src/tokens/index.ts';
import { forEachDatabase } from '../support/databases.ts';
import { startFakeResend } from '../support/fake-resend.ts';
import { tempProject } from '../support/project.ts';

/**
 * A worker sends a batch, the provider accepts it, and the worker dies before recording.
 * Meanwhile a reader unsubscribes. The batch is reclaimed under its key without that
 * reader, so the payload differs and Resend answers 409 invalid_idempotent_request. The
 * key is only kept for a request Resend processed, so the remaining readers' messages went
 * out then: they are recorded as sent, never resent (under any key) and never marked failed.
 */
const SERIES = 'physician-coaching';
const SECRET = 's'.repeat(40);
const LEASE = 60_000;
const t0 = new Date('2026-12-02T15:00:00Z');

let project: Project;
let catalog: Catalog;
beforeAll(async () => {
  project = await loadProject(tempProject());
  catalog = await buildCatalog(project, [SERIES]);
});

function worker(store: Store, transport: Transport, owner: string, now: Date): Worker {
  return new Worker({ store, transport, catalog, config: project.config, secret: SECRET, owner, clock: () => now, leaseMs: LEASE, kinds: ['lesson'] });
}

forEachDatabase((db) => {
  it('a reclaimed batch that lost a reader gets 409 invalid_idempotent_request: the rest are recorded sent, nothing goes out twice', async () => {
    const { store } = await db.fresh();
    const server = await startFakeResend({ requestsPerSecond: null });
    try {
      const rows = ['ana', 'ben', 'cy'].map((n) => ({ email: `${n}@example.com`, firstName: n, timezone: 'UTC', consentAt: t0, consentSource: 'test' }));
      const ids = (await store.subscribers.importBatch(rows, { now: t0, seriesId: SERIES })).map((r) => (r.outcome === 'imported' ? r.id : ''));
      const slug = catalog.courses.get(SERIES)!.steps[0]!.slug;
      await store.deliveries.enqueue(
        ids.map((subscriberId) => ({ kind: 'lesson' as const, subscriberId, seriesId: SERIES, stepSlug: slug, stepNumber: 1, dueAt: t0 })),
        t0,
      );

      const resend = createResendTransport({ apiKey: 're_test', baseUrl: server.url, requestsPerSecond: null, maxRetries: 0 });
      // Accepted by the provider, then the process dies before it records anything.
      const dies: Transport = {
        ...resend,
        sendBatch: async (m, key) => {
          await resend.sendBatch(m, key);
          throw new Error('killed');
        },
      };
      await expect(worker(store, dies, 'a', t0).drain()).rejects.toThrow('killed');
      expect(server.received).toHaveLength(3);
      await store.subscribers.unsubscribe(ids[2]!, new Date(t0.getTime() + 1_000));

      const after = new Date(t0.getTime() + 2 * LEASE);
      const run = await worker(store, resend, 'b', after).drain();
      expect(run).toMatchObject({ sent: 2, failed: 0, retried: 0, batches: 1 });
      expect(server.requests.filter((r) => r.status === 409).length).toBe(1);
      expect(server.received).toHaveLength(3);
      for (const n of server.countByDelivery().values()) expect(n).toBe(1);
      const rowsNow = await Promise.all(server.received.map((r) => store.deliveries.getById(rowIdOf(SECRET, 'delivery', r.deliveryId!)!)));
      const of = (subscriberId: string) => rowsNow.find((d) => d?.subscriberId === subscriberId);
      const [ana, ben, cy] = ids.map(of);
      for (const d of [ana, ben]) expect(d).toMatchObject({ status: 'sent', providerId: null, error: expect.stringContaining('earlier request') });
      expect(cy).toMatchObject({ status: 'cancelled' });
      expect(await store.enrollments.get(ids[0]!, SERIES)).toMatchObject({ lastStepSlug: slug });
      // Nothing left to send: no second copy under any key.
      expect(await worker(store, resend, 'c', new Date(after.getTime() + 10 * LEASE)).drain()).toMatchObject({ sent: 0, batches: 0 });
      expect(server.received).toHaveLength(3);
    } finally {
      await server.close();
    }
  });
});
