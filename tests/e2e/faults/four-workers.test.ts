import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../../src/store/index.ts';
import { freshDatabase } from '../../support/databases.ts';
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
 * Four worker processes (one of them running two loops with --concurrency 2) share 20,000
 * due deliveries in one Postgres through leases. Each process sends with its own API key,
 * so the server can tell who sent what.
 */
const DUE = 20_000;

let server: FakeResend | undefined;
afterEach(async () => {
  await killWorkers();
  await server?.close();
  server = undefined;
});

describe('4 worker processes against one Postgres', () => {
  it(`send ${DUE.toLocaleString('en-US')} due deliveries: all sent, none twice, every process sent some`, { timeout: 120_000 }, async () => {
    const root = await built(resendProject());
    const options = await freshDatabase('postgres');
    const store = await openStore(options);
    await seedDueLessons(store, DUE);
    await store.close();
    server = await startFakeResend({ requestsPerSecond: null, keepEmails: false });

    const workers = ['w1', 'w2', 'w3', 'w4'].map((name, i) =>
      spawnWorker({
        root,
        resendUrl: server!.url,
        databaseUrl: options.databaseUrl,
        name,
        args: ['--idle-ms', '200', ...(i === 3 ? ['--concurrency', '2'] : [])],
      }),
    );
    await waitFor(
      async () => (await statusCounts(options)).sent === DUE,
      `all ${DUE} sent`,
      100_000,
      async () => JSON.stringify(await statusCounts(options)),
    );
    // Graceful shutdown: each finishes its batch in flight, releases its leases and exits 0.
    for (const w of await Promise.all(workers.map(stopWorker))) expect(w).toEqual({ code: 0, signal: null });

    const counts = server.countByDelivery();
    expect(counts.size).toBe(DUE);
    expect(duplicates(server)).toBe(0);
    const perWorker = workers.map((w) => server!.received.filter((r) => r.apiKey === w.apiKey).length);
    expect(perWorker.reduce((a, b) => a + b, 0)).toBe(DUE);
    for (const n of perWorker) expect(n).toBeGreaterThan(0);
    expect(workers[3]!.out()).toContain('2 loops');

    const providerIds = providerIdsByRow(server.received);
    const rows = await deliveryRows(options);
    expect(rows).toHaveLength(DUE);
    expect(rows.filter((r) => r.status !== 'sent' || r.providerId !== providerIds.get(r.id))).toEqual([]);
    expect(rows.filter((r) => r.leaseOwner !== null)).toEqual([]);
  });
});
