import { beforeAll, expect, it } from 'vitest';
import { broadcastMessages, loadBroadcast, startSend } from '../../src/broadcast/index.ts';
import { loadProject, type Project } from '../../src/build/index.ts';
import { createResendTransport } from '../../src/deliver/index.ts';
import { buildCatalog, Worker, type Catalog } from '../../src/send/index.ts';
import { forEachDatabase } from '../support/databases.ts';
import { startFakeResend } from '../support/fake-resend.ts';
import { tempProject } from '../support/project.ts';
import { writeBroadcast } from '../broadcast/support.ts';

/**
 * `batchChars`: a claim stops before the batch's messages pass that many characters, so a
 * loop never holds more than its heap was sized for. The worker command sets it from its
 * heap cap (tests/cli/worker-process.test.ts runs that end to end).
 */
const SERIES = 'physician-coaching';
const SECRET = 'z'.repeat(40);
const t0 = new Date('2026-12-02T15:00:00Z');

let root: string;
let project: Project;
let catalog: Catalog;
beforeAll(async () => {
  root = tempProject();
  writeBroadcast(root, 'news');
  project = await loadProject(root);
  catalog = await buildCatalog(project, [SERIES]);
});

forEachDatabase((db) => {
  it('claims as many rows as their messages fit, weighs a broadcast once it has compiled it, and sends each message once', async () => {
    const { store } = await db.fresh();
    const server = await startFakeResend({ requestsPerSecond: null });
    try {
      const rows = Array.from({ length: 10 }, (_, i) => ({ email: `r${i}@example.com`, firstName: `R${i}`, timezone: 'UTC', consentAt: t0, consentSource: 'test' }));
      const ids = (await store.subscribers.importBatch(rows, { now: t0, seriesId: SERIES })).map((r) => (r.outcome === 'imported' ? r.id : ''));
      const lesson = catalog.lesson(SERIES, catalog.courses.get(SERIES)!.steps[0]!.slug)!;
      // The lessons fall due a minute before the broadcast, so they are claimed first.
      const early = new Date(t0.getTime() - 60_000);
      await store.deliveries.enqueue(ids.map((subscriberId) => ({ kind: 'lesson' as const, subscriberId, seriesId: SERIES, stepSlug: catalog.courses.get(SERIES)!.steps[0]!.slug, stepNumber: 1, dueAt: early })), t0);
      const started = await startSend({ project, store }, await loadBroadcast(project, 'news'), { now: t0 });
      if (started.outcome !== 'sending') throw new Error(started.outcome);
      const messages = broadcastMessages(project, store);
      const news = await messages.lookup(started.broadcast.id);
      if (typeof news !== 'object') throw new Error(String(news));
      // The lesson is the longer message: the budget holds three and a half lessons.
      expect(lesson.chars).toBeGreaterThan(news.chars);
      const batchChars = Math.floor(3.5 * lesson.chars);

      const worker = new Worker({
        store,
        transport: createResendTransport({ apiKey: 're_test', baseUrl: server.url, requestsPerSecond: null, maxRetries: 0 }),
        catalog,
        config: project.config,
        secret: SECRET,
        owner: 'sized',
        clock: () => t0,
        broadcasts: messages.lookup,
        batchSize: 100,
        batchChars,
      });
      expect(await worker.drain()).toMatchObject({ sent: 20, failed: 0, retried: 0 });

      const perBroadcast = Math.min(9, Math.floor(batchChars / news.chars));
      expect(perBroadcast).toBeGreaterThan(3);
      // Lessons three at a time; the last lesson stops before the broadcast this loop has not
      // compiled yet; that goes alone; then the rest of it as many as fit.
      expect(server.requests.map((r) => r.emails)).toEqual([3, 3, 3, 1, 1, ...chunk(9, perBroadcast)]);
      expect(server.received).toHaveLength(20);
      for (const n of server.countByDelivery().values()) expect(n).toBe(1);
    } finally {
      await server.close();
    }
  });
});

/** Sizes of `total` split into batches of at most `size`. */
function chunk(total: number, size: number): number[] {
  const out: number[] = [];
  for (let left = total; left > 0; left -= size) out.push(Math.min(size, left));
  return out;
}
