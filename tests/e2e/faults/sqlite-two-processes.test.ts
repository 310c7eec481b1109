import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../../src/store/index.ts';
import { duplicates, startFakeResend, type FakeResend } from '../../support/fake-resend.ts';
import {
  deliveryRows,
  killWorkers,
  providerIdsByRow,
  built,
  resendProject,
  seedDueLessons,
  spawnWorker,
  statusCounts,
  stopWorker,
  waitFor,
} from '../../support/worker-process.ts';

/**
 * SQLite mode with two worker processes on the same file: allowed, and serialized safely.
 * Every transaction is BEGIN IMMEDIATE (src/store/sqlite-dialect.ts), so a claim's select and
 * update happen under the database's single write lock, and the other process waits for it
 * (busy_timeout) instead of reading the same rows. Nothing is gained in speed; nothing breaks.
 */
const DUE = 1_500;

let server: FakeResend | undefined;
afterEach(async () => {
  await killWorkers();
  await server?.close();
  server = undefined;
});

describe('SQLite: two worker processes on one file', () => {
  it('are serialized safely: all sent, none twice, both took part', { timeout: 60_000 }, async () => {
    const root = await built(resendProject());
    const options = { sqlitePath: join(root, 'data/coursemail.sqlite') };
    const store = await openStore(options);
    await seedDueLessons(store, DUE);
    await store.close();
    // A short wait per request, so neither process can drain the queue alone before the other starts.
    server = await startFakeResend({ requestsPerSecond: null, keepEmails: false, faults: { delayMs: 100 } });
    const workers = ['left', 'right'].map((name) => spawnWorker({ root, resendUrl: server!.url, name, args: ['--idle-ms', '200'] }));

    await waitFor(
      async () => (await statusCounts(options)).sent === DUE,
      `all ${DUE} sent`,
      50_000,
      async () => JSON.stringify(await statusCounts(options)),
    );
    for (const w of await Promise.all(workers.map(stopWorker))) expect(w).toEqual({ code: 0, signal: null });
    for (const w of workers) expect(w.err()).not.toContain('pass failed');

    const counts = server.countByDelivery();
    expect(counts.size).toBe(DUE);
    expect(duplicates(server)).toBe(0);
    for (const w of workers) expect(server.received.filter((r) => r.apiKey === w.apiKey).length).toBeGreaterThan(0);
    const providerIds = providerIdsByRow(server.received);
    const rows = await deliveryRows(options);
    expect(rows.filter((r) => r.status !== 'sent' || r.providerId !== providerIds.get(r.id))).toEqual([]);
  });
});
