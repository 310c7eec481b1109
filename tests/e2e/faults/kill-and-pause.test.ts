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
  type WorkerProcess,
  waitFor,
} from '../../support/worker-process.ts';

/**
 * Three workers on one Postgres with 3 s leases. One is SIGKILLed with a batch in flight;
 * another is frozen with SIGSTOP with a batch in flight, kept frozen until the survivor has
 * reclaimed and sent that batch, then resumed with SIGCONT: it finishes its old request and
 * records a batch someone else already recorded. Nothing may be lost, nothing sent twice,
 * and the late record must leave the rows as they were.
 */
const DUE = 3_000;

let server: FakeResend | undefined;
afterEach(async () => {
  await killWorkers();
  await server?.close();
  server = undefined;
});

const batchLines = (w: WorkerProcess) =>
  w
    .out()
    .split('\n')
    .filter((l) => l.startsWith('batch: ')).length;

describe('one worker SIGKILLed, another SIGSTOPped past its lease (Postgres)', () => {
  it('0 duplicates, 0 lost; the paused worker’s late record changes nothing', { timeout: 90_000 }, async () => {
    const root = await built(resendProject());
    const options = await freshDatabase('postgres');
    const store = await openStore(options);
    await seedDueLessons(store, DUE);
    await store.close();
    // Slow answers keep each worker's request in flight most of the time.
    server = await startFakeResend({ requestsPerSecond: null, keepEmails: false, faults: { delayMs: 200 } });
    const args = ['--lease-ms', '3000', '--idle-ms', '200'];
    const start = (name: string) => spawnWorker({ root, resendUrl: server!.url, databaseUrl: options.databaseUrl, name, args });
    const killed = start('killed');
    const paused = start('paused');
    const survivor = start('survivor');
    const inFlight = (w: WorkerProcess) => server!.requests.find((r) => r.apiKey === w.apiKey && !r.answered);
    const logs = () => [killed, paused, survivor].map((w) => `${w.name}: ${w.err()}`).join('\n');

    await waitFor(() => inFlight(killed) !== undefined && server!.received.length >= 200, 'a batch of the first worker in flight', 40_000, logs);
    killed.signal('SIGKILL');
    await waitFor(() => inFlight(paused) !== undefined, 'a batch of the second worker in flight', 20_000, logs);
    paused.signal('SIGSTOP');
    const pausedKey = inFlight(paused)!.idempotencyKey;
    expect((await killed.exited).signal).toBe('SIGKILL');

    const atStop = await deliveryRows(options);
    const killedRows = new Set(atStop.filter((r) => r.status === 'sending' && killed.owns(r.leaseOwner)).map((r) => r.id));
    const pausedRows = new Set(atStop.filter((r) => r.status === 'sending' && paused.owns(r.leaseOwner)).map((r) => r.id));
    expect(killedRows.size).toBeGreaterThan(0);
    expect(pausedRows.size).toBeGreaterThan(0);
    expect(atStop.filter((r) => pausedRows.has(r.id)).every((r) => r.batchKey === pausedKey)).toBe(true);

    // The survivor takes both orphaned batches over once their leases expire.
    const sentOf = async (ids: Set<string>) => (await deliveryRows(options)).filter((r) => ids.has(r.id) && r.status === 'sent').length;
    await waitFor(
      async () => (await sentOf(pausedRows)) === pausedRows.size && (await sentOf(killedRows)) === killedRows.size,
      'the orphaned batches sent by the survivor',
      40_000,
      logs,
    );
    expect(survivor.out()).toContain('(reclaimed from an expired lease)');
    expect(server.requests.some((r) => r.idempotencyKey === pausedKey && r.apiKey === survivor.apiKey)).toBe(true);
    const before = (await deliveryRows(options)).filter((r) => pausedRows.has(r.id));

    // Resumed, the paused worker completes its old request and records the old batch.
    const recorded = batchLines(paused);
    paused.signal('SIGCONT');
    await waitFor(() => batchLines(paused) > recorded, 'the resumed worker to record its old batch', 20_000, logs);
    const after = (await deliveryRows(options)).filter((r) => pausedRows.has(r.id));
    expect(after).toEqual(before);

    await waitFor(
      async () => (await statusCounts(options)).sent === DUE,
      `all ${DUE} sent`,
      40_000,
      async () => JSON.stringify(await statusCounts(options)),
    );
    for (const w of await Promise.all([paused, survivor].map(stopWorker))) expect(w).toEqual({ code: 0, signal: null });

    const counts = server.countByDelivery();
    expect(counts.size).toBe(DUE);
    expect(duplicates(server)).toBe(0);
    const providerIds = providerIdsByRow(server.received);
    const rows = await deliveryRows(options);
    expect(rows.filter((r) => r.status !== 'sent' || r.providerId !== providerIds.get(r.id) || r.leaseOwner !== null)).toEqual([]);
  });
});
