import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
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
  startOwnPostgres,
  statusCounts,
  stopWorker,
  type OwnPostgres,
  waitFor,
} from '../../support/worker-process.ts';

/**
 * Postgres goes away mid-run (a fast shutdown ends every session, as a restart or a
 * failover does) and comes back on the same address. The workers log the failed passes,
 * back off and carry on; batches whose outcome could not be recorded are reclaimed when
 * their lease expires and resent under their key, so nothing goes out twice.
 */
const DUE = 2_000;

let pgServer: OwnPostgres | undefined;
let server: FakeResend | undefined;
beforeAll(async () => {
  pgServer = await startOwnPostgres();
}, 60_000);
afterEach(async () => {
  await killWorkers();
  await server?.close();
  server = undefined;
});
afterAll(async () => {
  await pgServer?.close();
}, 30_000);

describe('Postgres restarted mid-run', () => {
  it('workers reconnect and carry on: all sent, none twice', { timeout: 90_000 }, async () => {
    await pgServer!.createDatabase('restart');
    const options = { databaseUrl: pgServer!.url('restart') };
    const store = await openStore(options);
    await seedDueLessons(store, DUE);
    await store.close();
    // Slow answers: batches are in flight at the provider when the database goes.
    server = await startFakeResend({ requestsPerSecond: null, keepEmails: false, faults: { delayMs: 150 } });
    const root = await built(resendProject());
    const workers = ['a', 'b'].map((name) =>
      spawnWorker({ root, resendUrl: server!.url, databaseUrl: options.databaseUrl, name, args: ['--lease-ms', '3000', '--idle-ms', '200'] }),
    );

    await waitFor(
      async () => ((await statusCounts(options)).sent ?? 0) >= 300,
      '300 sent before the restart',
      40_000,
      () => workers.map((w) => w.err()).join('\n'),
    );
    await pgServer!.stop();
    const sentWhileDown = server.received.length;
    await waitFor(
      () => workers.every((w) => w.err().includes('pass failed')),
      'both workers to report the outage',
      30_000,
      () => workers.map((w) => w.err()).join('\n'),
    );
    await pgServer!.start();
    expect(workers.every((w) => w.running)).toBe(true);
    expect(sentWhileDown).toBeLessThan(DUE);

    await waitFor(
      async () => (await statusCounts(options)).sent === DUE,
      `all ${DUE} sent`,
      60_000,
      async () => JSON.stringify(await statusCounts(options)),
    );
    for (const w of await Promise.all(workers.map(stopWorker))) expect(w).toEqual({ code: 0, signal: null });
    for (const w of workers) expect(w.err()).toMatch(/pass failed: .+; trying again in \d+(\.\d+)? s/);

    const counts = server.countByDelivery();
    expect(counts.size).toBe(DUE);
    expect(duplicates(server)).toBe(0);
    const providerIds = providerIdsByRow(server.received);
    const rows = await deliveryRows(options);
    expect(rows.filter((r) => r.status !== 'sent' || r.providerId !== providerIds.get(r.id))).toEqual([]);
  });
});
